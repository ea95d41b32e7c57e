//go:build wasip1

package sdk

import "unsafe"

// live holds every buffer shared with the host, keyed by its address, so the
// garbage collector keeps it until trovato_free (or take) releases it.
var live = map[uint32][]byte{}

// keep registers b (len > 0) and returns its address in linear memory.
func keep(b []byte) uint32 {
	p := uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b))))
	live[p] = b
	return p
}

//go:wasmexport trovato_alloc
func trovatoAlloc(size uint32) uint32 {
	if size == 0 {
		return 0
	}
	return keep(make([]byte, size))
}

//go:wasmexport trovato_free
func trovatoFree(ptr uint32) { delete(live, ptr) }

//go:wasmexport trovato_abi
func trovatoABI() uint32 { return ABIVersion }

// input returns the tap input the host wrote at p, n.
func input(p, n uint32) ([]byte, bool) {
	if n == 0 {
		return nil, true
	}
	b, ok := live[p]
	if !ok || int(n) > len(b) {
		return nil, false
	}
	return b[:n], true
}

// output hands b to the host as packed ptr<<32|len; the host frees it.
func output(b []byte) uint64 {
	if len(b) == 0 {
		return 0
	}
	return uint64(keep(b))<<32 | uint64(len(b))
}

// badInput is the envelope for an input buffer the host did not allocate.
func badInput() []byte {
	return appendError(nil, Errorf(CodeInternal, "tap input buffer is not a trovato_alloc buffer"))
}

// ItemView is the glue for tap_item_view: it decodes the input at p, n,
// calls view with the item behind the handle and the view mode, and returns
// the packed output envelope. Return a zero Element to add nothing.
func ItemView(p, n uint32, view func(it Item, viewMode string) (Element, error)) uint64 {
	in, ok := input(p, n)
	if !ok {
		return output(badInput())
	}
	return output(serveItemView(in, func(h uint32) Item { return handleItem(h) }, view))
}

// ItemInfo is the glue for tap_item_info: it returns the item types info
// defines as the packed output envelope.
func ItemInfo(p, n uint32, info func() ([]ItemType, error)) uint64 {
	return output(serveItemInfo(info))
}

// RawTap is the glue for a tap whose function works on JSON itself (the
// full-serialization path, e.g. alter taps): fn receives the input JSON and
// returns the JSON value to send back ("null" when it returns nil).
func RawTap(p, n uint32, fn func(input []byte) ([]byte, error)) uint64 {
	in, ok := input(p, n)
	if !ok {
		return output(badInput())
	}
	return output(serveRaw(in, fn))
}
