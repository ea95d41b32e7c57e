// Package plugin hosts Trovato's WebAssembly plugins with wazero.
//
// A plugin is a directory <Dir>/<name>/ holding a plugin.json manifest and a
// <name>.wasm module built from Go with the SDK in plugins/sdk (the ABI is
// documented there). Open compiles every plugin once, with wazero's on-disk
// compilation cache, into one shared runtime, and checks at load what can be
// checked: the manifest, the declared ABI version (manifest and module), and
// that every declared tap is exported with the right signature. A plugin
// that fails any check is recorded as failed with a clear message; the
// others load.
//
// Each loaded plugin keeps a bounded pool of warm instances (one created at
// load, growing on demand up to Config.PoolSize); a call takes one instance,
// so one caller uses an instance at a time. Every call runs under a deadline
// and a memory cap. A call that traps (a guest panic is `unreachable`, the
// deadline, the memory cap) fails with an error wrapping ErrTrap or
// ErrDeadline, is logged with plugin, tap and reason, and its instance is
// closed and replaced, so the pool never shrinks.
//
// Item data is handle-based by default: the caller puts items into a
// CallState, passes their handles in the tap input, and the guest asks the
// "trovato" host module for titles and field values by handle. Host
// functions never panic, honour the call's context, refuse capabilities the
// manifest does not declare, and answer an unknown handle with an empty
// result and a logged error.
//
// Deadlines do not use wazero's WithCloseOnContextDone, which starts a
// goroutine for every call into the guest (that was most of a tap's cost):
// the host instruments each module when it loads it (interrupt.go) with a
// fuel counter at every function entry and loop header that calls back
// every 4096 steps to check the call's context. Nor does a call start a
// timer: its context (callctx.go) keeps the deadline and compares the
// clock, making a timer-backed context only for something that waits on
// Done, and a call queued for an instance waits with a recycled timer.
// Each call into the guest still re-enters the guest's Go runtime, so the
// ABI keeps them to one per tap: a per-instance input buffer, a scratch
// buffer for host function results, no free for outputs; see BenchmarkTap*
// and docs/benchmarks.md.
//
// Forms are the exception to handle-based access: FormAlter sends each
// plugin implementing tap_form_alter the whole form in a compact binary
// layout (formwire.go, specified in plugins/sdk) and takes back the altered
// tree, which must pass form.CheckTree and keep the form id, or is
// discarded whole. FormValidate and FormSubmit send the submitted values as
// JSON.
//
// Limits on every call: a deadline (Config.CallTimeout, or the entry of the
// tap or its kind in Config.TapTimeouts — cron and queue_worker get 30 s,
// page callbacks 2 s by default; TROVATO_TAP_TIMEOUTS sets them), the
// instance's memory cap, and an output size cap (Config.MaxOutputBytes,
// 1 MiB): an answer over it fails as ErrOutputTooLarge. Host functions that
// may wait do so through waitOrDone, so a stuck host call also ends at the
// deadline. Every such failure is a fault: logged, counted in Status, and
// the instance is replaced.
//
// Routes: tap_menu declares routes (path patterns with {name}
// placeholders, a title, a page_<x> callback tap and a permission) and menu
// links. The host collects them at enable and at start (menu.go) and keeps
// them with the plugin; MatchRoute skips disabled plugins, so a route
// vanishes on Disable and returns on Enable without a restart. The server
// serves them from a fallback after every kernel route, checks the
// permission, calls Page and renders the element in the visitor theme.
//
// Preprocess (preprocess.go) is additive: plugins return classes,
// attributes and children to add to an item display or a route's page; the
// server merges them without removing or replacing anything and sanitizes
// the result.
//
// Item query (host_query.go, capability item_query): a structured query the
// server runs through the Gather builder with the request's Viewer
// (WithViewer; anonymous when absent), answering handles added to the
// call's CallState.
//
// DB API (host_db.go, capability db): tables declared in the manifest are
// created as plugin_<plugin>_<table> at install/enable (IF NOT EXISTS, so a
// new version may add tables, columns and indexes) and dropped at
// Uninstall; db_select/insert/update/delete take JSON requests whose table,
// columns and operators are checked against the declaration and a fixed
// set, with every value a bind parameter. A plugin can only name its own
// tables. An uninstalled plugin is stored as such (Store) and stays off
// across restarts until enabled again, which installs it afresh.
//
// Beyond items, the host API (host_api.go, services.go) gives plugins
// variables, random bytes, the current user and permission checks, queue
// push, a tagged cache, a request context and calls into other plugins,
// each behind its manifest capability. The kernel parts behind them are
// installed with UseServices (Postgres variables, the River queue in
// app/jobs, app/cache); the current user and the request context come from
// the request scope WithRequest puts in the call's context (the server's
// middleware does, once per request), so they are shared by every plugin
// called in one request and gone after it. Cron and queue_worker
// (cron.go) are dispatched by app/jobs.
//
// The kernel uses the typed dispatchers (ItemInfo, ItemView, FormAlter,
// FormValidate, FormSubmit, Preprocess, Page) or the generic Call for taps
// that have no dispatcher yet.
package plugin
