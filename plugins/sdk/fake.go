//go:build !wasip1

package sdk

import (
	"encoding/json"
	"strconv"
)

// FakeItem is an in-memory Item for native unit tests of plugin code. Its
// Fields have the kernel's shape: a list of deltas per field name, each a
// map of properties ({"field_subtitle": {{"value": "…"}}}).
type FakeItem struct {
	ItemID    string
	ItemType  string
	ItemTitle string
	Fields    map[string][]map[string]any
}

var _ Item = FakeItem{}

// ID returns ItemID.
func (f FakeItem) ID() string { return f.ItemID }

// Type returns ItemType.
func (f FakeItem) Type() string { return f.ItemType }

// Title returns ItemTitle.
func (f FakeItem) Title() string { return f.ItemTitle }

// FieldText is the "value" property of the first delta of field name.
func (f FakeItem) FieldText(name string) string { return f.FieldTextAt(name, 0, "value") }

// FieldTextAt formats property prop of delta delta of field name the way
// the host does.
func (f FakeItem) FieldTextAt(name string, delta int, prop string) string {
	deltas := f.Fields[name]
	if delta < 0 || delta >= len(deltas) {
		return ""
	}
	switch v := deltas[delta][prop].(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case int:
		return strconv.Itoa(v)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(b)
	}
}

// FieldCount is the number of deltas of field name.
func (f FakeItem) FieldCount(name string) int { return len(f.Fields[name]) }

// FieldJSON is field name as a JSON list of deltas.
func (f FakeItem) FieldJSON(name string) []byte {
	deltas := f.Fields[name]
	if len(deltas) == 0 {
		return []byte("[]")
	}
	b, err := json.Marshal(deltas)
	if err != nil {
		return []byte("[]")
	}
	return b
}
