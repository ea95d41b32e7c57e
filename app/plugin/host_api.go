package plugin

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	"github.com/tetratelabs/wazero/api"

	"github.com/trovato/trovato/app/errs"
)

// The host API of issue 5 beyond item access: variables, random bytes, the
// current user, queue push, the cache, the request context and invoking
// another plugin. Every function is namespaced by the calling plugin (a
// plugin sees only its own variables and cache keys), checks its
// capability, never panics (guard) and runs its I/O under the call's
// context, so a slow database or Redis ends at the call's deadline.
//
// Functions answering a status return one of the Status* values; those
// answering data return a packed ptr<<32|len buffer, 0 for "nothing".

// Status values of the host API (i32 results).
const (
	StatusOK          = 0
	StatusRefused     = -1 // the manifest does not declare the capability
	StatusInvalid     = -2 // a bad argument: too long, not JSON, unknown queue …
	StatusUnavailable = -3 // the service failed or is not configured
	StatusNotFound    = -4 // no such plugin
)

// Limits of the host API's arguments.
const (
	maxKeyLen       = 256       // variable, cache and request keys
	maxValueLen     = 256 << 10 // variable and cache values
	maxPayloadLen   = 256 << 10 // queue payloads
	maxRandomBytes  = 4096      // one random_bytes call
	maxInvokeDepth  = 4         // plugin_invoke nesting
	maxCacheTTL     = 30 * 24 * time.Hour
	maxTagsLen      = 4 << 10
	maxInvokeFnName = 64
)

// apiHostFuncs defines the host API functions (see the ABI in plugins/sdk).
func (h *Host) apiHostFuncs() []hostFunc {
	v := func(ts ...api.ValueType) []api.ValueType { return ts }
	return []hostFunc{
		{"variable_get", v(i32, i32), v(i64), h.variableGet},
		{"variable_set", v(i32, i32, i32, i32), v(i32), h.variableSet},
		{"random_bytes", v(i32), v(i64), h.randomBytes},
		{"current_user", nil, v(i64), h.currentUser},
		{"user_has_permission", v(i32, i32), v(i32), h.userHasPermission},
		{"queue_push", v(i32, i32, i32, i32), v(i32), h.queuePush},
		{"cache_get", v(i32, i32), v(i64), h.cacheGet},
		{"cache_set", v(i32, i32, i32, i32, i32, i32, i32), v(i32), h.cacheSet},
		{"cache_invalidate", v(i32, i32), v(i32), h.cacheInvalidate},
		{"request_get", v(i32, i32), v(i64), h.requestGet},
		{"request_set", v(i32, i32, i32, i32), v(i32), h.requestSet},
		{"plugin_exists", v(i32, i32), v(i32), h.pluginExists},
		{"plugin_invoke", v(i32, i32, i32, i32, i32, i32), v(i64), h.pluginInvoke},
	}
}

// apiCall returns the call a host API function serves when the plugin
// declares capability; nil (already logged) otherwise.
func (h *Host) apiCall(ctx context.Context, fn, capability string) *callCtx {
	cc := h.callOf(ctx, fn)
	if cc == nil || !h.allowed(ctx, cc, fn, capability, cc.p.manifest.has(capability)) {
		return nil
	}
	return cc
}

// arg copies a (ptr, len) string argument of at most max bytes out of guest
// memory; ok is false (and logged) when it is too long or outside memory.
func (h *Host) arg(ctx context.Context, cc *callCtx, mod api.Module, fn string, stack []uint64, i int, max uint32) (string, bool) {
	ptr, n := api.DecodeU32(stack[i]), api.DecodeU32(stack[i+1])
	if n > max {
		h.apiError(ctx, cc, fn, "argument too long", slog.Uint64("len", uint64(n)), slog.Uint64("max", uint64(max)))
		return "", false
	}
	b, ok := h.guestBytes(ctx, cc, mod, fn, ptr, n)
	return string(b), ok
}

// apiError logs a refused or failed host API call.
func (h *Host) apiError(ctx context.Context, cc *callCtx, fn, msg string, attrs ...slog.Attr) {
	attrs = append([]slog.Attr{slog.String("plugin", cc.p.manifest.Name), slog.String("tap", cc.tap), slog.String("func", fn)}, attrs...)
	h.log.LogAttrs(ctx, slog.LevelWarn, "plugin host call: "+msg, attrs...)
}

