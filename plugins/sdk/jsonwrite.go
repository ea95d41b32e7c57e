package sdk

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"unicode/utf8"
)

// The guest serializes with this small append-based writer rather than
// encoding/json: reflection-based encoding costs tens of microseconds per
// element tree in wasm, which would dominate a handle-based tap.

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. It escapes quotes, backslashes,
// control characters, <, >, & and U+2028/U+2029 like encoding/json, and
// replaces invalid UTF-8 with U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		var m uint64
		if i+8 <= len(s) {
			m = escapeMask(load8(s, i))
		} else {
			m = escapeMask(loadTail(s, i))
		}
		if m == 0 {
			i += 8
			continue
		}
		i += firstFlagged(m)
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			start = i + size
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			start = i + size
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendElement appends e as JSON; the zero Element is null. "type" always
// comes first, so every other key is written with its leading comma.
func appendElement(b []byte, e *Element) []byte {
	if e.Type == "" {
		return append(b, "null"...)
	}
	b = append(b, `{"type":`...)
	b = appendString(b, e.Type)
	if len(e.Attributes) > 0 {
		b = append(b, `,"attributes":`...)
		b = appendStringMap(b, e.Attributes)
	}
	if len(e.Classes) > 0 {
		b = append(b, `,"classes":[`...)
		for i, c := range e.Classes {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, c)
		}
		b = append(b, ']')
	}
	if e.Text != "" {
		b = append(b, `,"text":`...)
		b = appendString(b, e.Text)
	}
	if e.Format != "" {
		b = append(b, `,"format":`...)
		b = appendString(b, e.Format)
	}
	if e.Level != 0 {
		b = append(b, `,"level":`...)
		b = strconv.AppendInt(b, int64(e.Level), 10)
	}
	if e.Href != "" {
		b = append(b, `,"href":`...)
		b = appendString(b, e.Href)
	}
	if e.Label != "" {
		b = append(b, `,"label":`...)
		b = appendString(b, e.Label)
	}
	if len(e.Children) > 0 {
		b = append(b, `,"children":[`...)
		n := 0
		for i := range e.Children {
			if e.Children[i].Type == "" {
				continue // a zero child is "nothing", not null inside a list
			}
			if n > 0 {
				b = append(b, ',')
			}
			b = appendElement(b, &e.Children[i])
			n++
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendStringMap appends m as a JSON object with sorted keys, so output is
// deterministic.
func appendStringMap(b []byte, m map[string]string) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendString(b, m[k])
	}
	return append(b, '}')
}

// appendItemTypes appends the tap_item_info result.
func appendItemTypes(b []byte, types []ItemType) (_ []byte, err error) {
	b = append(b, '[')
	for i := range types {
		t := &types[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"type":`...)
		b = appendString(b, t.Type)
		b = append(b, `,"label":`...)
		b = appendString(b, t.Label)
		b = append(b, `,"description":`...)
		b = appendString(b, t.Description)
		b = append(b, `,"title_label":`...)
		b = appendString(b, t.TitleLabel)
		b = append(b, `,"fields":[`...)
		for j := range t.Fields {
			f := &t.Fields[j]
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"name":`...)
			b = appendString(b, f.Name)
			b = append(b, `,"type":`...)
			b = appendString(b, f.Type)
			b = append(b, `,"label":`...)
			b = appendString(b, f.Label)
			b = append(b, `,"required":`...)
			b = strconv.AppendBool(b, f.Required)
			b = append(b, `,"cardinality":`...)
			b = strconv.AppendInt(b, int64(f.Cardinality), 10)
			b = appendMember(b, `,"description":`, f.Description)
			if len(f.Settings) > 0 {
				b = append(b, `,"settings":`...)
				if b, err = appendAny(b, f.Settings); err != nil {
					return nil, fmt.Errorf("item type %s, field %s: %w", t.Type, f.Name, err)
				}
			}
			b = append(b, '}')
		}
		b = append(b, ']')
		if len(t.Settings) > 0 {
			b = append(b, `,"settings":`...)
			if b, err = appendAny(b, t.Settings); err != nil {
				return nil, fmt.Errorf("item type %s: %w", t.Type, err)
			}
		}
		b = append(b, '}')
	}
	return append(b, ']'), nil
}

// appendAny appends a settings value as JSON. Without reflection it knows
// the types JSON decodes to, plus the common typed slices and maps and Go's
// integer types; any other type is an error.
func appendAny(b []byte, v any) ([]byte, error) {
	var err error
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, v), nil
	case bool:
		return strconv.AppendBool(b, v), nil
	case int:
		return strconv.AppendInt(b, int64(v), 10), nil
	case int32:
		return strconv.AppendInt(b, int64(v), 10), nil
	case int64:
		return strconv.AppendInt(b, v, 10), nil
	case uint:
		return strconv.AppendUint(b, uint64(v), 10), nil
	case uint32:
		return strconv.AppendUint(b, uint64(v), 10), nil
	case uint64:
		return strconv.AppendUint(b, v, 10), nil
	case float32:
		return appendNumber(b, float64(v))
	case float64:
		return appendNumber(b, v)
	case []string:
		return appendStrings(b, v), nil
	case map[string]string:
		return appendStringMap(b, v), nil
	case []any:
		b = append(b, '[')
		for i, x := range v {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendAny(b, x); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			if b, err = appendAny(b, v[k]); err != nil {
				return nil, fmt.Errorf("setting %q: %w", k, err)
			}
		}
		return append(b, '}'), nil
	}
	return nil, fmt.Errorf("settings value of type %T is not supported", v)
}

// appendNumber appends a finite float as a JSON number.
func appendNumber(b []byte, v float64) ([]byte, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil, fmt.Errorf("settings value %v is not a JSON number", v)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64), nil
}

// appendError appends an error envelope for err.
func appendError(b []byte, err error) []byte {
	code, msg := codeOf(err)
	b = append(b, `{"error":{"code":`...)
	b = appendString(b, string(code))
	b = append(b, `,"message":`...)
	b = appendString(b, msg)
	return append(b, '}', '}')
}
