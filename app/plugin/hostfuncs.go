package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/tetratelabs/wazero/api"
)

// hostModuleName is the import module of the host functions.
const hostModuleName = "trovato"

// Limits on strings a guest passes to host functions.
const (
	maxNameLen = 256     // field and property names
	maxLogLen  = 4 << 10 // log messages are truncated to this
)

// hostFuncNames lists the functions of the host module, for the import
// check at load; TestHostFuncNames keeps it equal to hostFuncs.
var hostFuncNames = map[string]bool{
	"item_id": true, "item_type": true, "item_title": true, "item_field_text": true,
	"item_field_count": true, "item_field_json": true, "log": true,
}

// callKey keys the per-call context value host functions read.
type callKey struct{}

// callCtx is what host functions know about the call they serve: the plugin
// (for its capabilities), the tap, the instance (to allocate guest memory)
// and the caller's handle table.
type callCtx struct {
	p     *plugin
	tap   string
	inst  *instance
	state *CallState
}

type hostFunc struct {
	name            string
	params, results []api.ValueType
	fn              api.GoModuleFunc
}

// hostFuncs defines the host module; see the ABI in plugins/sdk.
func (h *Host) hostFuncs() []hostFunc {
	v := func(ts ...api.ValueType) []api.ValueType { return ts }
	return append([]hostFunc{
		{"item_id", v(i32), v(i64), h.itemString("item_id", func(it *Item) string { return it.ID })},
		{"item_type", v(i32), v(i64), h.itemString("item_type", func(it *Item) string { return it.Type })},
		{"item_title", v(i32), v(i64), h.itemString("item_title", func(it *Item) string { return it.Title })},
		{"item_field_text", v(i32, i32, i32, i32, i32, i32), v(i64), h.itemFieldText},
		{"item_field_count", v(i32, i32, i32), v(i32), h.itemFieldCount},
		{"item_field_json", v(i32, i32, i32), v(i64), h.itemFieldJSON},
		{"log", v(i32, i32, i32), nil, h.guestLog},
	}, append(h.apiHostFuncs(), h.extHostFuncs()...)...) // host_api.go, host_query.go, host_db.go
}

// instantiateHostModule registers the host functions in the runtime.
func (h *Host) instantiateHostModule(ctx context.Context) error {
	b := h.rt.NewHostModuleBuilder(hostModuleName)
	for _, f := range h.hostFuncs() {
		b.NewFunctionBuilder().
			WithGoModuleFunction(h.guard(f.name, f.fn), f.params, f.results).
			WithName(f.name).
			Export(f.name)
	}
	// The deadline check is not guarded: its panic is how a guest is stopped.
	b.NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(interruptCheck), nil, []api.ValueType{i32}).
		WithName(interruptFunc).
		Export(interruptFunc)
	_, err := b.Instantiate(ctx)
	return err
}

// guard makes a host function unable to panic: a panic is logged and the
// guest gets a zero (empty) result.
func (h *Host) guard(name string, fn api.GoModuleFunc) api.GoModuleFunc {
	return func(ctx context.Context, mod api.Module, stack []uint64) {
		defer func() {
			if r := recover(); r != nil {
				h.log.Error("plugin host function panicked", "func", name, "panic", fmt.Sprint(r))
				clear(stack)
			}
		}()
		fn(ctx, mod, stack)
	}
}

// callOf returns the call a host function serves, or nil when there is none
// (a host function called from a package init) or the call's context is done.
func (h *Host) callOf(ctx context.Context, fn string) *callCtx {
	cc, _ := ctx.Value(callKey{}).(*callCtx)
	if cc == nil {
		h.log.Error("plugin called a host function outside a tap call", "func", fn)
		return nil
	}
	if ctx.Err() != nil {
		return nil
	}
	return cc
}

// allowed checks a capability, logging a refusal.
func (h *Host) allowed(ctx context.Context, cc *callCtx, fn, capability string, has bool) bool {
	if !has {
		h.log.LogAttrs(ctx, slog.LevelWarn, "plugin used a host function without declaring its capability",
			slog.String("plugin", cc.p.manifest.Name), slog.String("tap", cc.tap),
			slog.String("func", fn), slog.String("capability", capability))
	}
	return has
}

