package plugin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"

	"github.com/trovato/trovato/app/errs"
)

// Errors a failed call wraps (besides the errs class it carries).
var (
	// ErrTrap means the guest trapped: a panic, the memory cap, or a broken
	// ABI contract. The instance was replaced.
	ErrTrap = errors.New("plugin trapped")
	// ErrDeadline means the call ran past its deadline (Config.CallTimeout
	// or the tap's Config.TapTimeouts entry) and was stopped.
	// The instance was replaced.
	ErrDeadline = errors.New("plugin call exceeded its deadline")
	// ErrOutputTooLarge means the tap answered more than
	// Config.MaxOutputBytes. The answer was discarded and the instance
	// replaced.
	ErrOutputTooLarge = errors.New("plugin answer exceeds the output size cap")
)

// replaceTimeout bounds making a fresh instance after a trap.
const replaceTimeout = 10 * time.Second

// Call runs tap of plugin with a JSON input and returns the "ok" value of
// the guest's envelope. st holds the items whose handles the input names
// (nil for none). A guest error envelope becomes an error of the matching
// errs class; a trap or timeout becomes an internal error wrapping ErrTrap
// or ErrDeadline, is logged, and the instance is replaced.
func (h *Host) Call(ctx context.Context, plugin, tap string, input []byte, st *CallState) (json.RawMessage, error) {
	return h.dispatch(ctx, plugin, tap, input, st, decodeEnvelope)
}

// dispatch runs tap of plugin and turns its raw output into the result
// with decode (decodeEnvelope, or a tap's own output format); Observe sees
// the whole call.
func (h *Host) dispatch(ctx context.Context, plugin, tap string, input []byte, st *CallState,
	decode func(plugin, tap string, out []byte) (json.RawMessage, error)) (json.RawMessage, error) {
	p := h.byName[plugin]
	if p == nil || p.state != StateLoaded {
		return nil, errs.New(errs.NotFound, "plugin %q is not loaded", plugin)
	}
	if !p.taps[tap] {
		return nil, errs.New(errs.NotFound, "plugin %q does not implement tap %q", plugin, tap)
	}
	var start time.Time
	if h.cfg.Observe != nil { // two clock reads per call otherwise wasted
		start = time.Now()
	}
	raw, err := h.call(ctx, p, tap, input, st)
	var out json.RawMessage
	if err == nil {
		out, err = decode(plugin, tap, raw)
	}
	if h.cfg.Observe != nil {
		h.cfg.Observe(plugin, tap, time.Since(start), err)
	}
	return out, err
}

// call runs one tap call on a pooled instance under the call deadline and
// returns the guest's raw output.
func (h *Host) call(ctx context.Context, p *plugin, tap string, input []byte, st *CallState) ([]byte, error) {
	if h.closed.Load() {
		return nil, errs.New(errs.Internal, "plugin host is closed")
	}
	if err := ctx.Err(); err != nil {
		return nil, errs.Wrap(errs.Internal, err, fmt.Sprintf("plugin %s: tap %s not called", p.manifest.Name, tap))
	}
	cctx := newCallContext(ctx, h.cfg.timeout(tap))
	defer cctx.release()
	in, err := p.pool.acquireUntil(cctx, ctx.Done(), cctx.deadline)
	ctx = cctx
	if err != nil {
		h.log.LogAttrs(ctx, slog.LevelWarn, "no plugin instance available",
			slog.String("plugin", p.manifest.Name), slog.String("tap", tap), slog.Any("error", err))
		return nil, errs.Wrap(errs.Internal, err, fmt.Sprintf("plugin %s: no instance for tap %s", p.manifest.Name, tap))
	}
	if st == nil {
		st = &CallState{}
	}
	cctx.cc = callCtx{p: p, tap: tap, inst: in, state: st}
	out, err := in.invoke(ctx, tap, input, h.cfg.MaxOutputBytes)
	if err == nil && ctx.Err() != nil {
		// The guest finished after the deadline (say, right after a host
		// function gave up waiting, before its next deadline check): the
		// answer is late and the instance suspect.
		err = ctx.Err()
	}
	if err != nil {
		return nil, h.trapped(ctx, p, tap, in, err)
	}
	if in.mem.Size() > h.recycleBytes() {
		h.log.LogAttrs(ctx, slog.LevelInfo, "recycling a plugin instance with a large memory",
			slog.String("plugin", p.manifest.Name), slog.Uint64("bytes", uint64(in.mem.Size())))
		h.replace(ctx, p, in)
	} else {
		p.pool.release(in)
	}
	return out, nil
}

// recycleBytes is the memory size above which an instance is replaced after
// a call: guest memory never shrinks, so a one-off big call would otherwise
// pin it for the instance's life.
func (h *Host) recycleBytes() uint32 {
	return uint32(uint64(h.cfg.MemoryLimitPages) * 65536 * 3 / 4)
}

