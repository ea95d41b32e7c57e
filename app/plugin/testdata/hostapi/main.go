// Command hostapi is a test plugin for the host API: tap_api runs one host
// function named by the input and reports what it answered; tap_cron
// counts its runs in a variable and queues a job; tap_queue_worker works
// the "work" queue (a payload {"mode":"loop"} never returns, "fail"
// errors); tap_invoke exports "echo". Built by the app/plugin and app/jobs
// tests.
package main

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/trovato/trovato/plugins/sdk"
)

func main() {}

//go:wasmexport tap_api
func tapAPI(p, n uint32) uint64 { return sdk.RawTap(p, n, api) }

//go:wasmexport tap_item_view
func tapItemView(p, n uint32) uint64 { return sdk.ItemView(p, n, view) }

//go:wasmexport tap_cron
func tapCron(p, n uint32) uint64 { return sdk.Cron(p, n, cron) }

//go:wasmexport tap_queue_worker
func tapQueueWorker(p, n uint32) uint64 { return sdk.QueueWorker(p, n, work) }

//go:wasmexport tap_invoke
func tapInvoke(p, n uint32) uint64 { return sdk.Invoked(p, n, functions) }

// request is the tap_api input.
type request struct {
	Op       string          `json:"op"`
	Name     string          `json:"name"`
	Value    json.RawMessage `json:"value"`
	Tags     []string        `json:"tags"`
	N        int             `json:"n"`
	Function string          `json:"function"`
}

// result is the tap_api answer.
type result struct {
	Err   string `json:"err,omitempty"`
	Found bool   `json:"found"`
	Value any    `json:"value,omitempty"`
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func api(in []byte) ([]byte, error) {
	var q request
	if err := json.Unmarshal(in, &q); err != nil {
		return nil, err
	}
	var r result
	switch q.Op {
	case "var_set":
		r.Err = errText(sdk.SetVariable(q.Name, q.Value))
	case "var_get":
		var v json.RawMessage
		found, err := sdk.GetVariable(q.Name, &v)
		r = result{Err: errText(err), Found: found, Value: v}
	case "random":
		b := sdk.RandomBytes(q.N)
		r = result{Found: b != nil, Value: hex.EncodeToString(b)}
	case "user":
		u, ok := sdk.CurrentUser()
		r = result{Found: ok, Value: map[string]any{"user": u, "can": sdk.HasPermission(q.Name)}}
	case "push":
		r.Err = errText(sdk.QueuePush(q.Name, q.Value))
	case "cache_set":
		r.Err = errText(sdk.CacheSet(q.Name, q.Value, 0, q.Tags...))
	case "cache_get":
		v, ok := sdk.CacheGet(q.Name)
		r = result{Found: ok, Value: string(v)}
	case "cache_invalidate":
		r.Err = errText(sdk.CacheInvalidate(q.Tags...))
	case "req_set":
		r.Err = errText(sdk.RequestSet(q.Name, q.Value))
	case "req_get":
		var v json.RawMessage
		found, err := sdk.RequestGet(q.Name, &v)
		r = result{Err: errText(err), Found: found, Value: v}
	case "exists":
		r.Found = sdk.PluginExists(q.Name)
	case "invoke":
		var out any
		err := sdk.Invoke(q.Name, q.Function, q.Value, &out)
		r = result{Err: errText(err), Value: out}
	default:
		return nil, sdk.Errorf(sdk.CodeInvalid, "unknown op %q", q.Op)
	}
	return json.Marshal(r)
}

// view proves the request scope: each plugin running this module appends
// to the request context list "views" and shows its length and the
// current user, so two plugins in one request show 1 and 2, and the next
// request starts again at 1.
func view(it sdk.Item, mode string) (sdk.Element, error) {
	if mode != "full" {
		return sdk.Element{}, nil
	}
	var seen []int
	if _, err := sdk.RequestGet("views", &seen); err != nil {
		return sdk.Element{}, err
	}
	seen = append(seen, len(seen)+1)
	if err := sdk.RequestSet("views", seen); err != nil {
		return sdk.Element{}, err
	}
	u, _ := sdk.CurrentUser()
	return sdk.Text(fmt.Sprintf("hostapi view %d for %s (administer plugins: %v)",
		len(seen), u.Name, sdk.HasPermission("administer plugins"))), nil
}

// cron counts its runs in the variable cron_runs and queues a job
// carrying the count.
func cron(c sdk.CronInput) error {
	var runs int
	if _, err := sdk.GetVariable("cron_runs", &runs); err != nil {
		return err
	}
	runs++
	if err := sdk.SetVariable("cron_runs", runs); err != nil {
		return err
	}
	sdk.Log(sdk.LevelInfo, fmt.Sprintf("hostapi: cron run %d", runs))
	return sdk.QueuePush("work", map[string]int{"n": runs})
}

// work works the "work" queue: it records the last payload and its
// attempt; mode "loop" never returns, mode "fail" fails every attempt.
func work(j sdk.QueueJob) error {
	var p struct {
		Mode string `json:"mode"`
	}
	_ = json.Unmarshal(j.Payload, &p)
	sdk.Log(sdk.LevelInfo, fmt.Sprintf("hostapi: job %s attempt %d", j.Payload, j.Attempt))
	switch p.Mode {
	case "loop":
		for {
			spin++
		}
	case "fail":
		return errors.New("hostapi: asked to fail")
	}
	return sdk.SetVariable("last_job", map[string]any{"payload": j.Payload, "attempt": j.Attempt})
}

var spin int

var functions = map[string]sdk.Function{
	"echo": func(caller string, input json.RawMessage) (any, error) {
		return map[string]any{"caller": caller, "input": input}, nil
	},
}
