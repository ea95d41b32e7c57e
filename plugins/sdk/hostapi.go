package sdk

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The host API beyond item access. Each function needs a capability in the
// plugin's manifest; without it the host refuses the call (ErrRefused, or
// an empty answer) and logs a warning. Natively (go test) they work on an
// in-memory fake: see NativeReset, NativeUser and NativeQueued.
//
//	capability  functions
//	variables   GetVariable, SetVariable, DeleteVariable      (per plugin, stored in Postgres)
//	random      RandomBytes                                    (crypto/rand on the host)
//	user.read   CurrentUser, HasPermission                     (the request's account)
//	queue       QueuePush                                      (a job for tap_queue_worker)
//	cache       CacheGet, CacheSet, CacheInvalidate            (per plugin keys, shared tags)
//	request     RequestGet, RequestSet                         (shared by the plugins of one request)
//	invoke      PluginExists, Invoke                           (another plugin's tap_invoke functions)

// Errors of the host API, from its status codes.
var (
	ErrRefused     = errors.New("sdk: the host refused the call: the manifest does not declare its capability")
	ErrInvalidArg  = errors.New("sdk: the host refused an argument (too long, not JSON, or an unknown queue)")
	ErrUnavailable = errors.New("sdk: the host service failed or is not configured")
	ErrNoPlugin    = errors.New("sdk: no such plugin")
)

// statusErr maps a host status to an error (nil for OK).
func statusErr(s int32) error {
	switch {
	case s >= 0:
		return nil
	case s == -1:
		return ErrRefused
	case s == -2:
		return ErrInvalidArg
	case s == -4:
		return ErrNoPlugin
	}
	return ErrUnavailable
}

// GetVariable decodes the plugin's variable name into v; ok is false when
// the variable is unset (or the call was refused).
func GetVariable(name string, v any) (ok bool, err error) {
	raw := apiVariableGet(name)
	if len(raw) == 0 {
		return false, nil
	}
	return true, json.Unmarshal(raw, v)
}

// SetVariable stores v, JSON-encoded, as the plugin's variable name.
func SetVariable(name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return statusErr(apiVariableSet(name, string(b)))
}

// DeleteVariable forgets the plugin's variable name.
func DeleteVariable(name string) error { return statusErr(apiVariableSet(name, "")) }

// RandomBytes returns n (at most 4096) cryptographically random bytes; nil
// when refused.
func RandomBytes(n int) []byte {
	if n <= 0 || n > 4096 {
		return nil
	}
	return apiRandomBytes(uint32(n))
}

// User is the account a request runs as.
type User struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	Authenticated bool     `json:"authenticated"`
	Roles         []string `json:"roles"`
}

// CurrentUser returns the request's account; ok is false outside a
// request (cron, queue jobs) or when refused.
func CurrentUser() (u User, ok bool) {
	raw := apiCurrentUser()
	if len(raw) == 0 {
		return User{}, false
	}
	if err := json.Unmarshal(raw, &u); err != nil {
		return User{}, false
	}
	return u, true
}

// HasPermission reports whether the request's account holds permission
// (false outside a request or when refused).
func HasPermission(permission string) bool { return apiUserHasPermission(permission) == 1 }

// QueuePush enqueues payload (JSON-encoded) on queue; the plugin whose
// manifest lists the queue works it in tap_queue_worker, with retries.
func QueuePush(queue string, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	return statusErr(apiQueuePush(queue, string(b)))
}

// CacheGet returns the plugin's cached value under key; ok is false on a
// miss (or when refused).
func CacheGet(key string) (value []byte, ok bool) {
	v := apiCacheGet(key)
	return v, v != nil
}

// CacheSet caches value under key for ttl (0: 30 days), tagged with tags
// (e.g. "item:"+id, "type:blog"): saving item id, or any cache_invalidate
// of a tag, drops it.
func CacheSet(key string, value []byte, ttl time.Duration, tags ...string) error {
	for _, t := range tags {
		if strings.ContainsRune(t, '\n') {
			return fmt.Errorf("sdk: cache tag %q contains a newline", t)
		}
	}
	secs := int32(ttl / time.Second)
	if ttl > 0 && secs == 0 {
		secs = 1
	}
	return statusErr(apiCacheSet(key, string(value), strings.Join(tags, "\n"), secs))
}

