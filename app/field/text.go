package field

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/render"
)

// Limits of the text type's max_length setting (Drupal's default and a
// ceiling that keeps single-line values single-line sized).
const (
	textDefaultMaxLength = 255
	textMaxMaxLength     = 4096
)

// Text is the "text" type: one line of plain text, {"value": string}.
// Settings: max_length (1..4096, default 255).
type Text struct{}

// Name implements Type.
func (Text) Name() string { return TypeText }

// Label implements Type.
func (Text) Label() string { return "Text (plain)" }

// Description implements Type.
func (Text) Description() string {
	return "A single line of plain text, such as a subtitle or a product code."
}

// Properties implements Type.
func (Text) Properties() []string { return []string{"value"} }

// DefaultSettings implements Type.
func (Text) DefaultSettings() map[string]any {
	return map[string]any{"max_length": textDefaultMaxLength}
}

func (Text) maxLength(def Def) int {
	n := def.SettingInt("max_length", textDefaultMaxLength)
	if n < 1 || n > textMaxMaxLength {
		return textDefaultMaxLength
	}
	return n
}

// SettingsForm implements Type. It shows stored settings as they are, out
// of range or not, so reading the form back reports them (see CheckDef).
func (Text) SettingsForm(settings map[string]any) []*form.Element {
	n := Def{Settings: settings}.SettingInt("max_length", textDefaultMaxLength)
	return []*form.Element{{
		Key: "settings.max_length", Type: form.Number, Label: "Maximum length", Required: true,
		Description: fmt.Sprintf("The longest value, in characters (1 to %d).", textMaxMaxLength),
		Value:       fmt.Sprint(n), Min: floatPtr(1), Max: floatPtr(textMaxMaxLength), Step: "1",
	}}
}

// ReadSettings implements Type.
func (Text) ReadSettings(values form.Values) (map[string]any, map[string]string) {
	r := newSettingsReader(values)
	n, _ := r.int("max_length", "Maximum length", 1, textMaxMaxLength, true)
	return r.result(map[string]any{"max_length": n})
}

// Widget implements Type.
func (t Text) Widget(def Def, key string, delta map[string]any) *form.Element {
	e := input(def, key, "value", form.TextField, display(delta["value"]))
	e.MaxLength = t.maxLength(def)
	return e
}

// Extract implements Type.
func (Text) Extract(def Def, key string, values form.Values) (map[string]any, bool, map[string]string) {
	v := strings.TrimSpace(values.Get(key + ".value"))
	if v == "" {
		return nil, true, nil
	}
	return map[string]any{"value": v}, false, nil
}

// Normalize implements Type.
func (t Text) Normalize(_ context.Context, _ Env, def Def, delta map[string]any) (map[string]any, error) {
	if err := checkProps(def, delta, "value"); err != nil {
		return nil, err
	}
	s, err := stringProp(def, delta, "value")
	if err != nil {
		return nil, err
	}
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return nil, nil
	case strings.ContainsAny(s, "\r\n"):
		return nil, fmt.Errorf("%s must be a single line.", def.DisplayLabel())
	case utf8.RuneCountInString(s) > t.maxLength(def):
		return nil, fmt.Errorf("%s cannot be longer than %d characters.", def.DisplayLabel(), t.maxLength(def))
	}
	return map[string]any{"value": s}, nil
}

// Format implements Type.
func (Text) Format(_ Def, deltas []map[string]any) []render.Element {
	var out []render.Element
	for _, d := range deltas {
		out = append(out, render.Element{Type: render.TypeText, Text: display(d["value"])})
	}
	return out
}

// Text implements Type.
func (Text) Text(_ Def, delta map[string]any) string { return oneLine(display(delta["value"])) }

// oneLine collapses runs of white space, line breaks included, to one space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Limits of the text_long type's rows setting.
const (
	textLongDefaultRows = 5
	textLongMaxRows     = 50
)

// textFormats are the text formats a long text may be written in; the
// kernel's sanitizer knows the same two (render.FormatPlain, FormatBasic).
var textFormats = []form.Option{
	{Value: render.FormatPlain, Label: "Plain text"},
	{Value: render.FormatBasic, Label: "Basic HTML"},
}

// TextLong is the "text_long" type: formatted text of any length,
// {"value": string, "format": "plain_text"|"basic_html"}. Settings: rows
// (textarea height, 1..50, default 5), default_format (default plain_text).
// Its formatter emits markup elements; the kernel's sanitizer cleans them
// with the format's policy at render time, so stored text is kept as typed.
type TextLong struct{}