// invoke writes input into the guest, calls tap_<tap> and copies the output,
// refusing one over maxOut bytes with ErrOutputTooLarge.
// Inputs up to inboxSize go into the instance's inbox; larger ones into a
// buffer from trovato_alloc, freed afterwards. The output buffer stays the
// guest's: it is valid until the next tap call, which reclaims it. The
// instance must be discarded after an error.
func (in *instance) invoke(ctx context.Context, tap string, input []byte, maxOut int) ([]byte, error) {
	in.output.reset()
	inPtr, allocated := in.inbox, false
	if len(input) > inboxSize {
		in.stack[0] = uint64(len(input))
		if err := in.alloc.CallWithStack(ctx, in.stack); err != nil {
			return nil, err
		}
		inPtr, allocated = api.DecodeU32(in.stack[0]), true
	}
	if !in.mem.Write(inPtr, input) {
		return nil, errors.New("trovato_alloc returned a buffer outside memory")
	}
	in.stack[0], in.stack[1] = uint64(inPtr), uint64(len(input))
	if err := in.taps[tap].CallWithStack(ctx, in.stack); err != nil {
		return nil, err
	}
	outPtr, outLen := uint32(in.stack[0]>>32), uint32(in.stack[0])
	if uint64(outLen) > uint64(maxOut) {
		return nil, fmt.Errorf("%w: tap_%s answered %d bytes, the cap is %d", ErrOutputTooLarge, tap, outLen, maxOut)
	}
	view, ok := in.mem.Read(outPtr, outLen)
	if !ok {
		return nil, fmt.Errorf("tap_%s returned a buffer outside memory", tap)
	}
	out := bytes.Clone(view)
	if allocated {
		in.stack[0] = uint64(inPtr)
		if err := in.free.CallWithStack(ctx, in.stack); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// trapped handles a failed guest call: classify, log, replace the instance.
func (h *Host) trapped(ctx context.Context, p *plugin, tap string, in *instance, err error) error {
	sentinel, reason := ErrTrap, trapReason(err, in.output.firstLine())
	var exit *sys.ExitError
	switch {
	case errors.Is(err, ErrOutputTooLarge):
		sentinel, reason = ErrOutputTooLarge, strings.TrimPrefix(err.Error(), ErrOutputTooLarge.Error()+": ")
	case errors.Is(ctx.Err(), context.DeadlineExceeded),
		errors.As(err, &exit) && exit.ExitCode() == sys.ExitCodeDeadlineExceeded:
		sentinel, reason = ErrDeadline, fmt.Sprintf("deadline of %s exceeded", h.cfg.timeout(tap))
	case errors.Is(ctx.Err(), context.Canceled),
		errors.As(err, &exit) && exit.ExitCode() == sys.ExitCodeContextCanceled:
		sentinel, reason = context.Canceled, "caller canceled the call"
	}
	p.faults.Add(1)
	detail, _, _ := strings.Cut(err.Error(), "\n") // the wasm stack trace follows
	h.log.LogAttrs(ctx, slog.LevelError, "plugin call failed; replacing its instance",
		slog.String("plugin", p.manifest.Name), slog.String("tap", tap),
		slog.String("reason", reason), slog.String("error", detail))
	h.log.LogAttrs(ctx, slog.LevelDebug, "plugin trap details",
		slog.String("plugin", p.manifest.Name), slog.String("tap", tap),
		slog.String("error", err.Error()), slog.String("guest_output", string(in.output.b)))
	h.replace(ctx, p, in)
	return errs.Wrap(errs.Internal, fmt.Errorf("%w: %s", sentinel, reason),
		fmt.Sprintf("plugin %s failed in tap %s", p.manifest.Name, tap))
}

// trapReason names the cause of a trap for the log, preferring what the
// guest printed (a Go panic message, "fatal error: out of memory").
func trapReason(err error, guestOutput string) string {
	msg := err.Error()
	switch {
	case strings.Contains(guestOutput, "out of memory"):
		return "memory limit exceeded: " + guestOutput
	case strings.HasPrefix(guestOutput, "panic:"):
		return guestOutput
	case strings.Contains(msg, "unreachable"):
		if guestOutput != "" {
			return "guest panic (unreachable): " + guestOutput
		}
		return "guest panic (unreachable)"
	case guestOutput != "":
		return msg + ": " + guestOutput
	}
	return msg
}

// replace swaps a broken or bloated instance for a fresh one, on a context
// of its own: the call's may already be done.
func (h *Host) replace(ctx context.Context, p *plugin, in *instance) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), replaceTimeout)
	defer cancel()
	if err := p.pool.replace(rctx, in); err != nil {
		h.log.LogAttrs(ctx, slog.LevelError, "could not replace plugin instance; the pool will retry on demand",
			slog.String("plugin", p.manifest.Name), slog.Any("error", err))
	}
}

// decodeEnvelope returns the ok value of an output envelope, or the error
// it carries as an errs error.
func decodeEnvelope(plugin, tap string, out []byte) (json.RawMessage, error) {
	const prefix = `{"ok":`
	if bytes.HasPrefix(out, []byte(prefix)) && bytes.HasSuffix(out, []byte("}")) {
		// The SDK's own shape: no decoding needed beyond validation.
		if v := out[len(prefix) : len(out)-1]; validJSON(v) {
			return v, nil
		}
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(out, &env); err != nil {
		return nil, errs.Wrap(errs.Internal, err, fmt.Sprintf("plugin %s tap %s: malformed output envelope", plugin, tap))
	}
	if e, ok := env["error"]; ok {
		var te struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(e, &te); err != nil {
			return nil, errs.Wrap(errs.Internal, err, fmt.Sprintf("plugin %s tap %s: malformed error envelope", plugin, tap))
		}
		return nil, fmt.Errorf("plugin %s tap %s: %w", plugin, tap, &errs.Error{Class: classOf(te.Code), Message: te.Message})
	}
	if v, ok := env["ok"]; ok {
		return v, nil
	}
	return nil, errs.New(errs.Internal, "plugin %s tap %s: output envelope has neither ok nor error", plugin, tap)
}

// classOf maps an envelope error code to an errs class.
func classOf(code string) errs.Class {
	switch code {
	case "invalid":
		return errs.Invalid
	case "not_found":
		return errs.NotFound
	case "forbidden":
		return errs.Forbidden
	case "conflict":
		return errs.Conflict
	}
	return errs.Internal
}