// itemOf resolves the handle argument of an item host function, checking
// the capability; nil item means "answer empty".
func (h *Host) itemOf(ctx context.Context, fn string, handle uint32) (*callCtx, *Item) {
	cc := h.callOf(ctx, fn)
	if cc == nil || !h.allowed(ctx, cc, fn, CapItemRead, cc.p.canRead) {
		return nil, nil
	}
	it := cc.state.item(handle)
	if it == nil {
		h.log.LogAttrs(ctx, slog.LevelError, "plugin asked for an unknown item handle",
			slog.String("plugin", cc.p.manifest.Name), slog.String("tap", cc.tap),
			slog.String("func", fn), slog.Uint64("handle", uint64(handle)))
		return nil, nil
	}
	return cc, it
}

// guestBytes reads a (ptr, len) argument, logging a pointer outside memory.
// The slice is a view of guest memory, valid during the host function.
func (h *Host) guestBytes(ctx context.Context, cc *callCtx, mod api.Module, fn string, ptr, n uint32) ([]byte, bool) {
	b, ok := mod.Memory().Read(ptr, n)
	if !ok {
		h.log.LogAttrs(ctx, slog.LevelError, "plugin passed a pointer outside its memory",
			slog.String("plugin", cc.p.manifest.Name), slog.String("tap", cc.tap), slog.String("func", fn))
	}
	return b, ok
}

// guestString copies s into guest memory and returns it packed as
// ptr<<32|len; 0 for "" or on failure. A string that fits goes into the
// instance's scratch buffer (the guest copies it out before its next host
// call); a larger one into a buffer from the guest's trovato_alloc, which
// the guest then owns.
func (h *Host) guestString(ctx context.Context, cc *callCtx, mod api.Module, s string) uint64 {
	if s == "" {
		return 0
	}
	in := cc.inst
	ptr := in.scratch
	if uint64(len(s)) > uint64(in.scratchCap) {
		in.hstack[0] = uint64(len(s))
		if err := in.alloc.CallWithStack(ctx, in.hstack); err != nil {
			h.log.LogAttrs(ctx, slog.LevelError, "plugin trovato_alloc failed",
				slog.String("plugin", cc.p.manifest.Name), slog.String("tap", cc.tap), slog.Any("error", err))
			return 0
		}
		ptr = api.DecodeU32(in.hstack[0])
	}
	if !mod.Memory().WriteString(ptr, s) {
		h.log.LogAttrs(ctx, slog.LevelError, "plugin trovato_alloc returned a buffer outside its memory",
			slog.String("plugin", cc.p.manifest.Name), slog.String("tap", cc.tap))
		return 0
	}
	return uint64(ptr)<<32 | uint64(len(s))
}

// itemString makes item_id, item_type and item_title: (handle) -> string.
func (h *Host) itemString(fn string, get func(*Item) string) api.GoModuleFunc {
	return func(ctx context.Context, mod api.Module, stack []uint64) {
		handle := api.DecodeU32(stack[0])
		stack[0] = 0
		if cc, it := h.itemOf(ctx, fn, handle); it != nil {
			stack[0] = h.guestString(ctx, cc, mod, get(it))
		}
	}
}

// itemFieldText is item_field_text(handle, name, delta, prop) -> string.
func (h *Host) itemFieldText(ctx context.Context, mod api.Module, stack []uint64) {
	handle := api.DecodeU32(stack[0])
	namePtr, nameLen := api.DecodeU32(stack[1]), api.DecodeU32(stack[2])
	delta := api.DecodeU32(stack[3])
	propPtr, propLen := api.DecodeU32(stack[4]), api.DecodeU32(stack[5])
	stack[0] = 0
	if nameLen > maxNameLen || propLen > maxNameLen {
		return // no field or property has such a name
	}
	cc, it := h.itemOf(ctx, "item_field_text", handle)
	if it == nil {
		return
	}
	name, ok := h.guestBytes(ctx, cc, mod, "item_field_text", namePtr, nameLen)
	if !ok {
		return
	}
	prop, ok := h.guestBytes(ctx, cc, mod, "item_field_text", propPtr, propLen)
	if !ok {
		return
	}
	deltas := it.Fields[string(name)]
	if uint64(delta) >= uint64(len(deltas)) {
		return
	}
	stack[0] = h.guestString(ctx, cc, mod, textOf(deltas[delta][string(prop)]))
}