// CacheInvalidate drops every cache entry tagged with one of tags, the
// kernel's and other plugins' included.
func CacheInvalidate(tags ...string) error {
	if len(tags) == 0 {
		return nil
	}
	return statusErr(apiCacheInvalidate(strings.Join(tags, "\n")))
}

// RequestGet decodes the request context value key into v; ok is false
// when no plugin set it in this request.
func RequestGet(key string, v any) (ok bool, err error) {
	raw := apiRequestGet(key)
	if len(raw) == 0 {
		return false, nil
	}
	return true, json.Unmarshal(raw, v)
}

// RequestSet stores v (JSON-encoded) in the request context under key, for
// every plugin called later in the same request. Outside a request it
// fails with ErrUnavailable.
func RequestSet(key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return statusErr(apiRequestSet(key, string(b)))
}

// PluginExists reports whether the named plugin is enabled.
func PluginExists(name string) bool { return apiPluginExists(name) == 1 }

// Invoke calls function of another plugin (its tap_invoke, see Invoked)
// with input JSON-encoded, and decodes the answer into output (may be nil).
func Invoke(plugin, function string, input, output any) error {
	in, err := json.Marshal(input)
	if err != nil {
		return err
	}
	raw := apiPluginInvoke(plugin, function, string(in))
	if len(raw) == 0 {
		return ErrRefused
	}
	var env struct {
		OK    json.RawMessage `json:"ok"`
		Error *struct {
			Code    Code   `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("sdk: invoke %s.%s: %w", plugin, function, err)
	}
	if env.Error != nil {
		return &Error{Code: env.Error.Code, Message: env.Error.Message}
	}
	if output == nil || len(env.OK) == 0 {
		return nil
	}
	return json.Unmarshal(env.OK, output)
}

// CronInput is the tap_cron input.
type CronInput struct {
	Time time.Time `json:"time"` // when the pass started
}

// QueueJob is the tap_queue_worker input: a job some plugin pushed.
type QueueJob struct {
	Queue   string          `json:"queue"`
	Payload json.RawMessage `json:"payload"`
	Attempt int             `json:"attempt"` // 1 for the first try
}

// Function is a function a plugin exports to others through tap_invoke:
// it gets the calling plugin and the input JSON and returns a value to
// encode as the answer.
type Function func(caller string, input json.RawMessage) (any, error)

// serveCron runs a tap_cron function.
func serveCron(dst, in []byte, fn func(CronInput) error) []byte {
	var c CronInput
	if err := json.Unmarshal(in, &c); err != nil {
		return appendError(dst, Errorf(CodeInvalid, "tap_cron input: %v", err))
	}
	if err := fn(c); err != nil {
		return appendError(dst, err)
	}
	return okNull(dst)
}

// serveQueueWorker runs a tap_queue_worker function; an error makes the
// host retry the job.
func serveQueueWorker(dst, in []byte, fn func(QueueJob) error) []byte {
	var j QueueJob
	if err := json.Unmarshal(in, &j); err != nil {
		return appendError(dst, Errorf(CodeInvalid, "tap_queue_worker input: %v", err))
	}
	if err := fn(j); err != nil {
		return appendError(dst, err)
	}
	return okNull(dst)
}

// serveInvoke runs the function the tap_invoke input names.
func serveInvoke(dst, in []byte, fns map[string]Function) []byte {
	var q struct {
		Caller   string          `json:"caller"`
		Function string          `json:"function"`
		Input    json.RawMessage `json:"input"`
	}
	if err := json.Unmarshal(in, &q); err != nil {
		return appendError(dst, Errorf(CodeInvalid, "tap_invoke input: %v", err))
	}
	fn, ok := fns[q.Function]
	if !ok {
		return appendError(dst, Errorf(CodeNotFound, "no function %q", q.Function))
	}
	v, err := fn(q.Caller, q.Input)
	if err != nil {
		return appendError(dst, err)
	}
	return appendOKJSON(dst, "tap_invoke", v)
}
