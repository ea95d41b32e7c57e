package plugin

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/trovato/trovato/app/form"
)

// The binary form layout of tap_form_alter, the host's half; the layout is
// specified in plugins/sdk/formwire.go, which holds the guest's half, and
// TestFormWireGolden pins both to the same bytes. JSON would be simpler,
// but decoding and encoding a 50-element form as JSON inside the guest
// costs most of a millisecond (BenchmarkFormAlter50Elements3Plugins).

// formMagic starts an encoded form.
const formMagic = "TFW1"

// Form and element field tags (see plugins/sdk/formwire.go).
const (
	wireFormID       = 1
	wireFormElements = 2
)

const (
	wireKey = iota + 1
	wireType
	wireLabel
	wireDescription
	wirePlaceholder
	wireRequired
	wireDisabled
	wireNoAccess
	wireWeight
	wireValue
	wireValues
	wireMultiple
	wireMin
	wireMax
	wireStep
	wireMaxLength
	wireRows
	wireOptions
	wireAttributes
	wireMarkup
	wireOpen
	wireOp
	wireWrapper
	wireAutocompletePath
	wireError
	wireChildren
)

// errWire reports a malformed encoded form.
var errWire = errors.New("malformed form encoding")

// maxFormDepth bounds element nesting in a decoded form.
const maxFormDepth = 32

// encodeFormWire encodes a form's id and elements.
func encodeFormWire(id string, els []*form.Element) []byte {
	b := make([]byte, 0, 4096)
	b = append(b, formMagic...)
	b = wireStr(b, wireFormID, id, true)
	b, mark := wireBegin(b, wireFormElements)
	b = wireElements(b, els)
	return wireEnd(b, mark)
}

func wireU32(b []byte, n int) []byte {
	return append(b, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
}

func wireStr(b []byte, tag byte, s string, always bool) []byte {
	if s == "" && !always {
		return b
	}
	b = append(b, tag)
	b = wireU32(b, len(s))
	return append(b, s...)
}

func wireBool(b []byte, tag byte, v bool) []byte {
	if !v {
		return b
	}
	return append(b, tag, 1, 0, 0, 0, 1)
}

func wireU64(b []byte, tag byte, v uint64) []byte {
	return append(b, tag, 8, 0, 0, 0,
		byte(v), byte(v>>8), byte(v>>16), byte(v>>24), byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56))
}

func wireInt(b []byte, tag byte, n int) []byte {
	if n == 0 {
		return b
	}
	return wireU64(b, tag, uint64(int64(n)))
}

func wireFloat(b []byte, tag byte, v *float64) []byte {
	if v == nil {
		return b
	}
	return wireU64(b, tag, math.Float64bits(*v))
}

func wireBegin(b []byte, tag byte) ([]byte, int) {
	b = append(b, tag, 0, 0, 0, 0)
	return b, len(b)
}

func wireEnd(b []byte, mark int) []byte {
	n := len(b) - mark
	b[mark-4], b[mark-3], b[mark-2], b[mark-1] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
	return b
}

func wireElements(b []byte, els []*form.Element) []byte {
	for _, e := range els {
		if e != nil {
			b = wireElement(b, e)
		}
	}
	return b
}

func wireElement(b []byte, e *form.Element) []byte {
	b = wireStr(b, wireKey, e.Key, false)
	b = wireStr(b, wireType, e.Type, false)
	b = wireStr(b, wireLabel, e.Label, false)
	b = wireStr(b, wireDescription, e.Description, false)
	b = wireStr(b, wirePlaceholder, e.Placeholder, false)
	b = wireBool(b, wireRequired, e.Required)
	b = wireBool(b, wireDisabled, e.Disabled)
	b = wireBool(b, wireNoAccess, e.NoAccess)
	b = wireInt(b, wireWeight, e.Weight)
	b = wireStr(b, wireValue, e.Value, false)
	if len(e.Values) > 0 {
		var mark int
		b, mark = wireBegin(b, wireValues)
		for _, s := range e.Values {
			b = wireU32(b, len(s))
			b = append(b, s...)
		}
		b = wireEnd(b, mark)
	}
	b = wireBool(b, wireMultiple, e.Multiple)
	b = wireFloat(b, wireMin, e.Min)
	b = wireFloat(b, wireMax, e.Max)
	b = wireStr(b, wireStep, e.Step, false)
	b = wireInt(b, wireMaxLength, e.MaxLength)
	b = wireInt(b, wireRows, e.Rows)
	if len(e.Options) > 0 {
		var mark int
		b, mark = wireBegin(b, wireOptions)
		for _, o := range e.Options {
			b = wireU32(b, len(o.Value))
			b = append(b, o.Value...)
			b = wireU32(b, len(o.Label))
			b = append(b, o.Label...)
		}
		b = wireEnd(b, mark)
	}
	if len(e.Attributes) > 0 {
		var mark int
		b, mark = wireBegin(b, wireAttributes)
		for k, v := range e.Attributes {
			b = wireU32(b, len(k))
			b = append(b, k...)
			b = wireU32(b, len(v))
			b = append(b, v...)
		}
		b = wireEnd(b, mark)
	}
	b = wireStr(b, wireMarkup, e.Markup, false)
	b = wireBool(b, wireOpen, e.Open)
	b = wireStr(b, wireOp, e.Op, false)
	b = wireStr(b, wireWrapper, e.Wrapper, false)
	b = wireStr(b, wireAutocompletePath, e.AutocompletePath, false)
	b = wireStr(b, wireError, e.Error, false)
	if len(e.Children) > 0 {
		var mark int
		b, mark = wireBegin(b, wireChildren)
		b = wireElements(b, e.Children)
		b = wireEnd(b, mark)
	}
	return append(b, 0)
}

