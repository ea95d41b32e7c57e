// Package field is the field type registry: the kinds of field a site
// builder can add to a content type, and for each kind its storage shape in
// the item's JSONB field document, its widget (Form API elements), its
// validation, its settings, its formatter (render elements) and a one-line
// plain-text rendering used by revision diffs.
//
// Field values live in item.fields keyed by field name; every field holds a
// list of deltas and every delta is an object of properties
// ({"field_links":[{"uri":"https://x","title":"X"}]}), so changing a field's
// cardinality never needs a data migration.
//
// A field type is any value implementing Type. The built-in types are
// registered by NewRegistry; types that need other parts of the system
// (category term references, files) are built by the package that owns those
// parts, closing over what they need, and added with Registry.Register.
// There is no init() self-registration and no global registry.
//
// Every Normalize is idempotent: a canonical delta normalizes to itself, so
// values can be re-validated on every save whatever their origin (a form, the
// JSON API, a plugin, or storage).
package field

import (
	"context"
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/render"
)

// Names of the built-in field types.
const (
	TypeText          = "text"
	TypeTextLong      = "text_long"
	TypeInteger       = "integer"
	TypeDecimal       = "decimal"
	TypeBoolean       = "boolean"
	TypeDate          = "date"
	TypeDateTime      = "datetime"
	TypeEmail         = "email"
	TypeLink          = "link"
	TypeList          = "list"
	TypeItemReference = "item_reference"
)

// Def is one field on a content type, stored in order inside the
// item_type.settings JSON.
type Def struct {
	Name        string           `json:"name"` // field_… machine name, see MachineName
	Type        string           `json:"type"` // registry name, e.g. "text"
	Label       string           `json:"label"`
	Description string           `json:"description,omitempty"` // help text shown under the widget
	Required    bool             `json:"required,omitempty"`
	Cardinality int              `json:"cardinality,omitempty"` // 0 or 1: single; N>1: at most N; -1: unlimited
	Settings    map[string]any   `json:"settings,omitempty"`
	Default     []map[string]any `json:"default,omitempty"` // default deltas for new items
	Locked      bool             `json:"locked,omitempty"`  // defined by plugin code: cannot be deleted in the UI
	Weight      int              `json:"weight,omitempty"`
}

// Unlimited is the Cardinality (and MaxValues) of a field that takes any
// number of values.
const Unlimited = -1

// MaxDeltas bounds the number of deltas any field accepts, unlimited fields
// included, so one request cannot make validation do unbounded work (each
// item reference is a lookup).
const MaxDeltas = 500

// MaxValues is the number of values the field takes: 1 for cardinality 0 or
// 1, N for N > 1, and Unlimited (-1) for unlimited fields.
func (d Def) MaxValues() int {
	switch {
	case d.Cardinality < 0:
		return Unlimited
	case d.Cardinality == 0:
		return 1
	}
	return d.Cardinality
}

// DisplayLabel is the label shown to users, falling back to the machine
// name for definitions without one.
func (d Def) DisplayLabel() string {
	if d.Label != "" {
		return d.Label
	}
	return d.Name
}

// Setting returns the raw value of a setting, or nil when it is not set.
// Settings read back from JSON hold float64 numbers and []any lists; the
// typed helpers below accept those as well as Go-built values.
func (d Def) Setting(name string) any { return d.Settings[name] }

// SettingString returns a string setting, or fallback when it is not set
// or not a string.
func (d Def) SettingString(name, fallback string) string {
	if s, ok := d.Settings[name].(string); ok {
		return s
	}
	return fallback
}

// SettingInt returns a whole-number setting, or fallback when it is not set
// or not a whole number.
func (d Def) SettingInt(name string, fallback int) int {
	if n, ok := d.SettingInt64(name); ok && n >= math.MinInt32 && n <= math.MaxInt32 {
		return int(n)
	}
	return fallback
}

