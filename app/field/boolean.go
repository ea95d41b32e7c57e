package field

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/render"
)

// labelMaxLength bounds short display labels in settings.
const labelMaxLength = 64

// Boolean is the "boolean" type: on or off, {"value": bool}. Settings:
// on_label (default "On") and off_label (default "Off"), shown by the
// formatter. An unchecked box is a stored false, not an empty value; in the
// form a required boolean must be checked (the checkbox is required).
type Boolean struct{}

// Name implements Type.
func (Boolean) Name() string { return TypeBoolean }

// Label implements Type.
func (Boolean) Label() string { return "Boolean" }

// Description implements Type.
func (Boolean) Description() string { return "An on/off value, shown as a checkbox." }

// Properties implements Type.
func (Boolean) Properties() []string { return []string{"value"} }

// DefaultSettings implements Type.
func (Boolean) DefaultSettings() map[string]any {
	return map[string]any{"on_label": "On", "off_label": "Off"}
}

// SettingsForm implements Type.
func (Boolean) SettingsForm(settings map[string]any) []*form.Element {
	def := Def{Settings: settings}
	return []*form.Element{
		{Key: "settings.on_label", Type: form.TextField, Label: "\"On\" label", Required: true,
			MaxLength: labelMaxLength, Value: def.SettingString("on_label", "On")},
		{Key: "settings.off_label", Type: form.TextField, Label: "\"Off\" label", Required: true,
			MaxLength: labelMaxLength, Value: def.SettingString("off_label", "Off")},
	}
}

// ReadSettings implements Type.
func (Boolean) ReadSettings(values form.Values) (map[string]any, map[string]string) {
	r := newSettingsReader(values)
	return r.result(map[string]any{
		"on_label":  r.text("on_label", "\"On\" label", labelMaxLength, true),
		"off_label": r.text("off_label", "\"Off\" label", labelMaxLength, true),
	})
}

// Widget implements Type.
func (Boolean) Widget(def Def, key string, delta map[string]any) *form.Element {
	v := ""
	if b, _ := toBool(delta["value"]); b {
		v = "1"
	}
	return input(def, key, "value", form.Checkbox, v)
}

// Extract implements Type. A checkbox submits "1" when checked and nothing
// otherwise; either way the delta holds a value.
func (Boolean) Extract(_ Def, key string, values form.Values) (map[string]any, bool, map[string]string) {
	return map[string]any{"value": values.Get(key+".value") != ""}, false, nil
}

// toBool reads a boolean from a Go, JSON or form value.
func toBool(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case float64:
		if x == 0 || x == 1 {
			return x == 1, nil
		}
	case int:
		if x == 0 || x == 1 {
			return x == 1, nil
		}
	case json.Number:
		return toBool(x.String())
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "1", "true", "on":
			return true, nil
		case "0", "false", "off":
			return false, nil
		}
	}
	return false, errUnreadable
}

// Normalize implements Type. Accepts true/false, 1/0 and their strings.
func (Boolean) Normalize(_ context.Context, _ Env, def Def, delta map[string]any) (map[string]any, error) {
	if err := checkProps(def, delta, "value"); err != nil {
		return nil, err
	}
	if blank(delta["value"]) {
		return nil, nil
	}
	b, err := toBool(delta["value"])
	if err != nil {
		return nil, fmt.Errorf("%s must be true or false.", def.DisplayLabel())
	}
	return map[string]any{"value": b}, nil
}

// Format implements Type.
func (t Boolean) Format(def Def, deltas []map[string]any) []render.Element {
	var out []render.Element
	for _, d := range deltas {
		out = append(out, render.Element{Type: render.TypeText, Text: t.Text(def, d)})
	}
	return out
}

// Text implements Type: the on or off label.
func (Boolean) Text(def Def, delta map[string]any) string {
	if b, _ := toBool(delta["value"]); b {
		return def.SettingString("on_label", "On")
	}
	return def.SettingString("off_label", "Off")
}
