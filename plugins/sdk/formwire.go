package sdk

import (
	"bytes"
	"errors"
	"math"
	"unsafe"
)

// Forms cross the boundary in a small binary layout rather than JSON: in
// the guest, with the host's deadline checks compiled in, Go pays dearly
// for every function call and loop iteration, and JSON needs several per
// byte of a string (escape scanning) and per member (key matching). A
// 6 KB form decoded and re-encoded as JSON by hand-written code cost
// ~0.75 ms in the guest; this layout moves strings with one copy each.
//
// Layout (all integers little-endian):
//
//	form     = "TFW1" field*                           form tags: 1 id, 2 elements
//	field    = tag:u8 len:u32 payload[len]             tag 0 is never a field
//	element  = field* 0x00                             element tags below
//	elements = element*                                payload of "elements" and "children"
//
// Payloads: strings as UTF-8 bytes; bools as one byte 0 or 1; integers as
// i64; floats as IEEE-754 f64 bits; string lists as (len:u32 bytes)*;
// options as (len:u32 value len:u32 label)*; attributes as
// (len:u32 name len:u32 value)*. Empty values are left out. A reader keeps
// the fields whose tag it does not know and writes them back unchanged, so
// a newer kernel's element members survive an older plugin.

// formMagic starts an encoded form.
const formMagic = "TFW1"

// Form field tags.
const (
	wireFormID       = 1
	wireFormElements = 2
)

// Element field tags, in the order of form.Element's members.
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

