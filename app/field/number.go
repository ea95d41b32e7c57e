package field

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/render"
)

// affixMaxLength bounds the prefix and suffix settings of number fields.
const affixMaxLength = 32

// affixElements are the prefix and suffix settings shared by number types.
func affixElements(def Def) []*form.Element {
	return []*form.Element{
		{Key: "settings.prefix", Type: form.TextField, Label: "Prefix", MaxLength: affixMaxLength,
			Description: "Shown before the number, e.g. \"$\".", Value: def.SettingString("prefix", "")},
		{Key: "settings.suffix", Type: form.TextField, Label: "Suffix", MaxLength: affixMaxLength,
			Description: "Shown after the number, e.g. \" kg\".", Value: def.SettingString("suffix", "")},
	}
}

// affixed wraps a number in the field's prefix and suffix.
func affixed(def Def, number string) string {
	return def.SettingString("prefix", "") + number + def.SettingString("suffix", "")
}

// Integer is the "integer" type: a whole number, {"value": int64} (stored as
// a JSON number). Settings: min and max (optional bounds), prefix and
// suffix (display only).
//
// Values beyond ±2^53 survive only if the JSON document is decoded with
// json.Decoder.UseNumber; Normalize accepts json.Number for that reason.
type Integer struct{}

// Name implements Type.
func (Integer) Name() string { return TypeInteger }

// Label implements Type.
func (Integer) Label() string { return "Number (integer)" }

// Description implements Type.
func (Integer) Description() string { return "A whole number, such as a count or a year." }

// Properties implements Type.
func (Integer) Properties() []string { return []string{"value"} }

// DefaultSettings implements Type.
func (Integer) DefaultSettings() map[string]any { return map[string]any{"prefix": "", "suffix": ""} }

// SettingsForm implements Type.
func (Integer) SettingsForm(settings map[string]any) []*form.Element {
	def := Def{Settings: settings}
	bound := func(name, label, desc string) *form.Element {
		e := &form.Element{Key: "settings." + name, Type: form.Number, Label: label, Description: desc, Step: "1"}
		if n, ok := def.SettingInt64(name); ok {
			e.Value = strconv.FormatInt(n, 10)
		}
		return e
	}
	return append([]*form.Element{
		bound("min", "Minimum", "The smallest value allowed; leave empty for no minimum."),
		bound("max", "Maximum", "The largest value allowed; leave empty for no maximum."),
	}, affixElements(def)...)
}

// ReadSettings implements Type.
func (Integer) ReadSettings(values form.Values) (map[string]any, map[string]string) {
	r := newSettingsReader(values)
	out := map[string]any{
		"prefix": r.affix("prefix", "Prefix"),
		"suffix": r.affix("suffix", "Suffix"),
	}
	lo, hasLo := r.int("min", "Minimum", math.MinInt32, math.MaxInt32, false)
	hi, hasHi := r.int("max", "Maximum", math.MinInt32, math.MaxInt32, false)
	if hasLo {
		out["min"] = lo
	}
	if hasHi {
		out["max"] = hi
	}
	if hasLo && hasHi && lo > hi {
		r.problems["settings.max"] = "Maximum cannot be smaller than the minimum."
	}
	return r.result(out)
}

// Widget implements Type.
func (Integer) Widget(def Def, key string, delta map[string]any) *form.Element {
	e := input(def, key, "value", form.Number, display(delta["value"]))
	e.Step = "1"
	if n, ok := def.SettingInt64("min"); ok {
		e.Min = floatPtr(float64(n))
	}
	if n, ok := def.SettingInt64("max"); ok {
		e.Max = floatPtr(float64(n))
	}
	return e
}

// Extract implements Type.
func (Integer) Extract(def Def, key string, values form.Values) (map[string]any, bool, map[string]string) {
	s := strings.TrimSpace(values.Get(key + ".value"))
	if s == "" {
		return nil, true, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, false, map[string]string{key + ".value": def.DisplayLabel() + " must be a whole number."}
	}
	return map[string]any{"value": n}, false, nil
}

