package field

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/render"
)

// listKeyMaxLength bounds allowed-value keys (they are stored in every delta).
const listKeyMaxLength = 255

// List is the "list" type: one key out of a fixed set, {"value": key}.
// Settings: allowed_values, stored as an ordered list of
// {"value": key, "label": label} objects and edited as "key|label" lines
// (the label defaults to the key). Keys must be unique and non-empty. The
// widget is a single select; a multi-value field repeats it per delta.
type List struct{}

// Name implements Type.
func (List) Name() string { return TypeList }

// Label implements Type.
func (List) Label() string { return "List (text)" }

// Description implements Type.
func (List) Description() string {
	return "A choice from a fixed list of values, shown as a select list."
}

// Properties implements Type.
func (List) Properties() []string { return []string{"value"} }

// DefaultSettings implements Type.
func (List) DefaultSettings() map[string]any { return map[string]any{"allowed_values": []any{}} }

// AllowedValues returns a list field's allowed values in order. The setting
// may be the stored list of {"value","label"} objects (as Go values or read
// back from JSON) or "key|label" text, as a plugin may declare it.
func AllowedValues(def Def) []form.Option {
	switch v := def.Settings["allowed_values"].(type) {
	case string:
		opts, _ := ParseAllowedValues(v)
		return opts
	case []form.Option:
		return v
	case []map[string]any:
		var out []form.Option
		for _, m := range v {
			out = append(out, form.Option{Value: display(m["value"]), Label: display(m["label"])})
		}
		return out
	case []any:
		var out []form.Option
		for _, x := range v {
			if m, ok := x.(map[string]any); ok {
				out = append(out, form.Option{Value: display(m["value"]), Label: display(m["label"])})
			}
		}
		return out
	}
	return nil
}

// ParseAllowedValues reads "key|label" lines (blank lines skipped, the label
// defaulting to the key) and reports the first problem in words a site
// builder can act on.
func ParseAllowedValues(text string) ([]form.Option, error) {
	var out []form.Option
	seen := map[string]bool{}
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		key, label, _ := strings.Cut(line, "|")
		key, label = strings.TrimSpace(key), strings.TrimSpace(label)
		switch {
		case key == "":
			return nil, fmt.Errorf("line %d has no key before the \"|\"", i+1)
		case utf8.RuneCountInString(key) > listKeyMaxLength:
			return nil, fmt.Errorf("the key on line %d is longer than %d characters", i+1, listKeyMaxLength)
		case seen[key]:
			return nil, fmt.Errorf("the key %q appears more than once", key)
		}
		seen[key] = true
		if label == "" {
			label = key
		}
		out = append(out, form.Option{Value: key, Label: label})
	}
	return out, nil
}

// allowedText writes allowed values back as "key|label" lines.
func allowedText(opts []form.Option) string {
	var b strings.Builder
	for _, o := range opts {
		b.WriteString(o.Value + "|" + o.Label + "\n")
	}
	return b.String()
}

// SettingsForm implements Type.
func (List) SettingsForm(settings map[string]any) []*form.Element {
	return []*form.Element{{
		Key: "settings.allowed_values", Type: form.TextArea, Label: "Allowed values", Required: true, Rows: 8,
		Description: "One value per line, as key|label. The key is stored; the label is shown. " +
			"A line without \"|\" uses the key as the label.",
		Value: allowedText(AllowedValues(Def{Settings: settings})),
	}}
}

// ReadSettings implements Type.
func (List) ReadSettings(values form.Values) (map[string]any, map[string]string) {
	opts, err := ParseAllowedValues(values.Get("settings.allowed_values"))
	switch {
	case err != nil:
		return nil, map[string]string{"settings.allowed_values": "Allowed values: " + err.Error() + "."}
	case len(opts) == 0:
		return nil, map[string]string{"settings.allowed_values": "Enter at least one allowed value."}
	}
	list := make([]any, len(opts))
	for i, o := range opts {
		list[i] = map[string]any{"value": o.Value, "label": o.Label}
	}
	return map[string]any{"allowed_values": list}, nil
}

// Widget implements Type.
func (List) Widget(def Def, key string, delta map[string]any) *form.Element {
	e := input(def, key, "value", form.Select, display(delta["value"]))
	none := "- None -"
	if e.Required {
		none = "- Select a value -"
	}
	e.Options = append([]form.Option{{Value: "", Label: none}}, AllowedValues(def)...)
	return e
}

// Extract implements Type.
func (List) Extract(_ Def, key string, values form.Values) (map[string]any, bool, map[string]string) {
	v := values.Get(key + ".value")
	if v == "" {
		return nil, true, nil
	}
	return map[string]any{"value": v}, false, nil
}

// Normalize implements Type. Numeric keys may arrive as JSON numbers.
func (List) Normalize(_ context.Context, _ Env, def Def, delta map[string]any) (map[string]any, error) {
	if err := checkProps(def, delta, "value"); err != nil {
		return nil, err
	}
	v := delta["value"]
	if blank(v) {
		return nil, nil
	}
	switch v.(type) {
	case map[string]any, []any, bool:
		return nil, fmt.Errorf("%s must be one of its allowed values.", def.DisplayLabel())
	}
	key := strings.TrimSpace(display(v))
	for _, o := range AllowedValues(def) {
		if o.Value == key {
			return map[string]any{"value": key}, nil
		}
	}
	return nil, fmt.Errorf("%s does not allow the value %q.", def.DisplayLabel(), key)
}

// label returns the label of key, or key when it is no longer allowed.
func (List) label(def Def, key string) string {
	for _, o := range AllowedValues(def) {
		if o.Value == key {
			return o.Label
		}
	}
	return key
}

// Format implements Type: the labels of the stored keys.
func (l List) Format(def Def, deltas []map[string]any) []render.Element {
	var out []render.Element
	for _, d := range deltas {
		out = append(out, render.Element{Type: render.TypeText, Text: l.label(def, display(d["value"]))})
	}
	return out
}

// Text implements Type: the label of the stored key.
func (l List) Text(def Def, delta map[string]any) string {
	return l.label(def, display(delta["value"]))
}
