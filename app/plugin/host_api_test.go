package plugin

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"
)

// memVars is an in-memory VariableStore.
type memVars struct {
	mu sync.Mutex
	m  map[string]json.RawMessage
}

func (v *memVars) PluginVariable(_ context.Context, plugin, name string) (json.RawMessage, bool, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	val, ok := v.m[plugin+"."+name]
	return val, ok, nil
}

func (v *memVars) SetPluginVariable(_ context.Context, plugin, name string, value json.RawMessage) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.m == nil {
		v.m = map[string]json.RawMessage{}
	}
	if value == nil {
		delete(v.m, plugin+"."+name)
	} else {
		v.m[plugin+"."+name] = append(json.RawMessage(nil), value...)
	}
	return nil
}

// memQueue records pushed jobs.
type memQueue struct {
	mu   sync.Mutex
	jobs []string
}

func (q *memQueue) Push(_ context.Context, plugin, queue string, payload json.RawMessage) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.jobs = append(q.jobs, plugin+"/"+queue+"/"+string(payload))
	return nil
}

// memCache is a tagged cache in memory (app/cache is tested on its own).
type memCache struct {
	mu      sync.Mutex
	entries map[string]string
	tags    map[string][]string // tag → keys
}

func (c *memCache) Get(_ context.Context, key string) ([]byte, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.entries[key]
	return []byte(v), ok, nil
}

func (c *memCache) Set(_ context.Context, key string, value []byte, tags []string, _ time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries, c.tags = map[string]string{}, map[string][]string{}
	}
	c.entries[key] = string(value)
	for _, t := range tags {
		c.tags[t] = append(c.tags[t], key)
	}
	return nil
}

func (c *memCache) Invalidate(_ context.Context, tags ...string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range tags {
		for _, k := range c.tags[t] {
			delete(c.entries, k)
		}
	}
	return nil
}

// apiResult is the hostapi plugin's tap_api answer.
type apiResult struct {
	Err   string          `json:"err"`
	Found bool            `json:"found"`
	Value json.RawMessage `json:"value"`
}

// callAPI calls tap_api of plugin with op and the other request fields.
func callAPI(t *testing.T, ctx context.Context, h *Host, plugin string, req map[string]any) apiResult {
	t.Helper()
	in, _ := json.Marshal(req)
	out, err := h.Call(ctx, plugin, "api", in, nil)
	if err != nil {
		t.Fatalf("tap_api %v: %v", req, err)
	}
	var r apiResult
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("tap_api answer %s: %v", out, err)
	}
	return r
}

// noCaps is the hostapi module under another name, declaring no capability.
func noCaps(name string) fixture {
	return fixture{name: name, module: "hostapi", manifest: `{"name":"` + name + `","version":"1","abi":1,
		"taps":["api","cron","queue_worker","invoke"],"capabilities":[],"queues":["other"]}`}
}

func openAPIHost(t *testing.T) (*Host, *logSink, *memVars, *memQueue, *memCache) {
	t.Helper()
	h, logs := openHost(t, Config{}, fixture{name: "hostapi"}, noCaps("bare"),
		fixture{name: "peer", module: "hostapi", manifest: strings.Replace(manifestOf(t, "hostapi"), `"hostapi"`, `"peer"`, 1)})
	vars, q, c := &memVars{}, &memQueue{}, &memCache{}
	h.UseServices(Services{Variables: vars, Queue: q, Cache: c})
	return h, logs, vars, q, c
}

func TestHostAPIVariablesArePerPlugin(t *testing.T) {
	h, _, vars, _, _ := openAPIHost(t)
	ctx := context.Background()
	if r := callAPI(t, ctx, h, "hostapi", map[string]any{"op": "var_set", "name": "greeting", "value": map[string]int{"n": 41}}); r.Err != "" {
		t.Fatalf("var_set: %s", r.Err)
	}
	if got := string(vars.m["hostapi.greeting"]); got != `{"n":41}` {
		t.Errorf("stored %q", got)
	}
	r := callAPI(t, ctx, h, "hostapi", map[string]any{"op": "var_get", "name": "greeting"})
	if !r.Found || string(r.Value) != `{"n":41}` {
		t.Errorf("var_get = %+v", r)
	}
	// Another plugin does not see it.
	if r := callAPI(t, ctx, h, "peer", map[string]any{"op": "var_get", "name": "greeting"}); r.Found {
		t.Errorf("peer sees hostapi's variable: %+v", r)
	}
}