// argv copies a host function's arguments (at most 7), so the result can
// be written to stack[0] before they are all read.
func argv(stack []uint64) (a [7]uint64) {
	copy(a[:], stack)
	return a
}

// status encodes a Status* value as an i32 result.
func status(s int32) uint64 { return api.EncodeI32(s) }

// key reads a key argument: 1 to maxKeyLen bytes.
func (h *Host) key(ctx context.Context, cc *callCtx, mod api.Module, fn string, stack []uint64, i int) (string, bool) {
	k, ok := h.arg(ctx, cc, mod, fn, stack, i, maxKeyLen)
	if ok && k == "" {
		h.apiError(ctx, cc, fn, "empty key")
		return "", false
	}
	return k, ok
}

// jsonValue reads a JSON value argument; "" means nil (delete).
func (h *Host) jsonValue(ctx context.Context, cc *callCtx, mod api.Module, fn string, stack []uint64, i int, max uint32) (json.RawMessage, bool) {
	s, ok := h.arg(ctx, cc, mod, fn, stack, i, max)
	if !ok {
		return nil, false
	}
	if s == "" {
		return nil, true
	}
	if !json.Valid([]byte(s)) {
		h.apiError(ctx, cc, fn, "value is not JSON")
		return nil, false
	}
	return json.RawMessage(s), true
}

// variableGet is variable_get(name) -> JSON value, or nothing when unset.
func (h *Host) variableGet(ctx context.Context, mod api.Module, stack []uint64) {
	args := argv(stack) // stack[0] is the result slot: read the arguments first
	const fn = "variable_get"
	stack[0] = 0
	cc := h.apiCall(ctx, fn, CapVariables)
	if cc == nil {
		return
	}
	name, ok := h.key(ctx, cc, mod, fn, args[:], 0)
	if !ok {
		return
	}
	vars := h.svc().Variables
	if vars == nil {
		h.apiError(ctx, cc, fn, "variables are not configured")
		return
	}
	v, found, err := vars.PluginVariable(ctx, cc.p.manifest.Name, name)
	if err != nil {
		h.apiError(ctx, cc, fn, "read failed", slog.Any("error", err))
		return
	}
	if found {
		stack[0] = h.guestString(ctx, cc, mod, string(v))
	}
}

// variableSet is variable_set(name, json) -> status; an empty value deletes.
func (h *Host) variableSet(ctx context.Context, mod api.Module, stack []uint64) {
	args := argv(stack) // stack[0] is the result slot: read the arguments first
	const fn = "variable_set"
	stack[0] = status(StatusRefused)
	cc := h.apiCall(ctx, fn, CapVariables)
	if cc == nil {
		return
	}
	stack[0] = status(StatusInvalid)
	name, ok := h.key(ctx, cc, mod, fn, args[:], 0)
	if !ok {
		return
	}
	value, ok := h.jsonValue(ctx, cc, mod, fn, args[:], 2, maxValueLen)
	if !ok {
		return
	}
	stack[0] = status(StatusUnavailable)
	vars := h.svc().Variables
	if vars == nil {
		h.apiError(ctx, cc, fn, "variables are not configured")
		return
	}
	if err := vars.SetPluginVariable(ctx, cc.p.manifest.Name, name, value); err != nil {
		h.apiError(ctx, cc, fn, "write failed", slog.Any("error", err))
		return
	}
	stack[0] = status(StatusOK)
}

// randomBytes is random_bytes(n) -> n bytes from crypto/rand (n ≤ 4096).
func (h *Host) randomBytes(ctx context.Context, mod api.Module, stack []uint64) {
	args := argv(stack) // stack[0] is the result slot: read the arguments first
	const fn = "random_bytes"
	n := api.DecodeU32(args[0])
	stack[0] = 0
	cc := h.apiCall(ctx, fn, CapRandom)
	if cc == nil || n == 0 {
		return
	}
	if n > maxRandomBytes {
		h.apiError(ctx, cc, fn, "too many bytes asked for", slog.Uint64("n", uint64(n)))
		return
	}
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand panics on a broken source, caught by guard)
	stack[0] = h.guestString(ctx, cc, mod, string(b))
}

