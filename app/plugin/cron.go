package plugin

import (
	"context"
	"encoding/json"
	"time"

	"github.com/trovato/trovato/app/errs"
)

// The background taps (issue 5). Both run outside a page request, under the
// longer deadline of Config.TapTimeouts (30 s by default), and both count a
// trap, a deadline or an oversized answer as a fault like every other call.
//
//	tap_cron          input {"time":"RFC 3339 UTC"}                          ok: null
//	tap_queue_worker  input {"queue":"…","payload":<JSON>,"attempt":N}        ok: null; an error is retried
//
// The schedule and the queue live in app/jobs (River): Cron is one pass,
// QueueWorker one job.

// CronResult is one plugin's part of a cron pass.
type CronResult struct {
	Plugin   string
	Duration time.Duration
	Err      error
}

// Cron runs one cron pass: tap_cron of every enabled plugin implementing
// it, by weight then name, one after the other. A failing plugin is logged
// and the pass goes on; progress (may be nil) hears about each plugin as it
// finishes. A pass stops early only when ctx ends.
func (h *Host) Cron(ctx context.Context, now time.Time, progress func(CronResult)) []CronResult {
	names := h.Implements("cron")
	if len(names) == 0 {
		return nil
	}
	input, _ := json.Marshal(struct {
		Time string `json:"time"`
	}{now.UTC().Format(time.RFC3339)})
	out := make([]CronResult, 0, len(names))
	for _, name := range names {
		if ctx.Err() != nil {
			break
		}
		start := time.Now()
		_, err := h.Call(ctx, name, "cron", input, nil)
		r := CronResult{Plugin: name, Duration: time.Since(start), Err: err}
		if err != nil {
			h.log.WarnContext(ctx, "plugin cron failed", "plugin", name, "error", err)
		}
		out = append(out, r)
		if progress != nil {
			progress(r)
		}
	}
	return out
}

// QueueOwner returns the enabled plugin that works queue: the first, by
// weight then name, whose manifest lists the queue and which implements
// tap_queue_worker.
func (h *Host) QueueOwner(queue string) (string, bool) {
	for _, p := range h.ordered {
		if p.state != StateLoaded || p.disabled.Load() || !p.taps["queue_worker"] {
			continue
		}
		for _, q := range p.manifest.Queues {
			if q == queue {
				return p.manifest.Name, true
			}
		}
	}
	return "", false
}

// QueueWorker runs one queued job: tap_queue_worker of plugin with the
// queue name, the payload its producer pushed and the attempt number
// (1 for the first). The error, a guest error or a fault, makes the queue
// retry the job with its backoff; a plugin that is gone or disabled is a
// NotFound error.
func (h *Host) QueueWorker(ctx context.Context, plugin, queue string, payload json.RawMessage, attempt int) error {
	if p := h.byName[plugin]; p == nil || p.disabled.Load() {
		return errs.New(errs.NotFound, "plugin %q is not enabled; queue %q has no worker", plugin, queue)
	}
	if len(payload) == 0 {
		payload = json.RawMessage("null")
	}
	input, err := json.Marshal(struct {
		Queue   string          `json:"queue"`
		Payload json.RawMessage `json:"payload"`
		Attempt int             `json:"attempt"`
	}{queue, payload, attempt})
	if err != nil {
		return errs.Wrap(errs.Invalid, err, "queue payload is not JSON")
	}
	_, err = h.Call(ctx, plugin, "queue_worker", input, nil)
	return err
}
