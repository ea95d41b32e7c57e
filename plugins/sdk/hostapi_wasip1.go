//go:build wasip1

package sdk

// Host API imports of the "trovato" module (see hostapi.go and the ABI in
// the package doc). Strings go in as (ptr, len); data comes back as a
// packed ptr<<32|len buffer from trovato_alloc (0: nothing), statuses as
// i32 (0 ok, negative errors).

//go:wasmimport trovato variable_get
func hostVariableGet(name string) uint64

//go:wasmimport trovato variable_set
func hostVariableSet(name, value string) int32

//go:wasmimport trovato random_bytes
func hostRandomBytes(n uint32) uint64

//go:wasmimport trovato current_user
func hostCurrentUser() uint64

//go:wasmimport trovato user_has_permission
func hostUserHasPermission(perm string) int32

//go:wasmimport trovato queue_push
func hostQueuePush(queue, payload string) int32

//go:wasmimport trovato cache_get
func hostCacheGet(key string) uint64

//go:wasmimport trovato cache_set
func hostCacheSet(key, value, tags string, ttl int32) int32

//go:wasmimport trovato cache_invalidate
func hostCacheInvalidate(tags string) int32

//go:wasmimport trovato request_get
func hostRequestGet(key string) uint64

//go:wasmimport trovato request_set
func hostRequestSet(key, value string) int32

//go:wasmimport trovato plugin_exists
func hostPluginExists(name string) int32

//go:wasmimport trovato plugin_invoke
func hostPluginInvoke(plugin, function, input string) uint64

// takeBytes is take for a byte result (nil for nothing).
func takeBytes(r uint64) []byte {
	return take(r, func(b []byte) []byte { return append([]byte(nil), b...) })
}

func apiVariableGet(name string) []byte          { return takeBytes(hostVariableGet(name)) }
func apiVariableSet(name, value string) int32    { return hostVariableSet(name, value) }
func apiRandomBytes(n uint32) []byte             { return takeBytes(hostRandomBytes(n)) }
func apiCurrentUser() []byte                     { return takeBytes(hostCurrentUser()) }
func apiUserHasPermission(perm string) int32     { return hostUserHasPermission(perm) }
func apiQueuePush(queue, payload string) int32   { return hostQueuePush(queue, payload) }
func apiCacheGet(key string) []byte              { return takeBytes(hostCacheGet(key)) }
func apiCacheInvalidate(tags string) int32       { return hostCacheInvalidate(tags) }
func apiRequestGet(key string) []byte            { return takeBytes(hostRequestGet(key)) }
func apiRequestSet(key, value string) int32      { return hostRequestSet(key, value) }
func apiPluginExists(name string) int32          { return hostPluginExists(name) }
func apiPluginInvoke(p, fn, input string) []byte { return takeBytes(hostPluginInvoke(p, fn, input)) }
func apiCacheSet(key, value, tags string, ttl int32) int32 {
	return hostCacheSet(key, value, tags, ttl)
}

// Cron is the glue for tap_cron: fn runs once per cron pass (every minute
// by default, and on `trovato cron`) under the 30 s cron deadline.
func Cron(p, n uint32, fn func(c CronInput) error) uint64 {
	out := outBuf()
	in, ok := input(p, n)
	if !ok {
		return output(badInput(out))
	}
	return output(serveCron(out, in, fn))
}

// QueueWorker is the glue for tap_queue_worker: fn works one job of a
// queue the manifest lists; an error (or a trap, or the deadline) makes the
// host retry it later with backoff.
func QueueWorker(p, n uint32, fn func(j QueueJob) error) uint64 {
	out := outBuf()
	in, ok := input(p, n)
	if !ok {
		return output(badInput(out))
	}
	return output(serveQueueWorker(out, in, fn))
}

// Invoked is the glue for tap_invoke: other plugins call the functions in
// fns by name with Invoke.
func Invoked(p, n uint32, fns map[string]Function) uint64 {
	out := outBuf()
	in, ok := input(p, n)
	if !ok {
		return output(badInput(out))
	}
	return output(serveInvoke(out, in, fns))
}