// currentUser is current_user() -> {"id","name","authenticated","roles"},
// or nothing outside a request (cron, queue jobs).
func (h *Host) currentUser(ctx context.Context, mod api.Module, stack []uint64) {
	const fn = "current_user"
	stack[0] = 0
	cc := h.apiCall(ctx, fn, CapUserRead)
	if cc == nil {
		return
	}
	r := RequestOf(ctx)
	if r == nil || r.Account == nil {
		return
	}
	a := *r.Account
	if a.Roles == nil {
		a.Roles = []string{}
	}
	b, err := json.Marshal(a)
	if err != nil {
		h.apiError(ctx, cc, fn, "account is not JSON", slog.Any("error", err))
		return
	}
	stack[0] = h.guestString(ctx, cc, mod, string(b))
}

// userHasPermission is user_has_permission(perm) -> 1 or 0 (or a negative
// status); outside a request nobody holds a permission.
func (h *Host) userHasPermission(ctx context.Context, mod api.Module, stack []uint64) {
	args := argv(stack) // stack[0] is the result slot: read the arguments first
	const fn = "user_has_permission"
	stack[0] = status(StatusRefused)
	cc := h.apiCall(ctx, fn, CapUserRead)
	if cc == nil {
		return
	}
	perm, ok := h.arg(ctx, cc, mod, fn, args[:], 0, maxNameLen)
	if !ok {
		stack[0] = status(StatusInvalid)
		return
	}
	stack[0] = 0
	if r := RequestOf(ctx); r != nil && r.Account != nil && r.Account.Can != nil && r.Account.Can(perm) {
		stack[0] = 1
	}
}

// queuePush is queue_push(queue, json payload) -> status: a job for the
// plugin that works queue (manifest "queues").
func (h *Host) queuePush(ctx context.Context, mod api.Module, stack []uint64) {
	args := argv(stack) // stack[0] is the result slot: read the arguments first
	const fn = "queue_push"
	stack[0] = status(StatusRefused)
	cc := h.apiCall(ctx, fn, CapQueue)
	if cc == nil {
		return
	}
	stack[0] = status(StatusInvalid)
	queue, ok := h.key(ctx, cc, mod, fn, args[:], 0)
	if !ok {
		return
	}
	payload, ok := h.jsonValue(ctx, cc, mod, fn, args[:], 2, maxPayloadLen)
	if !ok {
		return
	}
	owner, ok := h.QueueOwner(queue)
	if !ok {
		h.apiError(ctx, cc, fn, "no enabled plugin works this queue", slog.String("queue", queue))
		return
	}
	stack[0] = status(StatusUnavailable)
	q := h.svc().Queue
	if q == nil {
		h.apiError(ctx, cc, fn, "the job queue is not configured")
		return
	}
	if err := q.Push(ctx, owner, queue, payload); err != nil {
		h.apiError(ctx, cc, fn, "enqueue failed", slog.String("queue", queue), slog.Any("error", err))
		return
	}
	stack[0] = status(StatusOK)
}

// cacheKey namespaces a plugin's cache key.
func cacheKey(plugin, key string) string { return "plugin:" + plugin + ":" + key }

// cacheGet is cache_get(key) -> value, or nothing on a miss.
func (h *Host) cacheGet(ctx context.Context, mod api.Module, stack []uint64) {
	args := argv(stack) // stack[0] is the result slot: read the arguments first
	const fn = "cache_get"
	stack[0] = 0
	cc := h.apiCall(ctx, fn, CapCache)
	if cc == nil {
		return
	}
	key, ok := h.key(ctx, cc, mod, fn, args[:], 0)
	if !ok {
		return
	}
	c := h.svc().Cache
	if c == nil {
		return // no cache: every get misses
	}
	v, found, err := c.Get(ctx, cacheKey(cc.p.manifest.Name, key))
	if err != nil {
		h.apiError(ctx, cc, fn, "read failed", slog.Any("error", err))
		return
	}
	if found {
		stack[0] = h.guestString(ctx, cc, mod, string(v))
	}
}

