package field

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/render"
	"github.com/trovato/trovato/app/textformat"
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

// textFormats are the text formats a long text may be written in: every
// format of the registry (package textformat), which the kernel's sanitizer
// renders markup elements with.
var textFormats = formatOptions(textformat.Formats())

// formatOptions turns formats into select options.
func formatOptions(formats []textformat.Format) []form.Option {
	out := make([]form.Option, 0, len(formats))
	for _, f := range formats {
		out = append(out, form.Option{Value: f.Name, Label: f.Label})
	}
	return out
}

// TextLong is the "text_long" type: formatted text of any length,
// {"value": string, "format": <text format name>}, the format being one of
// package textformat's (plain_text, basic_html, markdown, full_html).
// Settings: rows (textarea height, 1..50, default 5), default_format
// (default plain_text). Its formatter emits markup elements; the kernel's
// sanitizer renders them with the format at display time, so stored text is
// kept as typed.
//
// Which formats a user may write in is a permission (textformat.CanUse).
// Widget and Normalize do not know the user: the item form calls
// RestrictFormats on each widget, and the item service calls CheckFormats
// before saving.
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

func validFormat(f string) bool { return textformat.Known(f) }

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
// the text format select offering every format; RestrictFormats narrows it
// to the user's.
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

// RestrictFormats narrows a text_long widget to what the user may do. el is
// the element TextLong.Widget returned for the delta at key (e.g.
// "field_body.0"); can is the user's permission check (Account.Can). Call it
// right after Widget, before the form is filled from a request, since it
// reads the stored value and format from the widget.
//
// The format select keeps only the formats the user may use; a new or empty
// delta whose default format the user may not use gets the first allowed
// one (plain text at worst). A delta that holds text in a format the user
// may not use is locked instead: text area and select are disabled and say
// why, and locked reports true. The browser posts nothing for disabled
// inputs, so the form must keep such a delta as stored (see FormatLocked)
// rather than read it back as empty. Elements not built by TextLong.Widget
// are left alone.
func RestrictFormats(el *form.Element, key string, can func(perm string) bool) (locked bool) {
	area, sel := findChild(el, key+".value"), findChild(el, key+".format")
	if area == nil || sel == nil || sel.Type != form.Select {
		return false
	}
	current := sel.Value
	if strings.TrimSpace(area.Value) != "" && textformat.Known(current) && !textformat.CanUse(can, current) {
		f, _ := textformat.Get(current)
		area.Disabled, area.Required = true, false
		area.Description = fmt.Sprintf("This content uses the %s format, which you are not allowed to use; it is shown read-only.", f.Label)
		sel.Disabled = true
		sel.Options = []form.Option{{Value: f.Name, Label: f.Label}}
		return true
	}
	allowed := textformat.Allowed(can)
	sel.Options = formatOptions(allowed)
	if !textformat.CanUse(can, current) {
		sel.Value = allowed[0].Name
	}
	return false
}

// findChild returns the element keyed key among el and its descendants.
func findChild(el *form.Element, key string) *form.Element {
	if el == nil {
		return nil
	}
	if el.Key == key {
		return el
	}
	for _, c := range el.Children {
		if found := findChild(c, key); found != nil {
			return found
		}
	}
	return nil
}

// FormatLocked reports whether a stored text_long delta holds text in a
// format the user (permission check can) may not use, which is the delta
// RestrictFormats shows read-only. The item form keeps such a delta as
// stored when it reads a submission, since its disabled inputs are not
// posted.
func FormatLocked(delta map[string]any, can func(perm string) bool) bool {
	v, _ := delta["value"].(string)
	f, _ := delta["format"].(string)
	return strings.TrimSpace(v) != "" && textformat.Known(f) && !textformat.CanUse(can, f)
}

// CheckFormats enforces text format permissions on a save of field def (a
// no-op for types other than text_long): every submitted delta in a format
// the user may not use must be one of the stored deltas, unchanged, so a
// user can keep, reorder or remove a trusted author's text but not write
// new text in that format. stored and submitted are normalized deltas. The
// error names the field and the format and can be shown to the user (the
// caller picks its class: forbidden for the JSON API, a form error on the
// field otherwise).
func CheckFormats(def Def, stored, submitted []map[string]any, can func(perm string) bool) error {
	if def.Type != TypeTextLong {
		return nil
	}
	for _, d := range submitted {
		format, _ := d["format"].(string)
		if textformat.CanUse(can, format) || sameDelta(stored, d) {
			continue
		}
		label := format
		if f, ok := textformat.Get(format); ok {
			label = f.Label
		}
		return fmt.Errorf("%s uses the %s text format, which you are not allowed to use.", def.DisplayLabel(), label)
	}
	return nil
}

// sameDelta reports whether deltas holds a text delta with d's value and
// format.
func sameDelta(deltas []map[string]any, d map[string]any) bool {
	v, vok := d["value"].(string)
	f, fok := d["format"].(string)
	if !vok || !fok {
		return false
	}
	for _, s := range deltas {
		sv, _ := s["value"].(string)
		sf, _ := s["format"].(string)
		if sv == v && sf == f {
			return true
		}
	}
	return false
}