// itemFieldCount is item_field_count(handle, name) -> u32.
func (h *Host) itemFieldCount(ctx context.Context, mod api.Module, stack []uint64) {
	handle := api.DecodeU32(stack[0])
	namePtr, nameLen := api.DecodeU32(stack[1]), api.DecodeU32(stack[2])
	stack[0] = 0
	if nameLen > maxNameLen {
		return // no field has such a name
	}
	cc, it := h.itemOf(ctx, "item_field_count", handle)
	if it == nil {
		return
	}
	if name, ok := h.guestBytes(ctx, cc, mod, "item_field_count", namePtr, nameLen); ok {
		stack[0] = api.EncodeU32(uint32(len(it.Fields[string(name)])))
	}
}

// itemFieldJSON is item_field_json(handle, name) -> JSON list of deltas.
func (h *Host) itemFieldJSON(ctx context.Context, mod api.Module, stack []uint64) {
	handle := api.DecodeU32(stack[0])
	namePtr, nameLen := api.DecodeU32(stack[1]), api.DecodeU32(stack[2])
	stack[0] = 0
	if nameLen > maxNameLen {
		return // no field has such a name
	}
	cc, it := h.itemOf(ctx, "item_field_json", handle)
	if it == nil {
		return
	}
	name, ok := h.guestBytes(ctx, cc, mod, "item_field_json", namePtr, nameLen)
	if !ok {
		return
	}
	deltas := it.Fields[string(name)]
	if deltas == nil {
		deltas = []map[string]any{}
	}
	b, err := json.Marshal(deltas)
	if err != nil {
		h.log.LogAttrs(ctx, slog.LevelError, "item field is not JSON-encodable",
			slog.String("plugin", cc.p.manifest.Name), slog.String("field", string(name)), slog.Any("error", err))
		return
	}
	stack[0] = h.guestString(ctx, cc, mod, string(b))
}

// guestLog is log(level, msg): the message goes to the host's logger at the
// level (clamped to debug…error), tagged with plugin and tap.
func (h *Host) guestLog(ctx context.Context, mod api.Module, stack []uint64) {
	level := slog.Level(api.DecodeI32(stack[0]))
	ptr, n := api.DecodeU32(stack[1]), api.DecodeU32(stack[2])
	cc := h.callOf(ctx, "log")
	if cc == nil || !h.allowed(ctx, cc, "log", CapLog, cc.p.canLog) {
		return
	}
	msg, ok := h.guestBytes(ctx, cc, mod, "log", ptr, min(n, maxLogLen))
	if !ok {
		return
	}
	level = min(max(level, slog.LevelDebug), slog.LevelError)
	// The handler may block (a full pipe, a slow collector). The record is
	// handed to it on a goroutine so the guest waits at most until the
	// call's deadline; msg is copied first, guest memory is the instance's.
	text := string(msg)
	attrs := []slog.Attr{slog.String("plugin", cc.p.manifest.Name), slog.String("tap", cc.tap), slog.Bool("from_plugin", true)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() { _ = recover() }() // a broken handler must not take the host down
		h.log.LogAttrs(context.WithoutCancel(ctx), level, text, attrs...)
	}()
	waitOrDone(ctx, done)
}

// waitOrDone waits for done or for ctx, whichever comes first. Every host
// function that can wait goes through it: the deadline check
// (interruptCheck) stops guest code but not a guest blocked in a host
// function, so the host function must give up by itself. After ctx is done
// the guest traps at its next check, and the call reports ErrDeadline.
func waitOrDone(ctx context.Context, done <-chan struct{}) {
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// textOf formats a field property as text: strings as they are, numbers
// and booleans formatted, anything else as JSON (as sdk.FakeItem does).
func textOf(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case json.Number:
		return v.String()
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(b)
	}
}
