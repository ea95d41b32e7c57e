//go:build wasip1

package sdk

import "unsafe"

// shared lists the buffers currently shared with the host, so the garbage
// collector keeps them until trovato_free (or take) releases them. There
// are few at a time (the input, the output, a string being returned), so a
// slice scanned from the end beats a map.
var shared []sharedBuf

type sharedBuf struct {
	ptr uint32
	b   []byte
}

// share registers b (cap > 0) and returns its address in linear memory.
func share(b []byte) uint32 {
	p := uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b[:1]))))
	shared = append(shared, sharedBuf{p, b})
	return p
}

// unshare removes the buffer at p from shared and returns it.
func unshare(p uint32) ([]byte, bool) {
	for i := len(shared) - 1; i >= 0; i-- {
		if shared[i].ptr == p {
			b := shared[i].b
			last := len(shared) - 1
			shared[i] = shared[last]
			shared[last] = sharedBuf{}
			shared = shared[:last]
			return b, true
		}
	}
	return nil, false
}

// lookup finds the shared buffer at p.
func lookup(p uint32) ([]byte, bool) {
	for i := len(shared) - 1; i >= 0; i-- {
		if shared[i].ptr == p {
			return shared[i].b, true
		}
	}
	return nil, false
}

//go:wasmexport trovato_alloc
func trovatoAlloc(size uint32) uint32 {
	if size == 0 {
		return 0
	}
	return share(getBuf(int(size)))
}

//go:wasmexport trovato_free
func trovatoFree(ptr uint32) {
	if b, ok := unshare(ptr); ok {
		putBuf(b)
	}
}

//go:wasmexport trovato_abi
func trovatoABI() uint32 { return ABIVersion }

// scratch is where the host writes the results of host functions that fit:
// each is copied out (take) before the next host call, so one buffer
// serves them all and a host function needs no trovato_alloc call back into
// the guest. A package-level array: its address never changes.
var scratch [16 << 10]byte

// scratchPtr is the address of scratch in linear memory.
func scratchPtr() uint32 { return uint32(uintptr(unsafe.Pointer(&scratch[0]))) }

//go:wasmexport trovato_scratch
func trovatoScratch() uint64 { return uint64(scratchPtr())<<32 | uint64(len(scratch)) }

// input returns the tap input the host wrote at p, n.
func input(p, n uint32) ([]byte, bool) {
	if n == 0 {
		return nil, true
	}
	b, ok := lookup(p)
	if !ok || int(n) > len(b) {
		return nil, false
	}
	return b[:n], true
}

// lastOutput is the address of the previous tap's output, which the host
// has copied by the time the next tap runs.
var lastOutput uint32

// outBuf reclaims the previous output and returns a recycled buffer for the
// next one. Every tap glue calls it first.
func outBuf() []byte {
	if lastOutput != 0 {
		trovatoFree(lastOutput)
		lastOutput = 0
	}
	typeHint.handle, typeHint.typ = 0, ""
	return getBuf(256)[:0]
}

// output hands b to the host as packed ptr<<32|len. It stays valid until
// the next tap call.
func output(b []byte) uint64 {
	if len(b) == 0 {
		return 0
	}
	lastOutput = share(b)
	return uint64(lastOutput)<<32 | uint64(len(b))
}

// badInput appends the envelope for an input buffer the host did not allocate.
func badInput(dst []byte) []byte {
	return appendError(dst, Errorf(CodeInternal, "tap input buffer is not a trovato_alloc buffer"))
}

// ItemView is the glue for tap_item_view: it decodes the input at p, n,
// calls view with the item behind the handle and the view mode, and returns
// the packed output envelope. Return a zero Element to add nothing.
func ItemView(p, n uint32, view func(it Item, viewMode string) (Element, error)) uint64 {
	out := outBuf()
	in, ok := input(p, n)
	if !ok {
		return output(badInput(out))
	}
	return output(serveItemView(out, in, handleOf, view))
}

// typeHint is the item type the current tap_item_view input named for its
// handle, so Type() needs no host call.
var typeHint struct {
	handle uint32
	typ    string
}

// handleOf is the Item behind a handle, remembering the type hint.
func handleOf(h uint32, typ string) Item {
	typeHint.handle, typeHint.typ = h, typ
	return handleItem(h)
}

// ItemInfo is the glue for tap_item_info: it returns the item types info
// defines as the packed output envelope.
func ItemInfo(p, n uint32, info func() ([]ItemType, error)) uint64 {
	return output(serveItemInfo(outBuf(), info))
}

// RawTap is the glue for a tap whose function works on JSON itself (the
// full-serialization path, e.g. alter taps): fn receives the input JSON and
// returns the JSON value to send back ("null" when it returns nil).
func RawTap(p, n uint32, fn func(input []byte) ([]byte, error)) uint64 {
	out := outBuf()
	in, ok := input(p, n)
	if !ok {
		return output(badInput(out))
	}
	return output(serveRaw(out, in, fn))
}

// FormAlter is the glue for tap_form_alter: it decodes the form at p, n,
// lets fn change it in place and returns the altered form (or null when fn
// returns ErrUnchanged) as the packed output envelope.
func FormAlter(p, n uint32, fn func(f *Form) error) uint64 {
	return FormAlterIf(p, n, nil, fn)
}

// FormAlterIf is FormAlter for the forms whose id match accepts; other
// forms are answered "unchanged" without being decoded, which keeps a
// plugin that alters a few forms cheap on all the others.
func FormAlterIf(p, n uint32, match func(formID string) bool, fn func(f *Form) error) uint64 {
	out := outBuf()
	in, ok := input(p, n)
	if !ok {
		return output(badInput(out))
	}
	return output(serveFormAlter(out, in, match, fn))
}

// FormValidate is the glue for tap_form_validate: fn receives the form id
// and the submitted values by element key and returns error messages by
// element key (nil or empty for none).
func FormValidate(p, n uint32, fn func(formID string, values map[string][]string) (map[string]string, error)) uint64 {
	out := outBuf()
	in, ok := input(p, n)
	if !ok {
		return output(badInput(out))
	}
	return output(serveFormValidate(out, in, fn))
}

// FormSubmit is the glue for tap_form_submit, a notification after a
// successful submit: fn receives the form id, the submitted values and what
// the submit produced (e.g. {"item_id": "…"}).
func FormSubmit(p, n uint32, fn func(formID string, values map[string][]string, result map[string]string) error) uint64 {
	out := outBuf()
	in, ok := input(p, n)
	if !ok {
		return output(badInput(out))
	}
	return output(serveFormSubmit(out, in, fn))
}