// cacheSet is cache_set(key, value, tags, ttl seconds) -> status. tags is
// newline-separated (e.g. "item:ID\ntype:blog"); ttl 0 means the longest.
func (h *Host) cacheSet(ctx context.Context, mod api.Module, stack []uint64) {
	args := argv(stack) // stack[0] is the result slot: read the arguments first
	const fn = "cache_set"
	ttl := time.Duration(api.DecodeI32(stack[6])) * time.Second
	stack[0] = status(StatusRefused)
	cc := h.apiCall(ctx, fn, CapCache)
	if cc == nil {
		return
	}
	stack[0] = status(StatusInvalid)
	key, ok := h.key(ctx, cc, mod, fn, args[:], 0)
	if !ok {
		return
	}
	value, ok := h.arg(ctx, cc, mod, fn, args[:], 2, maxValueLen)
	if !ok {
		return
	}
	tags, ok := h.tags(ctx, cc, mod, fn, args[:], 4)
	if !ok {
		return
	}
	if ttl <= 0 || ttl > maxCacheTTL {
		ttl = maxCacheTTL
	}
	stack[0] = status(StatusUnavailable)
	c := h.svc().Cache
	if c == nil {
		return
	}
	if err := c.Set(ctx, cacheKey(cc.p.manifest.Name, key), []byte(value), tags, ttl); err != nil {
		h.apiError(ctx, cc, fn, "write failed", slog.Any("error", err))
		return
	}
	stack[0] = status(StatusOK)
}

// cacheInvalidate is cache_invalidate(tags) -> status: every entry tagged
// with one of the newline-separated tags is dropped, the kernel's and other
// plugins' included (tags are how caches agree on what changed).
func (h *Host) cacheInvalidate(ctx context.Context, mod api.Module, stack []uint64) {
	args := argv(stack) // stack[0] is the result slot: read the arguments first
	const fn = "cache_invalidate"
	stack[0] = status(StatusRefused)
	cc := h.apiCall(ctx, fn, CapCache)
	if cc == nil {
		return
	}
	stack[0] = status(StatusInvalid)
	tags, ok := h.tags(ctx, cc, mod, fn, args[:], 0)
	if !ok {
		return
	}
	stack[0] = status(StatusUnavailable)
	c := h.svc().Cache
	if c == nil {
		return
	}
	if err := c.Invalidate(ctx, tags...); err != nil {
		h.apiError(ctx, cc, fn, "invalidate failed", slog.Any("error", err))
		return
	}
	stack[0] = status(StatusOK)
}

// tags reads a newline-separated tag list, dropping empty lines.
func (h *Host) tags(ctx context.Context, cc *callCtx, mod api.Module, fn string, stack []uint64, i int) ([]string, bool) {
	s, ok := h.arg(ctx, cc, mod, fn, stack, i, maxTagsLen)
	if !ok {
		return nil, false
	}
	var out []string
	for _, t := range strings.Split(s, "\n") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out, true
}

// requestGet is request_get(key) -> JSON value set earlier in this request
// by any plugin, or nothing.
func (h *Host) requestGet(ctx context.Context, mod api.Module, stack []uint64) {
	args := argv(stack) // stack[0] is the result slot: read the arguments first
	const fn = "request_get"
	stack[0] = 0
	cc := h.apiCall(ctx, fn, CapRequest)
	if cc == nil {
		return
	}
	key, ok := h.key(ctx, cc, mod, fn, args[:], 0)
	if !ok {
		return
	}
	if r := RequestOf(ctx); r != nil {
		stack[0] = h.guestString(ctx, cc, mod, string(r.get(key)))
	}
}

// requestSet is request_set(key, json) -> status; an empty value deletes.
// Outside a request it answers StatusUnavailable.
func (h *Host) requestSet(ctx context.Context, mod api.Module, stack []uint64) {
	args := argv(stack) // stack[0] is the result slot: read the arguments first
	const fn = "request_set"
	stack[0] = status(StatusRefused)
	cc := h.apiCall(ctx, fn, CapRequest)
	if cc == nil {
		return
	}
	stack[0] = status(StatusInvalid)
	key, ok := h.key(ctx, cc, mod, fn, args[:], 0)
	if !ok {
		return
	}
	value, ok := h.jsonValue(ctx, cc, mod, fn, args[:], 2, maxRequestValueSize)
	if !ok {
		return
	}
	r := RequestOf(ctx)
	if r == nil {
		stack[0] = status(StatusUnavailable)
		return
	}
	if !r.set(key, value) {
		h.apiError(ctx, cc, fn, "request context is full")
		stack[0] = status(StatusUnavailable)
		return
	}
	stack[0] = status(StatusOK)
}