func TestHostAPIRefusedWithoutCapability(t *testing.T) {
	h, logs, vars, q, c := openAPIHost(t)
	ctx := WithRequest(context.Background(), &Account{ID: "u1", Name: "ann", Authenticated: true,
		Can: func(string) bool { return true }})
	vars.m = map[string]json.RawMessage{"bare.x": json.RawMessage(`1`)}
	refusedErr := "capability"
	for _, tc := range []struct {
		req      map[string]any
		wantErr  bool // the SDK reports ErrRefused
		function string
		cap      string
	}{
		{map[string]any{"op": "var_set", "name": "x", "value": 2}, true, "variable_set", CapVariables},
		{map[string]any{"op": "var_get", "name": "x"}, false, "variable_get", CapVariables},
		{map[string]any{"op": "random", "n": 16}, false, "random_bytes", CapRandom},
		{map[string]any{"op": "user", "name": "anything"}, false, "current_user", CapUserRead},
		{map[string]any{"op": "push", "name": "work", "value": 1}, true, "queue_push", CapQueue},
		{map[string]any{"op": "cache_set", "name": "k", "value": "v"}, true, "cache_set", CapCache},
		{map[string]any{"op": "cache_get", "name": "k"}, false, "cache_get", CapCache},
		{map[string]any{"op": "cache_invalidate", "tags": []string{"t"}}, true, "cache_invalidate", CapCache},
		{map[string]any{"op": "req_set", "name": "k", "value": 1}, true, "request_set", CapRequest},
		{map[string]any{"op": "req_get", "name": "k"}, false, "request_get", CapRequest},
		{map[string]any{"op": "exists", "name": "hostapi"}, false, "plugin_exists", CapInvoke},
		{map[string]any{"op": "invoke", "name": "hostapi", "function": "echo", "value": 1}, true, "plugin_invoke", CapInvoke},
	} {
		r := callAPI(t, ctx, h, "bare", tc.req)
		if tc.wantErr && !strings.Contains(r.Err, refusedErr) {
			t.Errorf("%s: err = %q, want a refusal", tc.function, r.Err)
		}
		if r.Found {
			t.Errorf("%s: answered data without the capability: %+v", tc.function, r)
		}
		logs.requireLog(t, "without declaring its capability", "plugin=bare", "func="+tc.function, "capability="+tc.cap)
	}
	if string(vars.m["bare.x"]) != "1" || len(q.jobs) != 0 || len(c.entries) != 0 {
		t.Errorf("a refused call changed something: vars %v, jobs %v, cache %v", vars.m, q.jobs, c.entries)
	}
}

func TestHostAPIRandomBytes(t *testing.T) {
	h, _, _, _, _ := openAPIHost(t)
	ctx := context.Background()
	a := callAPI(t, ctx, h, "hostapi", map[string]any{"op": "random", "n": 32})
	b := callAPI(t, ctx, h, "hostapi", map[string]any{"op": "random", "n": 32})
	var ha, hb string
	_ = json.Unmarshal(a.Value, &ha)
	_ = json.Unmarshal(b.Value, &hb)
	if len(ha) != 64 || len(hb) != 64 || ha == hb {
		t.Errorf("random bytes %q, %q: want two different 32-byte values", ha, hb)
	}
	if r := callAPI(t, ctx, h, "hostapi", map[string]any{"op": "random", "n": 5000}); r.Found {
		t.Errorf("more than 4096 bytes answered: %+v", r)
	}
}

func TestHostAPICurrentUserAndPermission(t *testing.T) {
	h, _, _, _, _ := openAPIHost(t)
	acct := &Account{ID: "u1", Name: "ann", Authenticated: true, Roles: []string{"editor"},
		Can: func(p string) bool { return p == "edit blog" }}
	ctx := WithRequest(context.Background(), acct)
	var got struct {
		User struct {
			ID, Name      string
			Authenticated bool
			Roles         []string
		} `json:"user"`
		Can bool `json:"can"`
	}
	r := callAPI(t, ctx, h, "hostapi", map[string]any{"op": "user", "name": "edit blog"})
	if err := json.Unmarshal(r.Value, &got); err != nil || !r.Found {
		t.Fatalf("user: %+v %v", r, err)
	}
	if got.User.ID != "u1" || got.User.Name != "ann" || !got.User.Authenticated || len(got.User.Roles) != 1 || !got.Can {
		t.Errorf("user = %+v", got)
	}
	r = callAPI(t, ctx, h, "hostapi", map[string]any{"op": "user", "name": "administer site"})
	_ = json.Unmarshal(r.Value, &got)
	if got.Can {
		t.Error("permission the account lacks answered true")
	}
	// Outside a request (cron, queue jobs) there is no user.
	if r := callAPI(t, context.Background(), h, "hostapi", map[string]any{"op": "user", "name": "edit blog"}); r.Found {
		t.Errorf("user outside a request: %+v", r)
	}
}

