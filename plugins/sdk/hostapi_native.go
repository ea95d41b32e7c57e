//go:build !wasip1

package sdk

import (
	"crypto/rand"
	"encoding/json"
	"sync"
)

// Natively the host API works on an in-memory fake so a plugin's typed
// functions can be unit-tested with plain `go test`: variables, cache and
// request context are maps, QueuePush records into NativeQueued, and
// CurrentUser answers NativeUser. NativeReset clears them between tests.

var native = struct {
	sync.Mutex
	vars, cache, request map[string]string
}{}

// NativeUser is the account CurrentUser returns natively (nil: none, as
// outside a request); NativePermissions are the permissions it holds.
var (
	NativeUser        *User
	NativePermissions []string
)

// NativeJob is a job QueuePush recorded natively.
type NativeJob struct {
	Queue   string
	Payload json.RawMessage
}

// NativeQueued lists the jobs QueuePush recorded natively.
var NativeQueued []NativeJob

// NativeReset clears the native fake.
func NativeReset() {
	native.Lock()
	defer native.Unlock()
	native.vars, native.cache, native.request = nil, nil, nil
	NativeUser, NativePermissions, NativeQueued = nil, nil, nil
}

func nativeGet(m *map[string]string, k string) []byte {
	native.Lock()
	defer native.Unlock()
	if v, ok := (*m)[k]; ok {
		return []byte(v)
	}
	return nil
}

func nativeSet(m *map[string]string, k, v string) int32 {
	native.Lock()
	defer native.Unlock()
	if *m == nil {
		*m = map[string]string{}
	}
	if v == "" {
		delete(*m, k)
	} else {
		(*m)[k] = v
	}
	return 0
}

func apiVariableGet(name string) []byte       { return nativeGet(&native.vars, name) }
func apiVariableSet(name, value string) int32 { return nativeSet(&native.vars, name, value) }
func apiRandomBytes(n uint32) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}
func apiCurrentUser() []byte {
	if NativeUser == nil {
		return nil
	}
	b, _ := json.Marshal(NativeUser)
	return b
}
func apiUserHasPermission(perm string) int32 {
	if NativeUser == nil {
		return 0
	}
	for _, p := range NativePermissions {
		if p == perm {
			return 1
		}
	}
	return 0
}
func apiQueuePush(queue, payload string) int32 {
	native.Lock()
	defer native.Unlock()
	NativeQueued = append(NativeQueued, NativeJob{Queue: queue, Payload: json.RawMessage(payload)})
	return 0
}
func apiCacheGet(key string) []byte { return nativeGet(&native.cache, key) }
func apiCacheSet(key, value, tags string, ttl int32) int32 {
	return nativeSet(&native.cache, key, value)
}
func apiCacheInvalidate(tags string) int32 {
	native.Lock()
	native.cache = nil // natively every invalidation clears the whole cache
	native.Unlock()
	return 0
}
func apiRequestGet(key string) []byte       { return nativeGet(&native.request, key) }
func apiRequestSet(key, value string) int32 { return nativeSet(&native.request, key, value) }
func apiPluginExists(name string) int32     { return 0 }
func apiPluginInvoke(p, fn, input string) []byte {
	return []byte(`{"error":{"code":"not_found","message":"no other plugins run natively"}}`)
}

// Cron is the glue for tap_cron (wasip1 only; test fn directly).
func Cron(p, n uint32, fn func(c CronInput) error) uint64 { panic(nativeGlue) }

// QueueWorker is the glue for tap_queue_worker (wasip1 only; test fn directly).
func QueueWorker(p, n uint32, fn func(j QueueJob) error) uint64 { panic(nativeGlue) }

// Invoked is the glue for tap_invoke (wasip1 only; test the functions directly).
func Invoked(p, n uint32, fns map[string]Function) uint64 { panic(nativeGlue) }