// Normalize implements Type.
func (Integer) Normalize(_ context.Context, _ Env, def Def, delta map[string]any) (map[string]any, error) {
	if err := checkProps(def, delta, "value"); err != nil {
		return nil, err
	}
	v := delta["value"]
	if blank(v) {
		return nil, nil
	}
	if _, ok := v.(bool); ok {
		return nil, fmt.Errorf("%s must be a whole number.", def.DisplayLabel())
	}
	n, err := toInt64(v)
	if err != nil {
		return nil, fmt.Errorf("%s must be a whole number.", def.DisplayLabel())
	}
	if lo, ok := def.SettingInt64("min"); ok && n < lo {
		return nil, fmt.Errorf("%s must be at least %d.", def.DisplayLabel(), lo)
	}
	if hi, ok := def.SettingInt64("max"); ok && n > hi {
		return nil, fmt.Errorf("%s must be at most %d.", def.DisplayLabel(), hi)
	}
	return map[string]any{"value": n}, nil
}

// Format implements Type.
func (t Integer) Format(def Def, deltas []map[string]any) []render.Element {
	var out []render.Element
	for _, d := range deltas {
		out = append(out, render.Element{Type: render.TypeText, Text: t.Text(def, d)})
	}
	return out
}

// Text implements Type.
func (Integer) Text(def Def, delta map[string]any) string {
	return affixed(def, display(delta["value"]))
}

// Limits and defaults of the decimal type's settings (Drupal's).
const (
	decimalDefaultPrecision = 10
	decimalMaxPrecision     = 32
	decimalDefaultScale     = 2
	decimalMaxScale         = 10
)

// decimalPattern is the accepted syntax of a decimal number.
var decimalPattern = regexp.MustCompile(`^([+-]?)([0-9]*)(?:\.([0-9]*))?$`)

// Decimal is the "decimal" type: an exact decimal number kept as a string so
// no precision is lost, {"value": "12.34"}, always written with exactly
// scale digits after the point. Settings: precision (total digits, 1..32,
// default 10), scale (digits after the point, 0..10, default 2, at most
// precision), prefix and suffix.
type Decimal struct{}

// Name implements Type.
func (Decimal) Name() string { return TypeDecimal }

// Label implements Type.
func (Decimal) Label() string { return "Number (decimal)" }

// Description implements Type.
func (Decimal) Description() string {
	return "An exact decimal number, such as a price or a measurement."
}

// Properties implements Type.
func (Decimal) Properties() []string { return []string{"value"} }

// DefaultSettings implements Type.
func (Decimal) DefaultSettings() map[string]any {
	return map[string]any{"precision": decimalDefaultPrecision, "scale": decimalDefaultScale, "prefix": "", "suffix": ""}
}

// digits returns the field's precision and scale, falling back to the
// defaults for out-of-range settings.
func (Decimal) digits(def Def) (precision, scale int) {
	precision = def.SettingInt("precision", decimalDefaultPrecision)
	scale = def.SettingInt("scale", decimalDefaultScale)
	if precision < 1 || precision > decimalMaxPrecision || scale < 0 || scale > decimalMaxScale || scale > precision {
		return decimalDefaultPrecision, decimalDefaultScale
	}
	return precision, scale
}

// SettingsForm implements Type.
func (Decimal) SettingsForm(settings map[string]any) []*form.Element {
	def := Def{Settings: settings}
	p, s := def.SettingInt("precision", decimalDefaultPrecision), def.SettingInt("scale", decimalDefaultScale)
	return append([]*form.Element{
		{Key: "settings.precision", Type: form.Number, Label: "Precision", Required: true, Step: "1",
			Description: "The total number of digits stored, before and after the point.",
			Value:       strconv.Itoa(p), Min: floatPtr(1), Max: floatPtr(decimalMaxPrecision)},
		{Key: "settings.scale", Type: form.Number, Label: "Scale", Required: true, Step: "1",
			Description: "The number of digits after the point.",
			Value:       strconv.Itoa(s), Min: floatPtr(0), Max: floatPtr(decimalMaxScale)},
	}, affixElements(def)...)
}