// SettingInt64 returns an optional whole-number setting and whether it is set.
func (d Def) SettingInt64(name string) (int64, bool) {
	n, err := toInt64(d.Settings[name])
	if err != nil || d.Settings[name] == nil {
		return 0, false
	}
	return n, true
}

// SettingStrings returns a list-of-strings setting; a single string is read
// as a comma-separated list. Blank entries are skipped.
func (d Def) SettingStrings(name string) []string {
	var raw []string
	switch v := d.Settings[name].(type) {
	case []string:
		raw = v
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok {
				raw = append(raw, s)
			}
		}
	case string:
		raw = strings.Split(v, ",")
	}
	var out []string
	for _, s := range raw {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Env gives field types what they need from the rest of the system without
// importing it. The item package implements it over its store.
type Env interface {
	// ItemType reports whether an item with id exists and, if so, its type
	// (for item_reference validation). err is for failures of the lookup
	// itself, never for a missing item.
	ItemType(ctx context.Context, id uuid.UUID) (typ string, ok bool, err error)
}

// Type is a kind of field. Implementations must be safe for concurrent use;
// the built-in ones are stateless.
type Type interface {
	// Name is the registry name stored in Def.Type, e.g. "text".
	Name() string
	// Label is the name shown to site builders, e.g. "Text (plain)".
	Label() string
	// Description is one sentence for the "add field" type chooser.
	Description() string
	// Properties lists the delta property names, e.g. ["uri","title"]; the
	// first is the one whose input carries messages about the whole delta.
	Properties() []string
	// DefaultSettings are the settings of a new field of this type.
	DefaultSettings() map[string]any
	// SettingsForm returns Form API elements for the type's settings, filled
	// from settings; keys are "settings.<name>". Types without settings
	// return nil.
	SettingsForm(settings map[string]any) []*form.Element
	// ReadSettings parses submitted settings values (keys "settings.<name>")
	// into settings, or returns messages by element key.
	ReadSettings(values form.Values) (map[string]any, map[string]string)
	// Widget returns the element for one delta. key is the delta's key
	// prefix, e.g. "field_links.2"; input keys are key+"."+property (e.g.
	// "field_links.2.uri"); compound widgets are a Fieldset keyed key. delta
	// may be nil (empty). Label, description and required come from def;
	// only delta 0 of a required field is required in the form.
	Widget(def Def, key string, delta map[string]any) *form.Element
	// Extract reads one delta from submitted values (keys as Widget made
	// them); empty is true when nothing was entered. problems reports values
	// that cannot be parsed (e.g. "abc" in an integer field), keyed by input
	// key. Other validation is Normalize's.
	Extract(def Def, key string, values form.Values) (delta map[string]any, empty bool, problems map[string]string)
	// Normalize validates one delta as stored or as sent by the JSON API
	// (numbers may arrive as float64, json.Number or strings) and returns it
	// in canonical storage shape, or an error whose message a user can read.
	// An empty delta (nothing in it) normalizes to nil with a nil error.
	// Normalize is idempotent. It calls env only for lookups; NormalizeValues
	// tells env failures apart from invalid input.
	Normalize(ctx context.Context, env Env, def Def, delta map[string]any) (map[string]any, error)
	// Format renders deltas for display as render elements, the children of
	// a field element.
	Format(def Def, deltas []map[string]any) []render.Element
	// Text is a one-line plain-text rendering of a delta for diffs, e.g.
	// "Example (https://example.org)".
	Text(def Def, delta map[string]any) string
}

// toInt64 reads a whole number from a Go, JSON or form value. nil reads as 0
// without error; callers check for nil first when it means "not set".
func toInt64(v any) (int64, error) {
	switch x := v.(type) {
	case nil:
		return 0, nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) || x != math.Trunc(x) || x < -(1<<63) || x >= 1<<63 {
			return 0, errUnreadable
		}
		return int64(x), nil
	case json.Number:
		return strconv.ParseInt(x.String(), 10, 64)
	case string:
		return strconv.ParseInt(strings.TrimSpace(x), 10, 64)
	}
	return 0, errUnreadable
}
