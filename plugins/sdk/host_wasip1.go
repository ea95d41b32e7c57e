//go:build wasip1

package sdk

// Host functions of the "trovato" module; see the ABI in the package doc.

//go:wasmimport trovato item_id
func hostItemID(h uint32) uint64

//go:wasmimport trovato item_type
func hostItemType(h uint32) uint64

//go:wasmimport trovato item_title
func hostItemTitle(h uint32) uint64

//go:wasmimport trovato item_field_text
func hostItemFieldText(h uint32, name string, delta uint32, prop string) uint64

//go:wasmimport trovato item_field_count
func hostItemFieldCount(h uint32, name string) uint32

//go:wasmimport trovato item_field_json
func hostItemFieldJSON(h uint32, name string) uint64

//go:wasmimport trovato log
func hostLog(level int32, msg string)

// take claims the buffer a host function returned as packed ptr<<32|len,
// passes its bytes to use and recycles it. use must copy what it keeps: a
// result in scratch is overwritten by the next host call.
func take[T any](r uint64, use func([]byte) T) T {
	p, n := uint32(r>>32), int(uint32(r))
	var zero T
	if n == 0 {
		return zero
	}
	if p == scratchPtr() {
		return use(scratch[:min(n, len(scratch))])
	}
	b, ok := unshare(p)
	if !ok {
		return zero
	}
	v := use(b[:min(n, len(b))])
	putBuf(b)
	return v
}

// takeString is take for a string result.
func takeString(r uint64) string {
	return take(r, func(b []byte) string { return string(b) })
}

// handleItem is the Item behind a per-call handle; each method asks the host.
type handleItem uint32

func (h handleItem) ID() string { return takeString(hostItemID(uint32(h))) }
func (h handleItem) Type() string {
	if uint32(h) == typeHint.handle && typeHint.typ != "" {
		return typeHint.typ
	}
	return takeString(hostItemType(uint32(h)))
}
func (h handleItem) Title() string { return takeString(hostItemTitle(uint32(h))) }

func (h handleItem) FieldText(name string) string { return h.FieldTextAt(name, 0, "value") }

func (h handleItem) FieldTextAt(name string, delta int, prop string) string {
	if delta < 0 || delta > 1<<31 {
		return ""
	}
	return takeString(hostItemFieldText(uint32(h), name, uint32(delta), prop))
}

func (h handleItem) FieldCount(name string) int { return int(hostItemFieldCount(uint32(h), name)) }

func (h handleItem) FieldJSON(name string) []byte {
	b := take(hostItemFieldJSON(uint32(h), name), func(b []byte) []byte { return append([]byte(nil), b...) })
	if len(b) == 0 {
		return []byte("[]")
	}
	return b
}

// Log writes msg to the site log at level, tagged with the plugin and tap
// (capability "log").
func Log(level Level, msg string) { hostLog(int32(level), msg) }