func TestHostAPIQueuePushFindsTheQueueOwner(t *testing.T) {
	h, logs, _, q, _ := openAPIHost(t)
	ctx := context.Background()
	if r := callAPI(t, ctx, h, "peer", map[string]any{"op": "push", "name": "work", "value": map[string]int{"n": 1}}); r.Err != "" {
		t.Fatalf("push: %s", r.Err)
	}
	// "work" is listed by hostapi and peer; hostapi comes first by name.
	if len(q.jobs) != 1 || q.jobs[0] != `hostapi/work/{"n":1}` {
		t.Errorf("jobs = %v", q.jobs)
	}
	if r := callAPI(t, ctx, h, "hostapi", map[string]any{"op": "push", "name": "nobody_works_this", "value": 1}); !strings.Contains(r.Err, "argument") {
		t.Errorf("push to an unknown queue: err = %q", r.Err)
	}
	logs.requireLog(t, "no enabled plugin works this queue", "queue=nobody_works_this")
}

func TestHostAPICacheByTag(t *testing.T) {
	h, _, _, _, c := openAPIHost(t)
	ctx := context.Background()
	if r := callAPI(t, ctx, h, "hostapi", map[string]any{"op": "cache_set", "name": "k", "value": "v1", "tags": []string{"item:7"}}); r.Err != "" {
		t.Fatal(r.Err)
	}
	if _, ok := c.entries["plugin:hostapi:k"]; !ok {
		t.Errorf("key not namespaced by plugin: %v", c.entries)
	}
	if r := callAPI(t, ctx, h, "hostapi", map[string]any{"op": "cache_get", "name": "k"}); !r.Found || string(r.Value) != `"\"v1\""` {
		t.Errorf("cache_get = %+v", r)
	}
	if r := callAPI(t, ctx, h, "peer", map[string]any{"op": "cache_get", "name": "k"}); r.Found {
		t.Errorf("peer reads hostapi's key: %+v", r)
	}
	// The kernel invalidating item:7 (an item save) drops it.
	if err := c.Invalidate(ctx, "item:7"); err != nil {
		t.Fatal(err)
	}
	if r := callAPI(t, ctx, h, "hostapi", map[string]any{"op": "cache_get", "name": "k"}); r.Found {
		t.Errorf("still cached after invalidation: %+v", r)
	}
	// And a plugin can invalidate by tag too.
	callAPI(t, ctx, h, "hostapi", map[string]any{"op": "cache_set", "name": "k2", "value": "v", "tags": []string{"type:blog"}})
	if r := callAPI(t, ctx, h, "peer", map[string]any{"op": "cache_invalidate", "tags": []string{"type:blog"}}); r.Err != "" {
		t.Fatal(r.Err)
	}
	if r := callAPI(t, ctx, h, "hostapi", map[string]any{"op": "cache_get", "name": "k2"}); r.Found {
		t.Errorf("still cached after a plugin invalidated its tag: %+v", r)
	}
}

func TestHostAPIRequestContextIsSharedWithinOneRequest(t *testing.T) {
	h, _, _, _, _ := openAPIHost(t)
	req := WithRequest(context.Background(), nil)
	if r := callAPI(t, req, h, "hostapi", map[string]any{"op": "req_set", "name": "seen", "value": []string{"hostapi"}}); r.Err != "" {
		t.Fatal(r.Err)
	}
	if r := callAPI(t, req, h, "peer", map[string]any{"op": "req_get", "name": "seen"}); !r.Found || string(r.Value) != `["hostapi"]` {
		t.Errorf("peer in the same request: %+v", r)
	}
	other := WithRequest(context.Background(), nil)
	if r := callAPI(t, other, h, "peer", map[string]any{"op": "req_get", "name": "seen"}); r.Found {
		t.Errorf("value leaked into another request: %+v", r)
	}
	if r := callAPI(t, context.Background(), h, "peer", map[string]any{"op": "req_set", "name": "x", "value": 1}); r.Err == "" {
		t.Error("request_set outside a request succeeded")
	}
}

