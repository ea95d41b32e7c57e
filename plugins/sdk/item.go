package sdk

// Item is the read-only view of a content item a tap receives. In a plugin
// it is backed by a handle and every method asks the host; in native unit
// tests use FakeItem. Missing values read as "" or 0.
type Item interface {
	// ID is the item's UUID.
	ID() string
	// Type is the item type's machine name, e.g. "page".
	Type() string
	// Title is the item's title.
	Title() string
	// FieldText is the "value" property of the first delta of field name.
	FieldText(name string) string
	// FieldTextAt is property prop of delta number delta of field name,
	// as text (numbers and booleans are formatted, objects as JSON).
	FieldTextAt(name string, delta int, prop string) string
	// FieldCount is the number of deltas field name holds.
	FieldCount(name string) int
	// FieldJSON is field name as a JSON list of deltas ("[]" when empty),
	// for the rare case the typed accessors do not cover.
	FieldJSON(name string) []byte
}

// ItemType is a content type a plugin defines in tap_item_info.
type ItemType struct {
	Type        string  // machine name, e.g. "page"
	Label       string  // human name, e.g. "Basic page"
	Description string  // shown when choosing what to create
	TitleLabel  string  // label of the title input; "" means "Title"
	Fields      []Field // field definitions, in display order
	// Settings are type settings the kernel passes through unchanged. Values
	// may be nil, strings, booleans, numbers, []any, []string,
	// map[string]any and map[string]string.
	Settings map[string]any
}

// Field defines one field of an ItemType.
type Field struct {
	Name        string // machine name, e.g. "field_subtitle"
	Type        string // field type, e.g. "text"
	Label       string // human name
	Required    bool   // an editor must fill it in
	Cardinality int    // number of values allowed; -1 for unlimited
	Description string // help text shown with the field's input
	// Settings are field-type settings (e.g. {"max_length": 255}), passed
	// through unchanged; the value types are those of ItemType.Settings.
	Settings map[string]any
}
