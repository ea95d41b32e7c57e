// Package sdk is the Go SDK for Trovato plugins: plugin authors write plain,
// typed Go functions and one line of glue per tap; the SDK owns the ABI
// (buffers, envelopes, error codes, host imports). It uses the standard
// library only and compiles both for wasip1 (the real plugin) and natively,
// so plugin code is unit-testable with plain `go test` (see FakeItem).
//
// # Writing a plugin
//
//	package main
//
//	import "github.com/trovato/trovato/plugins/sdk"
//
//	func main() {}
//
//	//go:wasmexport tap_item_view
//	func tapItemView(p, n uint32) uint64 { return sdk.ItemView(p, n, view) }
//
//	func view(it sdk.Item, mode string) (sdk.Element, error) {
//		return sdk.Container(sdk.Text(it.FieldText("field_subtitle"))).WithClass("page"), nil
//	}
//
// Build with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o NAME.wasm ./plugins/NAME
//
// and ship NAME.wasm next to a plugin.json manifest in <plugins dir>/NAME/.
//
// # ABI, version 1
//
// Module shape. The guest is a WASI preview 1 reactor: the host instantiates
// wasi_snapshot_preview1 and the "trovato" host module first, then the
// plugin with "_initialize" as its start function (package init runs, main
// does not). Instances are pooled and reused across calls; one caller uses an
// instance at a time.
//
// Guest exports (provided by this package, never written by plugin authors):
//
//	trovato_alloc(size u32) -> ptr u32   allocate a buffer the host may write (0 for size 0)
//	trovato_free(ptr u32)                release a buffer returned by trovato_alloc or a tap
//	trovato_abi() -> u32                 ABI version, currently 1
//	trovato_scratch() -> u64             ptr<<32 | cap of the result buffer (optional)
//	tap_<name>(ptr u32, len u32) -> u64  one per tap the manifest declares
//
// Tap calls. The host writes the JSON input into a buffer it obtained from
// trovato_alloc and calls tap_<name>(ptr, len). Each instance keeps one such
// buffer (16 KiB, allocated once when the instance is created) for small
// inputs; a larger input gets a buffer of its own, which the host frees with
// trovato_free after the call. The tap returns ptr<<32 | len of a buffer
// holding the output envelope, either
//
//	{"ok":<value>}
//	{"error":{"code":"invalid|not_found|forbidden|conflict|internal","message":"…"}}
//
// The output buffer stays the guest's: the host copies it at once, and it is
// valid until the next tap call, which reclaims it. (Every call into the
// guest is a re-entry into the guest's Go runtime, so the ABI keeps calls
// per tap to one, plus one per host result too big for the scratch buffer
// below.) A trap (a Go panic
// surfaces as `unreachable`, an exceeded deadline or memory cap) fails the
// call; the host discards that instance and replaces it. Panics are
// deliberately not recovered in the guest, so a broken instance is never
// reused.
//
// Taps of ABI 1:
//
//	tap_item_info      input {}                                              ok: [ItemType…]
//	tap_item_view      input {"item":<handle>,"type":"…","view_mode":"…"}    ok: Element, or null for "nothing to add"
//	tap_form_alter     input: a form in the binary layout below              output: the altered form in that layout, or {"ok":null} for "unchanged"
//	tap_form_validate  input {"form_id":"…","values":{"key":["…"]}}          ok: {"key":"message"}, or null for none
//	tap_form_submit    input {"form_id":"…","values":{…},"result":{"item_id":"…"}}   ok: null
//	tap_menu           input {}                                              ok: {"routes":[Route…],"links":[MenuLink…]}
//	tap_page_<x>       input {"path","route","args":{…},"query":{…},"account":{…}}   ok: {"title":"…","content":Element}
//	tap_preprocess     input {"element","suggestions":[…],"item":<handle|0>,"type","view_mode","path","classes":[…]}
//	                   ok: {"classes":[…],"attributes":{…},"children":[Element…]}, or null
//
// The "type" of tap_item_view is the item's type, sent so the common "is
// this my type?" check needs no host call.
//
// tap_form_alter is the one tap whose success output is not an envelope:
// it starts with "TFW1" (an envelope starts with '{'), followed by the
// form's fields:
//
//	form     = "TFW1" field*                  form tags: 1 id, 2 elements
//	field    = tag:u8 len:u32le payload[len]
//	element  = field* 0x00                    tags 1–26: form.Element's members in declaration order
//	elements = element*                       payload of "elements" and "children" (tag 26)
//
// Payloads: strings as UTF-8; bools as one byte (1); integers as i64le;
// floats as f64le bits; values (tag 11) as (len:u32le bytes)*; options
// (18) as (len value len label)*; attributes (19) as (len name len value)*.
// Empty members are left out. formwire.go has the tag list; the host and
// this package share a golden encoding in their tests. Unknown tags are
// kept and written back, so a plugin built with an older SDK does not drop
// members a newer kernel adds.
//
// Item handles. The kernel keeps the item; the input names it by a handle
// valid for that call only, and the guest asks for what it needs through the
// host module "trovato" (capability "item.read"):
//
//	item_id(h u32) -> u64                                    string
//	item_type(h u32) -> u64                                  string
//	item_title(h u32) -> u64                                 string
//	item_field_text(h u32, name ptr,len, delta u32, prop ptr,len) -> u64   string
//	item_field_count(h u32, name ptr,len) -> u32
//	item_field_json(h u32, name ptr,len) -> u64              JSON list of deltas
//	log(level i32, msg ptr,len)                              capability "log"; levels as log/slog
//	item_query(q ptr,len) -> u64                             capability "item_query": {"ok":[handles…]} or {"error":{…}}
//	db_select(req ptr,len) -> u64                            capability "db": {"ok":[rows…]} or {"error":{…}}
//	db_insert(req ptr,len) -> u64                            capability "db": {"ok":row}
//	db_update(req ptr,len) -> u64                            capability "db": {"ok":{"rows":n}}
//	db_delete(req ptr,len) -> u64                            capability "db": {"ok":{"rows":n}}
//
// item_query and the db_* functions take a JSON request and answer an
// envelope like a tap's, so a refusal carries its reason; QueryItems and
// DBSelect, DBInsert, DBUpdate, DBDelete wrap them. Items a query returns
// are handles added to the current call, read with the item_* functions.
// Natively, FakeQuery and FakeDB stand in for the host.
//
// A string result is ptr<<32 | len of a buffer in guest memory. A result that
// fits the scratch buffer the guest announced with trovato_scratch (16 KiB,
// asked once per instance) is written there: the guest copies it before its
// next host call and never frees it. A larger one, or any result for a
// module without trovato_scratch (built with an older SDK), goes into a
// buffer the host obtained by calling the guest's trovato_alloc from inside
// the host function; the guest owns it and frees it (this package does
// both). 0 means the empty string. An unknown
// handle, a missing field or an undeclared capability yields the empty result
// (and a host-side log entry), never a trap.
//
// The host API beyond items (hostapi.go for the Go functions and their
// capabilities). Status results (i32) are 0 ok, -1 refused (capability),
// -2 invalid argument, -3 service unavailable, -4 no such plugin:
//
//	variable_get(name ptr,len) -> u64                        JSON, 0 when unset          "variables"
//	variable_set(name ptr,len, json ptr,len) -> i32          empty json deletes          "variables"
//	random_bytes(n u32) -> u64                               n ≤ 4096 bytes              "random"
//	current_user() -> u64                                    {"id","name","authenticated","roles"}, 0 outside a request   "user.read"
//	user_has_permission(perm ptr,len) -> i32                 1 or 0                      "user.read"
//	queue_push(queue ptr,len, json ptr,len) -> i32                                       "queue"
//	cache_get(key ptr,len) -> u64                            bytes, 0 on a miss          "cache"
//	cache_set(key ptr,len, value ptr,len, tags ptr,len, ttl_s i32) -> i32   tags "\n"-separated   "cache"
//	cache_invalidate(tags ptr,len) -> i32                                                "cache"
//	request_get(key ptr,len) -> u64                          JSON, 0 when unset          "request"
//	request_set(key ptr,len, json ptr,len) -> i32            empty json deletes          "request"
//	plugin_exists(name ptr,len) -> i32                       1 or 0                      "invoke"
//	plugin_invoke(plugin ptr,len, fn ptr,len, json ptr,len) -> u64   envelope of the target's tap_invoke   "invoke"
//
// # Forms
//
// The kernel builds forms (app/form) and lets plugins change them before
// they are shown, check submitted values, and react to a successful submit:
//
//	//go:wasmexport tap_form_alter
//	func tapFormAlter(p, n uint32) uint64 { return sdk.FormAlterIf(p, n, isMyForm, alter) }
//
//	func alter(f *sdk.Form) error {
//		if sum := f.FindPrefix("field_summary"); sum != nil {
//			sum.Description = "Keep it short."
//			f.Move(sum.Key, "title")
//		}
//		return nil
//	}
//
// An alter function changes the typed *Form in place (Find, FindPrefix,
// FindFunc, Walk, Remove, InsertAfter, InsertBefore, Move, MoveBefore, or
// the Elements slices directly) and returns ErrUnchanged for forms it does
// not touch. FormAlterIf skips forms by id without decoding them; FormAlter
// decodes every form. The host accepts a plugin's alteration only whole:
// unknown element types, malformed or repeated keys, children outside
// containers or a changed form id discard it (the form stays as the plugin
// got it) and the next plugin runs.
//
// Forms are full serialization, the only mode: the guest gets the whole
// tree and returns it. Handle-based access (the default for items) would
// need a host call per property read, and an alteration restructures the
// tree, so the form travels whole in the compact binary layout above,
// decoded and encoded by hand-written code; a 50-element form costs about
// 0.35 ms p50 and 0.65–0.75 ms p95 per altering plugin with deadlines on
// (app/plugin BenchmarkFormAlter50Elements3Plugins), where hand-written JSON
// cost 0.95 ms p50 and 1.3 ms p95.
//
// # Element JSON
//
// Elements serialize to objects with the keys type, attributes, classes, text,
// format, level, href, label and children; empty values are omitted.
//
// # Performance
//
// The host compiles plugins with wazero's deadline checks, which run at every
// function entry and loop iteration of the guest and make Go guest code about
// three times slower; that is the price of stopping a plugin that loops
// forever. The SDK therefore decodes tap inputs and encodes elements with
// small hand-written, word-at-a-time code and recycles its buffers, and
// plugin code should prefer a few host calls over large JSON documents.
package sdk

// ABIVersion is the plugin ABI this SDK implements; manifests declare it as "abi".
const ABIVersion = 1
