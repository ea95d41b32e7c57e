package plugin

import (
	"context"
	"encoding/json"
	"sync"
	"time"
)

// Capabilities of the host API beyond item access (issue 5). Each guards
// the host functions named beside it; a call without the capability is
// refused with StatusRefused (or an empty answer) and a logged warning.
const (
	CapVariables = "variables" // variable_get, variable_set
	CapRandom    = "random"    // random_bytes
	CapUserRead  = "user.read" // current_user, user_has_permission
	CapQueue     = "queue"     // queue_push
	CapCache     = "cache"     // cache_get, cache_set, cache_invalidate
	CapRequest   = "request"   // request_get, request_set
	CapInvoke    = "invoke"    // plugin_exists, plugin_invoke
)

func init() {
	for _, c := range []string{CapVariables, CapRandom, CapUserRead, CapQueue, CapCache, CapRequest, CapInvoke} {
		knownCaps[c] = true
	}
	for _, f := range (&Host{}).apiHostFuncs() {
		hostFuncNames[f.name] = true
	}
}

// Services are the kernel parts the host API reaches: where variables are
// stored, where queued jobs go, and the cache. UseServices installs them;
// a host function whose service is missing answers StatusUnavailable.
type Services struct {
	Variables VariableStore
	Queue     Queue
	Cache     Cache
}

// VariableStore keeps each plugin's variables (the plugin_variable table).
type VariableStore interface {
	// PluginVariable returns the JSON value of plugin's variable name;
	// ok is false when it was never set.
	PluginVariable(ctx context.Context, plugin, name string) (value json.RawMessage, ok bool, err error)
	// SetPluginVariable stores value (JSON); a nil value deletes it.
	SetPluginVariable(ctx context.Context, plugin, name string, value json.RawMessage) error
}

// Queue takes the jobs of queue_push (app/jobs, on River): it runs
// tap_queue_worker of plugin with payload, retrying failures.
type Queue interface {
	Push(ctx context.Context, plugin, queue string, payload json.RawMessage) error
}

// Cache is a tagged cache (app/cache). Keys reach it namespaced per plugin.
type Cache interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Set(ctx context.Context, key string, value []byte, tags []string, ttl time.Duration) error
	Invalidate(ctx context.Context, tags ...string) error
}

// UseServices installs the services of the host API. Call it while wiring,
// before the host serves calls.
func (h *Host) UseServices(s Services) { h.services.Store(&s) }

// svc returns the installed services (the zero Services before UseServices).
func (h *Host) svc() *Services {
	if s := h.services.Load(); s != nil {
		return s
	}
	return &Services{}
}

// Account is the user a request runs as, as current_user and
// user_has_permission see it.
type Account struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	Authenticated bool     `json:"authenticated"`
	Roles         []string `json:"roles"`
	// Can answers user_has_permission; nil holds no permission.
	Can func(permission string) bool `json:"-"`
}

// Request is what the host API knows about one page request: the account
// it runs as, and the request context values plugins share (request_get,
// request_set). It is created per request by WithRequest and dropped with
// the request. It is safe for concurrent use.
type Request struct {
	Account *Account
	mu      sync.Mutex
	values  map[string]json.RawMessage
}

// Limits on the request context.
const (
	maxRequestValues    = 256
	maxRequestValueSize = 64 << 10
)

type requestKey struct{}

// WithRequest returns ctx carrying a new request scope for acct; every tap
// called with the result (or a context derived from it) shares it.
func WithRequest(ctx context.Context, acct *Account) context.Context {
	return context.WithValue(ctx, requestKey{}, &Request{Account: acct})
}

// RequestOf returns the request scope of ctx, nil outside a request (cron,
// queue jobs, the command line).
func RequestOf(ctx context.Context) *Request {
	r, _ := ctx.Value(requestKey{}).(*Request)
	return r
}

// get returns the value of key (nil when unset).
func (r *Request) get(key string) json.RawMessage {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.values[key]
}

// set stores value (nil deletes); false when the scope is full.
func (r *Request) set(key string, value json.RawMessage) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if value == nil {
		delete(r.values, key)
		return true
	}
	if _, ok := r.values[key]; !ok && len(r.values) >= maxRequestValues {
		return false
	}
	if r.values == nil {
		r.values = map[string]json.RawMessage{}
	}
	r.values[key] = value
	return true
}