// ReadSettings implements Type.
func (Decimal) ReadSettings(values form.Values) (map[string]any, map[string]string) {
	r := newSettingsReader(values)
	p, okP := r.int("precision", "Precision", 1, decimalMaxPrecision, true)
	s, okS := r.int("scale", "Scale", 0, decimalMaxScale, true)
	if okP && okS && s > p {
		r.problems["settings.scale"] = "Scale cannot be larger than the precision."
	}
	return r.result(map[string]any{
		"precision": p, "scale": s,
		"prefix": r.affix("prefix", "Prefix"),
		"suffix": r.affix("suffix", "Suffix"),
	})
}

// Widget implements Type. The step follows the scale ("0.01" for 2).
func (t Decimal) Widget(def Def, key string, delta map[string]any) *form.Element {
	e := input(def, key, "value", form.Number, display(delta["value"]))
	_, s := t.digits(def)
	e.Step = "1"
	if s > 0 {
		e.Step = "0." + strings.Repeat("0", s-1) + "1"
	}
	return e
}

// Extract implements Type.
func (t Decimal) Extract(def Def, key string, values form.Values) (map[string]any, bool, map[string]string) {
	s := strings.TrimSpace(values.Get(key + ".value"))
	if s == "" {
		return nil, true, nil
	}
	if m := decimalPattern.FindStringSubmatch(s); m == nil || m[2]+m[3] == "" {
		return nil, false, map[string]string{key + ".value": def.DisplayLabel() + " must be a number."}
	}
	return map[string]any{"value": s}, false, nil
}

// Normalize implements Type. Numbers may arrive as strings (canonical),
// float64 or json.Number; trailing zeros beyond the scale are dropped, any
// other extra digit is refused rather than silently rounded.
func (t Decimal) Normalize(_ context.Context, _ Env, def Def, delta map[string]any) (map[string]any, error) {
	if err := checkProps(def, delta, "value"); err != nil {
		return nil, err
	}
	var s string
	switch v := delta["value"].(type) {
	case nil:
		return nil, nil
	case string:
		s = strings.TrimSpace(v)
		if s == "" {
			return nil, nil
		}
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s must be a number.", def.DisplayLabel())
		}
		s = strconv.FormatFloat(v, 'f', -1, 64)
	case json.Number:
		s = v.String()
	case int, int64:
		s = fmt.Sprint(v)
	default:
		return nil, fmt.Errorf("%s must be a number.", def.DisplayLabel())
	}
	m := decimalPattern.FindStringSubmatch(s)
	if m == nil || m[2]+m[3] == "" {
		return nil, fmt.Errorf("%s must be a number.", def.DisplayLabel())
	}
	precision, scale := t.digits(def)
	whole := strings.TrimLeft(m[2], "0")
	frac := strings.TrimRight(m[3], "0")
	if len(frac) > scale {
		return nil, fmt.Errorf("%s can have at most %d digits after the decimal point.", def.DisplayLabel(), scale)
	}
	if len(whole) > precision-scale {
		return nil, fmt.Errorf("%s can have at most %d digits before the decimal point.", def.DisplayLabel(), precision-scale)
	}
	if whole == "" {
		whole = "0"
	}
	out := whole
	if scale > 0 {
		out += "." + frac + strings.Repeat("0", scale-len(frac))
	}
	if m[1] == "-" && strings.Trim(out, "0.") != "" {
		out = "-" + out
	}
	return map[string]any{"value": out}, nil
}

// Format implements Type.
func (t Decimal) Format(def Def, deltas []map[string]any) []render.Element {
	var out []render.Element
	for _, d := range deltas {
		out = append(out, render.Element{Type: render.TypeText, Text: t.Text(def, d)})
	}
	return out
}

// Text implements Type.
func (Decimal) Text(def Def, delta map[string]any) string {
	return affixed(def, display(delta["value"]))
}
