package sdk

import "strings"

// The serve functions hold the platform-independent half of the tap glue:
// decode the input, call the plugin's function, encode the envelope. The
// wasip1 glue (abi_wasip1.go) only moves bytes in and out of linear memory,
// so everything here is unit-tested natively.

// viewInput is the decoded tap_item_view input
// {"item":<handle>,"type":"…","view_mode":"…"}; type is optional, a hint
// that saves a host call.
type viewInput struct {
	handle   uint32
	typ      string
	viewMode string
}

// lastType and lastViewMode keep the previous call's strings: the same few
// values repeat, and reusing them saves an allocation per call.
var lastType, lastViewMode string

// decodeViewInput decodes the tap_item_view input.
func decodeViewInput(in []byte) (viewInput, error) {
	if v, ok := fastViewInput(unsafeString(in)); ok {
		return v, nil
	}
	return readViewInput(in)
}

// fastViewInput decodes the exact form the host writes,
// {"item":N,"type":"…","view_mode":"…"} without escapes, in a handful of
// steps; anything else is left to readViewInput.
func fastViewInput(s string) (v viewInput, ok bool) {
	const item, typ, mode, end = `{"item":`, `,"type":"`, `","view_mode":"`, `"}`
	if !hasPrefixAt(s, 0, item) {
		return v, false
	}
	i := len(item)
	var h uint64
	for start := i; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if h = h*10 + uint64(s[i]-'0'); h > 1<<32-1 || (i > start && s[start] == '0') {
			return v, false
		}
	}
	if i == len(item) || !hasPrefixAt(s, i, typ) {
		return v, false
	}
	i += len(typ)
	j := plainRun(s, i)
	if !hasPrefixAt(s, j, mode) {
		return v, false
	}
	t := s[i:j]
	i = j + len(mode)
	j = plainRun(s, i)
	if j != len(s)-len(end) || !hasPrefixAt(s, j, end) {
		return v, false
	}
	v.handle, v.typ, v.viewMode = uint32(h), intern(&lastType, t), intern(&lastViewMode, s[i:j])
	return v, true
}

// hasPrefixAt reports whether s[i:] starts with p.
func hasPrefixAt(s string, i int, p string) bool {
	return i <= len(s) && len(s)-i >= len(p) && s[i:i+len(p)] == p
}

// plainRun is the index of the first byte at or after i that ends plain
// string content ('"', '\\' or a control character), or len(s).
func plainRun(s string, i int) int {
	for i < len(s) {
		var m uint64
		if i+8 <= len(s) {
			m = stringStopMask(load8(s, i))
		} else {
			m = stringStopMask(loadTail(s, i))
		}
		if m != 0 {
			return min(i+firstFlagged(m), len(s))
		}
		i += 8
	}
	return len(s)
}

// intern returns *last when it equals s, and otherwise a copy of s (which
// may alias the input buffer), remembered in *last.
func intern(last *string, s string) string {
	if s != *last {
		*last = strings.Clone(s)
	}
	return *last
}

// readViewInput decodes any valid JSON form of the tap_item_view input.
func readViewInput(in []byte) (v viewInput, err error) {
	r := reader{b: in}
	if err := r.beginObject(); err != nil {
		return v, err
	}
	for {
		key, ok, err := r.nextKey()
		if err != nil {
			return v, err
		}
		if !ok {
			break
		}
		switch string(key) {
		case "item":
			v.handle, err = r.uint32()
		case "type":
			v.typ, err = r.internedString(&lastType)
		case "view_mode":
			v.viewMode, err = r.internedString(&lastViewMode)
		default:
			err = r.skip()
		}
		if err != nil {
			return v, err
		}
	}
	return v, r.end()
}

// serveItemView runs a tap_item_view function, appending the envelope to
// dst; item resolves a handle (with the type hint, when the input has one).
func serveItemView(dst, in []byte, item func(handle uint32, typ string) Item, view func(Item, string) (Element, error)) []byte {
	v, err := decodeViewInput(in)
	if err != nil {
		return appendError(dst, Errorf(CodeInvalid, "tap_item_view input: %v", err))
	}
	el, err := view(item(v.handle, v.typ), v.viewMode)
	if err != nil {
		return appendError(dst, err)
	}
	dst = append(dst, `{"ok":`...)
	dst = appendElement(dst, &el)
	return append(dst, '}')
}

// serveItemInfo runs a tap_item_info function, appending the envelope to dst.
func serveItemInfo(dst []byte, info func() ([]ItemType, error)) []byte {
	types, err := info()
	if err != nil {
		return appendError(dst, err)
	}
	out, err := appendItemTypes(append(dst, `{"ok":`...), types)
	if err != nil {
		return appendError(dst, Errorf(CodeInternal, "tap_item_info: %v", err))
	}
	return append(out, '}')
}

// serveRaw runs a tap whose function takes and returns JSON itself,
// appending the envelope to dst; a nil result is null.
func serveRaw(dst, in []byte, fn func(input []byte) ([]byte, error)) []byte {
	out, err := fn(in)
	if err != nil {
		return appendError(dst, err)
	}
	if len(out) == 0 {
		out = []byte("null")
	}
	dst = append(dst, `{"ok":`...)
	dst = append(dst, out...)
	return append(dst, '}')
}
