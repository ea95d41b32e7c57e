package sdk

import (
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// errSyntax reports malformed tap input.
var errSyntax = errors.New("malformed JSON input")

// reader is a minimal JSON reader for tap inputs, which are small flat
// objects ({"item":1,"view_mode":"full"}); it avoids reflection-based
// decoding and allocations in the guest, where both are expensive. Unknown
// keys and nested values are skipped.
type reader struct {
	b       []byte
	i       int
	started bool // nextKey has read a key of the current object
	// owned means b is a private copy that is never modified, so strings
	// may point into it instead of being copied one by one.
	owned bool
}

func (r *reader) ws() {
	if r.i < len(r.b) && r.b[r.i] > ' ' {
		return // the common case, without entering the loop
	}
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (r *reader) peek() byte {
	r.ws()
	if r.i < len(r.b) {
		return r.b[r.i]
	}
	return 0
}

func (r *reader) expect(c byte) error {
	if r.peek() != c {
		return errSyntax
	}
	r.i++
	return nil
}

// beginObject consumes the opening brace of an object whose keys are then
// read with nextKey.
func (r *reader) beginObject() error {
	r.started = false
	return r.expect('{')
}

// nextKey reads the next key of the object begun by beginObject, leaving
// the reader at its value, which the caller must consume; ok is false after
// the closing brace. The key may alias the input.
func (r *reader) nextKey() (key []byte, ok bool, err error) {
	switch r.peek() {
	case '}':
		r.i++
		return nil, false, nil
	case ',':
		if !r.started {
			return nil, false, errSyntax
		}
		r.i++
	default:
		if r.started {
			return nil, false, errSyntax
		}
	}
	r.started = true
	if key, err = r.stringBytes(); err != nil {
		return nil, false, err
	}
	if err := r.expect(':'); err != nil {
		return nil, false, err
	}
	return key, true, nil
}

// end checks that only white space follows.
func (r *reader) end() error {
	if r.peek() != 0 {
		return errSyntax
	}
	return nil
}

// string reads a JSON string, decoding escapes. In an owned reader the
// result shares the input's memory.
func (r *reader) string() (string, error) {
	b, err := r.stringBytes()
	if r.owned && len(b) > 0 {
		return unsafe.String(unsafe.SliceData(b), len(b)), err
	}
	return string(b), err
}

// internedString reads a JSON string, returning *last instead of a new
// string when they are equal, and remembering the result in *last.
func (r *reader) internedString(last *string) (string, error) {
	b, err := r.stringBytes()
	if err != nil {
		return "", err
	}
	if string(b) != *last {
		*last = string(b)
	}
	return *last, nil
}

// stringBytes reads a JSON string; without escapes the result aliases the
// input.
func (r *reader) stringBytes() ([]byte, error) {
	if r.peek() != '"' {
		return nil, errSyntax
	}
	r.i++
	start := r.i
	for r.i < len(r.b) {
		if r.i = plainRun(unsafeString(r.b), r.i); r.i >= len(r.b) {
			break
		}
		c := r.b[r.i]
		if c == '"' {
			r.i++
			return r.b[start : r.i-1], nil
		}
		if c == '\\' {
			return r.escaped(start)
		}
		if c < 0x20 {
			return nil, errSyntax
		}
		r.i++
	}
	return nil, errSyntax
}

// escaped finishes a string that contains escapes, starting at start.
func (r *reader) escaped(start int) ([]byte, error) {
	out := append([]byte(nil), r.b[start:r.i]...)
	for r.i < len(r.b) {
		c := r.b[r.i]
		switch {
		case c == '"':
			r.i++
			return out, nil
		case c < 0x20:
			return nil, errSyntax
		case c != '\\':
			out = append(out, c)
			r.i++
			continue
		}
		if r.i+1 >= len(r.b) {
			return nil, errSyntax
		}
		e := r.b[r.i+1]
		r.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			rn, ok := r.hex4()
			if !ok {
				return nil, errSyntax
			}
			if utf16.IsSurrogate(rn) {
				rn = r.lowSurrogate(rn)
			}
			out = utf8.AppendRune(out, rn)
		default:
			return nil, errSyntax
		}
	}
	return nil, errSyntax
}

// lowSurrogate completes the UTF-16 pair started by hi when a \u escape of
// a low surrogate follows; otherwise it yields U+FFFD and leaves the next
// escape to be read on its own, as encoding/json does.
func (r *reader) lowSurrogate(hi rune) rune {
	if r.i+1 >= len(r.b) || r.b[r.i] != '\\' || r.b[r.i+1] != 'u' {
		return utf8.RuneError
	}
	save := r.i
	r.i += 2
	if lo, ok := r.hex4(); ok {
		if rn := utf16.DecodeRune(hi, lo); rn != utf8.RuneError {
			return rn
		}
	}
	r.i = save
	return utf8.RuneError
}

// hex4 reads four hex digits.
func (r *reader) hex4() (rune, bool) {
	if r.i+4 > len(r.b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(r.b[r.i:r.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	r.i += 4
	return rune(v), true
}

// uint32 reads a non-negative integer that fits in 32 bits.
func (r *reader) uint32() (uint32, error) {
	r.ws()
	start := r.i
	var v uint64
	for r.i < len(r.b) && r.b[r.i] >= '0' && r.b[r.i] <= '9' {
		v = v*10 + uint64(r.b[r.i]-'0')
		if v > 1<<32-1 {
			return 0, errSyntax
		}
		r.i++
	}
	if r.i == start || (r.b[start] == '0' && r.i-start > 1) {
		return 0, errSyntax
	}
	return uint32(v), nil
}

// skip consumes any JSON value.
func (r *reader) skip() error {
	switch c := r.peek(); {
	case c == '"':
		_, err := r.stringBytes()
		return err
	case c == '{':
		return r.skipObject()
	case c == '[':
		r.i++
		if r.peek() == ']' {
			r.i++
			return nil
		}
		for {
			if err := r.skip(); err != nil {
				return err
			}
			switch r.peek() {
			case ',':
				r.i++
			case ']':
				r.i++
				return nil
			default:
				return errSyntax
			}
		}
	case c == '-' || (c >= '0' && c <= '9'):
		for r.i < len(r.b) && isNumberByte(r.b[r.i]) {
			r.i++
		}
		return nil
	default:
		for _, lit := range []string{"true", "false", "null"} {
			if len(r.b)-r.i >= len(lit) && string(r.b[r.i:r.i+len(lit)]) == lit {
				r.i += len(lit)
				return nil
			}
		}
		return errSyntax
	}
}

// skipObject consumes an object (nested values included).
func (r *reader) skipObject() error {
	r.i++ // '{'
	if r.peek() == '}' {
		r.i++
		return nil
	}
	for {
		if _, err := r.stringBytes(); err != nil {
			return err
		}
		if err := r.expect(':'); err != nil {
			return err
		}
		if err := r.skip(); err != nil {
			return err
		}
		switch r.peek() {
		case ',':
			r.i++
		case '}':
			r.i++
			return nil
		default:
			return errSyntax
		}
	}
}

// unsafeString views b as a string for word loads; it is not retained.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

func isNumberByte(c byte) bool {
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}