// Name implements Type.
func (TextLong) Name() string { return TypeTextLong }

// Label implements Type.
func (TextLong) Label() string { return "Text (formatted, long)" }

// Description implements Type.
func (TextLong) Description() string {
	return "Longer text with a text format, such as a body or a biography."
}

// Properties implements Type.
func (TextLong) Properties() []string { return []string{"value", "format"} }

// DefaultSettings implements Type.
func (TextLong) DefaultSettings() map[string]any {
	return map[string]any{"rows": textLongDefaultRows, "default_format": render.FormatPlain}
}

func (TextLong) rows(def Def) int {
	n := def.SettingInt("rows", textLongDefaultRows)
	if n < 1 || n > textLongMaxRows {
		return textLongDefaultRows
	}
	return n
}

func (TextLong) defaultFormat(def Def) string {
	f := def.SettingString("default_format", render.FormatPlain)
	if !validFormat(f) {
		return render.FormatPlain
	}
	return f
}

func validFormat(f string) bool {
	for _, o := range textFormats {
		if o.Value == f {
			return true
		}
	}
	return false
}

// SettingsForm implements Type.
func (TextLong) SettingsForm(settings map[string]any) []*form.Element {
	def := Def{Settings: settings}
	return []*form.Element{
		{
			Key: "settings.rows", Type: form.Number, Label: "Rows", Required: true,
			Description: "The height of the text area, in lines.", Value: fmt.Sprint(def.SettingInt("rows", textLongDefaultRows)),
			Min: floatPtr(1), Max: floatPtr(textLongMaxRows), Step: "1",
		},
		{
			Key: "settings.default_format", Type: form.Select, Label: "Default text format", Required: true,
			Options: textFormats, Value: def.SettingString("default_format", render.FormatPlain),
		},
	}
}

// ReadSettings implements Type.
func (TextLong) ReadSettings(values form.Values) (map[string]any, map[string]string) {
	r := newSettingsReader(values)
	rows, _ := r.int("rows", "Rows", 1, textLongMaxRows, true)
	f := r.choice("default_format", "Default text format", textFormats)
	return r.result(map[string]any{"rows": rows, "default_format": f})
}

// Widget implements Type: a fieldset holding the text area and, under it,
// the text format select.
func (t TextLong) Widget(def Def, key string, delta map[string]any) *form.Element {
	area := input(def, key, "value", form.TextArea, display(delta["value"]))
	area.Description = ""
	area.Rows = t.rows(def)
	format, _ := delta["format"].(string)
	if !validFormat(format) {
		format = t.defaultFormat(def)
	}
	return &form.Element{
		Key: key, Type: form.Fieldset, Label: def.DisplayLabel(), Description: def.Description,
		Children: []*form.Element{
			area,
			{Key: key + ".format", Type: form.Select, Label: "Text format", Options: textFormats, Value: format},
		},
	}
}

// Extract implements Type.
func (t TextLong) Extract(def Def, key string, values form.Values) (map[string]any, bool, map[string]string) {
	v := values.Get(key + ".value")
	if strings.TrimSpace(v) == "" {
		return nil, true, nil
	}
	format := values.Get(key + ".format")
	if format == "" {
		format = t.defaultFormat(def)
	}
	return map[string]any{"value": v, "format": format}, false, nil
}

// Normalize implements Type. A missing format takes the field's default.
func (t TextLong) Normalize(_ context.Context, _ Env, def Def, delta map[string]any) (map[string]any, error) {
	if err := checkProps(def, delta, "value", "format"); err != nil {
		return nil, err
	}
	v, err := stringProp(def, delta, "value")
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	format, err := stringProp(def, delta, "format")
	if err != nil {
		return nil, err
	}
	if format == "" {
		format = t.defaultFormat(def)
	}
	if !validFormat(format) {
		return nil, fmt.Errorf("%s has an unknown text format %q.", def.DisplayLabel(), format)
	}
	return map[string]any{"value": strings.ReplaceAll(v, "\r\n", "\n"), "format": format}, nil
}

// Format implements Type.
func (t TextLong) Format(def Def, deltas []map[string]any) []render.Element {
	var out []render.Element
	for _, d := range deltas {
		format, _ := d["format"].(string)
		if !validFormat(format) {
			format = render.FormatPlain
		}
		out = append(out, render.Element{Type: render.TypeMarkup, Format: format, Text: display(d["value"])})
	}
	return out
}

// Text implements Type: the source text on one line, markup included, so a
// diff shows every change an editor made.
func (TextLong) Text(_ Def, delta map[string]any) string { return oneLine(display(delta["value"])) }