func TestHostAPIInvokeAndExists(t *testing.T) {
	h, _, _, _, _ := openAPIHost(t)
	ctx := context.Background()
	if r := callAPI(t, ctx, h, "hostapi", map[string]any{"op": "exists", "name": "peer"}); !r.Found {
		t.Error("peer does not exist")
	}
	if r := callAPI(t, ctx, h, "hostapi", map[string]any{"op": "exists", "name": "nope"}); r.Found {
		t.Error("a missing plugin exists")
	}
	r := callAPI(t, ctx, h, "hostapi", map[string]any{"op": "invoke", "name": "peer", "function": "echo", "value": map[string]int{"x": 1}})
	if r.Err != "" || string(r.Value) != `{"caller":"hostapi","input":{"x":1}}` {
		t.Errorf("invoke = %+v", r)
	}
	if r := callAPI(t, ctx, h, "hostapi", map[string]any{"op": "invoke", "name": "peer", "function": "missing"}); !strings.Contains(r.Err, "not_found") {
		t.Errorf("unknown function: %+v", r)
	}
	if r := callAPI(t, ctx, h, "hostapi", map[string]any{"op": "invoke", "name": "hostapi", "function": "echo"}); !strings.Contains(r.Err, "itself") {
		t.Errorf("self invoke: %+v", r)
	}
	if err := h.Disable(ctx, "peer"); err != nil {
		t.Fatal(err)
	}
	if r := callAPI(t, ctx, h, "hostapi", map[string]any{"op": "exists", "name": "peer"}); r.Found {
		t.Error("a disabled plugin exists")
	}
}

func TestCronAndQueueWorkerTaps(t *testing.T) {
	h, logs, vars, q, _ := openAPIHost(t)
	ctx := context.Background()
	var seen []string
	res := h.Cron(ctx, time.Now(), func(r CronResult) { seen = append(seen, r.Plugin) })
	// bare has no variables capability, so its cron fails; the pass goes on.
	if len(res) != 3 || strings.Join(seen, ",") != "bare,hostapi,peer" {
		t.Fatalf("cron results %+v, progress %v", res, seen)
	}
	for _, r := range res {
		if (r.Err != nil) != (r.Plugin == "bare") {
			t.Errorf("cron %s: err %v", r.Plugin, r.Err)
		}
	}
	if string(vars.m["hostapi.cron_runs"]) != "1" || string(vars.m["peer.cron_runs"]) != "1" {
		t.Errorf("cron runs not counted: %v", vars.m)
	}
	logs.requireLog(t, "hostapi: cron run 1", "tap=cron")
	if len(q.jobs) != 2 {
		t.Errorf("cron pushed %v", q.jobs)
	}
	if err := h.QueueWorker(ctx, "hostapi", "work", json.RawMessage(`{"n":5}`), 2); err != nil {
		t.Fatal(err)
	}
	if got := string(vars.m["hostapi.last_job"]); got != `{"attempt":2,"payload":{"n":5}}` {
		t.Errorf("last_job = %s", got)
	}
	if err := h.QueueWorker(ctx, "hostapi", "work", json.RawMessage(`{"mode":"fail"}`), 1); err == nil {
		t.Error("failing job reported success")
	}
}

func TestQueueWorkerLoopIsStoppedByTheDeadline(t *testing.T) {
	h, logs := openHost(t, Config{TapTimeouts: map[string]time.Duration{"queue_worker": 100 * time.Millisecond}}, fixture{name: "hostapi"})
	h.UseServices(Services{Variables: &memVars{}})
	err := h.QueueWorker(context.Background(), "hostapi", "work", json.RawMessage(`{"mode":"loop"}`), 1)
	if err == nil || !strings.Contains(err.Error(), ErrDeadline.Error()) {
		t.Fatalf("err = %v, want the deadline", err)
	}
	if f := statusOf(t, h, "hostapi").Faults; f != 1 {
		t.Errorf("faults = %d", f)
	}
	logs.requireLog(t, "plugin call failed", "tap=queue_worker")
	// The replaced instance works.
	if err := h.QueueWorker(context.Background(), "hostapi", "work", json.RawMessage(`{"n":1}`), 1); err != nil {
		t.Errorf("after the loop: %v", err)
	}
}

func TestManifestQueuesNeedQueueWorker(t *testing.T) {
	h, _ := openHost(t, Config{}, fixture{name: "q", module: "hostapi",
		manifest: `{"name":"q","version":"1","abi":1,"taps":["api"],"queues":["work"]}`})
	if s := statusOf(t, h, "q"); s.State != StateFailed || !strings.Contains(s.Error, "queue_worker") {
		t.Errorf("status = %+v", s)
	}
}