// le32 and le64 read little-endian integers; the caller checks bounds.
func le32(b []byte, i int) uint32 {
	b = b[i : i+4]
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

func le64(b []byte) uint64 {
	b = b[:8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// wireField reads the field at b[i:]: its tag, payload and the index after it.
func wireField(b []byte, i int) (tag byte, v []byte, next int, err error) {
	if i+5 > len(b) {
		return 0, nil, 0, errWire
	}
	tag, n := b[i], le32(b, i+1)
	start := i + 5
	if uint64(n) > uint64(len(b)-start) {
		return 0, nil, 0, errWire
	}
	end := start + int(n)
	return tag, b[start:end], end, nil
}

// owned views b, which belongs to a private copy of the input that is never
// modified, as a string without copying it.
func owned(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// readFormWire decodes an encoded form. It copies the input once and lets
// every string point into the copy; elements are allocated elemChunk at a
// time.
func readFormWire(in []byte) (*Form, error) {
	if !bytes.HasPrefix(in, []byte(formMagic)) {
		return nil, errWire
	}
	b := bytes.Clone(in)
	f := &Form{}
	var chunk []FormElement
	for i := len(formMagic); i < len(b); {
		tag, v, next, err := wireField(b, i)
		if err != nil {
			return nil, err
		}
		switch tag {
		case wireFormID:
			f.ID = owned(v)
		case wireFormElements:
			if f.Elements, err = readElementsWire(v, &chunk); err != nil {
				return nil, err
			}
		default:
			f.extra = append(f.extra, b[i:next]...)
		}
		i = next
	}
	return f, nil
}

// readFormIDWire reads only the id of an encoded form.
func readFormIDWire(in []byte) (string, error) {
	if !bytes.HasPrefix(in, []byte(formMagic)) {
		return "", errWire
	}
	for i := len(formMagic); i < len(in); {
		tag, v, next, err := wireField(in, i)
		if err != nil {
			return "", err
		}
		if tag == wireFormID {
			return string(v), nil
		}
		i = next
	}
	return "", nil
}

// elemChunk is how many elements are allocated at a time.
const elemChunk = 16

// readElementsWire decodes a list of elements.
func readElementsWire(b []byte, chunk *[]FormElement) ([]*FormElement, error) {
	out := make([]*FormElement, 0, 8)
	for i := 0; i < len(b); {
		if len(*chunk) == 0 {
			*chunk = make([]FormElement, elemChunk)
		}
		e := &(*chunk)[0]
		*chunk = (*chunk)[1:]
		var err error
		if i, err = readElementWire(b, i, e, chunk); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// readElementWire decodes the element at b[i:] into e and returns the index
// after its end marker.
func readElementWire(b []byte, i int, e *FormElement, chunk *[]FormElement) (int, error) {
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
		switch tag {
		case wireKey:
			e.Key = owned(v)
		case wireType:
			e.Type = formType(v)
		case wireLabel:
			e.Label = owned(v)
		case wireDescription:
			e.Description = owned(v)
		case wirePlaceholder:
			e.Placeholder = owned(v)
		case wireRequired:
			e.Required = len(v) > 0 && v[0] != 0
		case wireDisabled:
			e.Disabled = len(v) > 0 && v[0] != 0
		case wireNoAccess:
			e.NoAccess = len(v) > 0 && v[0] != 0
		case wireWeight, wireMaxLength, wireRows:
			if len(v) != 8 {
				return 0, errWire
			}
			n := int(int64(le64(v)))
			switch tag {
			case wireWeight:
				e.Weight = n
			case wireMaxLength:
				e.MaxLength = n
			default:
				e.Rows = n
			}
		case wireValue:
			e.Value = owned(v)
		case wireValues:
			e.Values, err = readStringsWire(v)
		case wireMultiple:
			e.Multiple = len(v) > 0 && v[0] != 0
		case wireMin, wireMax:
			if len(v) != 8 {
				return 0, errWire
			}
			x := math.Float64frombits(le64(v))
			if tag == wireMin {
				e.Min = &x
			} else {
				e.Max = &x
			}
		case wireStep:
			e.Step = owned(v)
		case wireOptions:
			var ss []string
			if ss, err = readStringsWire(v); err == nil {
				if len(ss)%2 != 0 {
					return 0, errWire
				}
				e.Options = make([]FormOption, len(ss)/2)
				for j := range e.Options {
					e.Options[j] = FormOption{Value: ss[2*j], Label: ss[2*j+1]}
				}
			}
		case wireAttributes:
			var ss []string
			if ss, err = readStringsWire(v); err == nil {
				if len(ss)%2 != 0 {
					return 0, errWire
				}
				e.Attributes = make(map[string]string, len(ss)/2)
				for j := 0; j < len(ss); j += 2 {
					e.Attributes[ss[j]] = ss[j+1]
				}
			}
		case wireMarkup:
			e.Markup = owned(v)
		case wireOpen:
			e.Open = len(v) > 0 && v[0] != 0
		case wireOp:
			e.Op = owned(v)
		case wireWrapper:
			e.Wrapper = owned(v)
		case wireAutocompletePath:
			e.AutocompletePath = owned(v)
		case wireError:
			e.Error = owned(v)
		case wireChildren:
			e.Children, err = readElementsWire(v, chunk)
		default:
			e.extra = append(e.extra, b[i:next]...)
		}
		if err != nil {
			return 0, err
		}
		i = next
	}
}

// readStringsWire decodes a (len:u32 bytes)* list.
func readStringsWire(b []byte) ([]string, error) {
	n := 0
	for i := 0; i < len(b); n++ {
		if i+4 > len(b) {
			return nil, errWire
		}
		l := le32(b, i)
		if uint64(l) > uint64(len(b)-i-4) {
			return nil, errWire
		}
		i += 4 + int(l)
	}
	out := make([]string, n)
	for i, j := 0, 0; i < len(b); j++ {
		l := int(le32(b, i))
		out[j] = owned(b[i+4 : i+4+l])
		i += 4 + l
	}
	return out, nil
}

// appendU32 appends n little-endian.
func appendU32(b []byte, n int) []byte {
	return append(b, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
}

// putU32 writes n little-endian at b[i:].
func putU32(b []byte, i, n int) {
	b[i], b[i+1], b[i+2], b[i+3] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
}

// appendStrField appends a string field unless s is empty.
func appendStrField(b []byte, tag byte, s string) []byte {
	if s == "" {
		return b
	}
	b = append(b, tag)
	b = appendU32(b, len(s))
	return append(b, s...)
}

// appendBoolField appends a bool field when v is set.
func appendBoolField(b []byte, tag byte, v bool) []byte {
	if !v {
		return b
	}
	return append(b, tag, 1, 0, 0, 0, 1)
}

// appendU64Field appends an 8-byte field.
func appendU64Field(b []byte, tag byte, v uint64) []byte {
	return append(b, tag, 8, 0, 0, 0,
		byte(v), byte(v>>8), byte(v>>16), byte(v>>24), byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56))
}

// appendIntField appends an integer field unless n is 0.
func appendIntField(b []byte, tag byte, n int) []byte {
	if n == 0 {
		return b
	}
	return appendU64Field(b, tag, uint64(int64(n)))
}

// appendFloatField appends a float field unless v is nil.
func appendFloatField(b []byte, tag byte, v *float64) []byte {
	if v == nil {
		return b
	}
	return appendU64Field(b, tag, math.Float64bits(*v))
}

// beginField appends a field header whose length endField fills in.
func beginField(b []byte, tag byte) ([]byte, int) {
	b = append(b, tag, 0, 0, 0, 0)
	return b, len(b)
}

// endField completes the field begun at mark.
func endField(b []byte, mark int) []byte {
	putU32(b, mark-4, len(b)-mark)
	return b
}

// appendFormWire appends f in the binary layout.
func appendFormWire(b []byte, f *Form) []byte {
	b = append(b, formMagic...)
	b = append(b, wireFormID)
	b = appendU32(b, len(f.ID))
	b = append(b, f.ID...)
	b, mark := beginField(b, wireFormElements)
	b = appendElementsWire(b, f.Elements)
	b = endField(b, mark)
	return append(b, f.extra...)
}

// appendElementsWire appends a list of elements, leaving out nil ones.
func appendElementsWire(b []byte, els []*FormElement) []byte {
	for _, e := range els {
		if e != nil {
			b = appendElementWire(b, e)
		}
	}
	return b
}

// appendElementWire appends one element and its end marker.
func appendElementWire(b []byte, e *FormElement) []byte {
	b = appendStrField(b, wireKey, e.Key)
	b = appendStrField(b, wireType, e.Type)
	b = appendStrField(b, wireLabel, e.Label)
	b = appendStrField(b, wireDescription, e.Description)
	b = appendStrField(b, wirePlaceholder, e.Placeholder)
	b = appendBoolField(b, wireRequired, e.Required)
	b = appendBoolField(b, wireDisabled, e.Disabled)
	b = appendBoolField(b, wireNoAccess, e.NoAccess)
	b = appendIntField(b, wireWeight, e.Weight)
	b = appendStrField(b, wireValue, e.Value)
	if len(e.Values) > 0 {
		var mark int
		b, mark = beginField(b, wireValues)
		for _, s := range e.Values {
			b = appendU32(b, len(s))
			b = append(b, s...)
		}
		b = endField(b, mark)
	}
	b = appendBoolField(b, wireMultiple, e.Multiple)
	b = appendFloatField(b, wireMin, e.Min)
	b = appendFloatField(b, wireMax, e.Max)
	b = appendStrField(b, wireStep, e.Step)
	b = appendIntField(b, wireMaxLength, e.MaxLength)
	b = appendIntField(b, wireRows, e.Rows)
	if len(e.Options) > 0 {
		var mark int
		b, mark = beginField(b, wireOptions)
		for _, o := range e.Options {
			b = appendU32(b, len(o.Value))
			b = append(b, o.Value...)
			b = appendU32(b, len(o.Label))
			b = append(b, o.Label...)
		}
		b = endField(b, mark)
	}
	if len(e.Attributes) > 0 {
		var mark int
		b, mark = beginField(b, wireAttributes)
		for k, v := range e.Attributes { // order does not matter: the host builds a map
			b = appendU32(b, len(k))
			b = append(b, k...)
			b = appendU32(b, len(v))
			b = append(b, v...)
		}
		b = endField(b, mark)
	}
	b = appendStrField(b, wireMarkup, e.Markup)
	b = appendBoolField(b, wireOpen, e.Open)
	b = appendStrField(b, wireOp, e.Op)
	b = appendStrField(b, wireWrapper, e.Wrapper)
	b = appendStrField(b, wireAutocompletePath, e.AutocompletePath)
	b = appendStrField(b, wireError, e.Error)
	if len(e.Children) > 0 {
		var mark int
		b, mark = beginField(b, wireChildren)
		b = appendElementsWire(b, e.Children)
		b = endField(b, mark)
	}
	b = append(b, e.extra...)
	return append(b, 0)
}