// isFormWire reports whether a tap output is an encoded form rather than
// an envelope.
func isFormWire(out []byte) bool { return bytes.HasPrefix(out, []byte(formMagic)) }

// decodeFormWire decodes a form a guest returned. Unknown tags are ignored
// (the host owns the element shape); strings that are not UTF-8 are
// repaired; nesting deeper than maxFormDepth is refused.
func decodeFormWire(b []byte) (id string, els []*form.Element, err error) {
	if !isFormWire(b) {
		return "", nil, errWire
	}
	els = []*form.Element{}
	for i := len(formMagic); i < len(b); {
		tag, v, next, err := wireField(b, i)
		if err != nil {
			return "", nil, err
		}
		switch tag {
		case wireFormID:
			id = wireString(v)
		case wireFormElements:
			if els, err = readWireElements(v, 0); err != nil {
				return "", nil, err
			}
		}
		i = next
	}
	return id, els, nil
}

// wireField reads the field at b[i:].
func wireField(b []byte, i int) (tag byte, v []byte, next int, err error) {
	if i+5 > len(b) {
		return 0, nil, 0, errWire
	}
	tag, n := b[i], uint64(le32(b[i+1:]))
	start := i + 5
	if n > uint64(len(b)-start) {
		return 0, nil, 0, errWire
	}
	end := start + int(n)
	return tag, b[start:end], end, nil
}

func le32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

func le64(b []byte) uint64 {
	return uint64(le32(b)) | uint64(le32(b[4:]))<<32
}

// wireString copies a string payload, repairing invalid UTF-8.
func wireString(v []byte) string {
	if utf8.Valid(v) {
		return string(v)
	}
	return strings.ToValidUTF8(string(v), "\uFFFD")
}

func readWireElements(b []byte, depth int) ([]*form.Element, error) {
	if depth > maxFormDepth {
		return nil, errors.New("form nested too deeply")
	}
	var out []*form.Element
	for i := 0; i < len(b); {
		e := &form.Element{}
		var err error
		if i, err = readWireElement(b, i, e, depth); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func readWireElement(b []byte, i int, e *form.Element, depth int) (int, error) {
	for {
		if i >= len(b) {
			return 0, errWire
		}
		if b[i] == 0 {
			return i + 1, nil
		}
		tag, v, next, err := wireField(b, i)
		if err != nil {
			return 0, err
		}
		flag := len(v) > 0 && v[0] != 0
		switch tag {
		case wireKey:
			e.Key = wireString(v)
		case wireType:
			e.Type = wireString(v)
		case wireLabel:
			e.Label = wireString(v)
		case wireDescription:
			e.Description = wireString(v)
		case wirePlaceholder:
			e.Placeholder = wireString(v)
		case wireRequired:
			e.Required = flag
		case wireDisabled:
			e.Disabled = flag
		case wireNoAccess:
			e.NoAccess = flag
		case wireMultiple:
			e.Multiple = flag
		case wireOpen:
			e.Open = flag
		case wireWeight, wireMaxLength, wireRows, wireMin, wireMax:
			if len(v) != 8 {
				return 0, errWire
			}
			u := le64(v)
			switch tag {
			case wireWeight:
				e.Weight = int(int64(u))
			case wireMaxLength:
				e.MaxLength = int(int64(u))
			case wireRows:
				e.Rows = int(int64(u))
			case wireMin:
				x := math.Float64frombits(u)
				e.Min = &x
			case wireMax:
				x := math.Float64frombits(u)
				e.Max = &x
			}
		case wireValue:
			e.Value = wireString(v)
		case wireValues:
			e.Values, err = readWireStrings(v)
		case wireStep:
			e.Step = wireString(v)
		case wireOptions:
			var ss []string
			if ss, err = readWireStrings(v); err == nil && len(ss)%2 != 0 {
				err = errWire
			}
			for j := 0; err == nil && j < len(ss); j += 2 {
				e.Options = append(e.Options, form.Option{Value: ss[j], Label: ss[j+1]})
			}
		case wireAttributes:
			var ss []string
			if ss, err = readWireStrings(v); err == nil && len(ss)%2 != 0 {
				err = errWire
			}
			if err == nil && len(ss) > 0 {
				e.Attributes = make(map[string]string, len(ss)/2)
				for j := 0; j < len(ss); j += 2 {
					e.Attributes[ss[j]] = ss[j+1]
				}
			}
		case wireMarkup:
			e.Markup = wireString(v)
		case wireOp:
			e.Op = wireString(v)
		case wireWrapper:
			e.Wrapper = wireString(v)
		case wireAutocompletePath:
			e.AutocompletePath = wireString(v)
		case wireError:
			e.Error = wireString(v)
		case wireChildren:
			e.Children, err = readWireElements(v, depth+1)
		}
		if err != nil {
			return 0, err
		}
		i = next
	}
}

// readWireStrings decodes a (len:u32 bytes)* list.
func readWireStrings(b []byte) ([]string, error) {
	var out []string
	for i := 0; i < len(b); {
		if i+4 > len(b) {
			return nil, errWire
		}
		n := uint64(le32(b[i:]))
		if n > uint64(len(b)-i-4) {
			return nil, errWire
		}
		out = append(out, wireString(b[i+4:i+4+int(n)]))
		i += 4 + int(n)
	}
	return out, nil
}
