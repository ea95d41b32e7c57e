package sdk

import (
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// errSyntax reports malformed tap input.
var errSyntax = errors.New("malformed JSON input")

// reader is a minimal JSON reader for tap inputs, which are small flat
// objects ({"item":1,"view_mode":"full"}); it avoids reflection-based
// decoding in the guest. Unknown keys and nested values are skipped.
type reader struct {
	b []byte
	i int
}

func (r *reader) ws() {
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

// object reads an object, calling field for each key with the reader at
// the value; field must consume the value.
func (r *reader) object(field func(key string) error) error {
	if err := r.expect('{'); err != nil {
		return err
	}
	if r.peek() == '}' {
		r.i++
		return nil
	}
	for {
		key, err := r.string()
		if err != nil {
			return err
		}
		if err := r.expect(':'); err != nil {
			return err
		}
		if err := field(key); err != nil {
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

// end checks that only white space follows.
func (r *reader) end() error {
	if r.peek() != 0 {
		return errSyntax
	}
	return nil
}

// string reads a JSON string, decoding escapes.
func (r *reader) string() (string, error) {
	if r.peek() != '"' {
		return "", errSyntax
	}
	r.i++
	start := r.i
	for r.i < len(r.b) {
		c := r.b[r.i]
		if c == '"' {
			s := string(r.b[start:r.i])
			r.i++
			return s, nil
		}
		if c == '\\' {
			return r.escaped(start)
		}
		if c < 0x20 {
			return "", errSyntax
		}
		r.i++
	}
	return "", errSyntax
}

// escaped finishes a string that contains escapes, starting at start.
func (r *reader) escaped(start int) (string, error) {
	out := append([]byte(nil), r.b[start:r.i]...)
	for r.i < len(r.b) {
		c := r.b[r.i]
		switch {
		case c == '"':
			r.i++
			return string(out), nil
		case c < 0x20:
			return "", errSyntax
		case c != '\\':
			out = append(out, c)
			r.i++
			continue
		}
		if r.i+1 >= len(r.b) {
			return "", errSyntax
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
				return "", errSyntax
			}
			if utf16.IsSurrogate(rn) {
				rn = r.lowSurrogate(rn)
			}
			out = utf8.AppendRune(out, rn)
		default:
			return "", errSyntax
		}
	}
	return "", errSyntax
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
	for r.i < len(r.b) && r.b[r.i] >= '0' && r.b[r.i] <= '9' {
		r.i++
	}
	v, err := strconv.ParseUint(string(r.b[start:r.i]), 10, 32)
	if err != nil {
		return 0, errSyntax
	}
	return uint32(v), nil
}

// skip consumes any JSON value.
func (r *reader) skip() error {
	switch c := r.peek(); {
	case c == '"':
		_, err := r.string()
		return err
	case c == '{':
		return r.object(func(string) error { return r.skip() })
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

func isNumberByte(c byte) bool {
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}