// pluginExists is plugin_exists(name) -> 1 when that plugin is enabled.
func (h *Host) pluginExists(ctx context.Context, mod api.Module, stack []uint64) {
	args := argv(stack) // stack[0] is the result slot: read the arguments first
	const fn = "plugin_exists"
	stack[0] = status(StatusRefused)
	cc := h.apiCall(ctx, fn, CapInvoke)
	if cc == nil {
		return
	}
	name, ok := h.arg(ctx, cc, mod, fn, args[:], 0, maxNameLen)
	if !ok {
		stack[0] = status(StatusInvalid)
		return
	}
	stack[0] = 0
	if p := h.byName[name]; p != nil && p.state == StateLoaded && !p.disabled.Load() {
		stack[0] = 1
	}
}

type invokeDepthKey struct{}

// pluginInvoke is plugin_invoke(plugin, function, json input) -> the output
// envelope {"ok":…} or {"error":{"code","message"}}: it calls tap_invoke of
// another enabled plugin with {"caller","function","input"}, inside the
// caller's deadline. Nesting is bounded and a plugin cannot invoke itself.
func (h *Host) pluginInvoke(ctx context.Context, mod api.Module, stack []uint64) {
	args := argv(stack) // stack[0] is the result slot: read the arguments first
	const fn = "plugin_invoke"
	stack[0] = 0
	cc := h.apiCall(ctx, fn, CapInvoke)
	if cc == nil {
		return
	}
	fail := func(code, msg string) {
		b, _ := json.Marshal(map[string]map[string]string{"error": {"code": code, "message": msg}})
		stack[0] = h.guestString(ctx, cc, mod, string(b))
	}
	target, ok := h.arg(ctx, cc, mod, fn, args[:], 0, maxNameLen)
	if !ok {
		fail("invalid", "plugin name too long")
		return
	}
	function, ok := h.arg(ctx, cc, mod, fn, args[:], 2, maxInvokeFnName)
	if !ok {
		fail("invalid", "function name too long")
		return
	}
	input, ok := h.jsonValue(ctx, cc, mod, fn, args[:], 4, maxPayloadLen)
	if !ok {
		fail("invalid", "input is not JSON")
		return
	}
	depth, _ := ctx.Value(invokeDepthKey{}).(int)
	switch {
	case target == cc.p.manifest.Name:
		fail("invalid", "a plugin cannot invoke itself")
		return
	case depth >= maxInvokeDepth:
		fail("invalid", "plugin_invoke nested too deeply")
		return
	}
	if p := h.byName[target]; p == nil || p.state != StateLoaded || p.disabled.Load() || !p.taps["invoke"] {
		fail("not_found", "plugin "+target+" is not enabled or exports no functions")
		return
	}
	if input == nil {
		input = json.RawMessage("null")
	}
	in, _ := json.Marshal(struct {
		Caller   string          `json:"caller"`
		Function string          `json:"function"`
		Input    json.RawMessage `json:"input"`
	}{cc.p.manifest.Name, function, input})
	// The nested call needs its own call scope; the request scope and the
	// deadline carry over through ctx.
	out, err := h.Call(context.WithValue(ctx, invokeDepthKey{}, depth+1), target, "invoke", in, nil)
	if err != nil {
		fail(codeOfClass(errs.ClassOf(err)), err.Error())
		return
	}
	b := make([]byte, 0, len(out)+8)
	b = append(b, `{"ok":`...)
	b = append(b, out...)
	b = append(b, '}')
	stack[0] = h.guestString(ctx, cc, mod, string(b))
}

// codeOfClass is the envelope code of an errs class (classOf's inverse).
func codeOfClass(c errs.Class) string {
	switch c {
	case errs.Invalid:
		return "invalid"
	case errs.NotFound:
		return "not_found"
	case errs.Forbidden:
		return "forbidden"
	case errs.Conflict:
		return "conflict"
	}
	return "internal"
}
