package field

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/render"
)

func TestNumberWidgets(t *testing.T) {
	for _, tc := range []struct {
		name  string
		typ   Type
		def   Def
		delta map[string]any
		want  *form.Element
	}{
		{
			name: "integer with bounds, value from JSON", typ: Integer{},
			def: Def{Name: "field_n", Type: TypeInteger, Label: "Count", Required: true,
				Settings: map[string]any{"min": -2.0, "max": 9.0}},
			delta: map[string]any{"value": 3.0},
			want: &form.Element{Key: "field_n.0.value", Type: form.Number, Label: "Count", Required: true, Value: "3",
				Step: "1", Min: floatPtr(-2), Max: floatPtr(9)},
		},
		{
			name: "integer unbounded, empty", typ: Integer{}, def: Def{Name: "field_n", Type: TypeInteger, Label: "Count"},
			want: &form.Element{Key: "field_n.0.value", Type: form.Number, Label: "Count", Step: "1"},
		},
		{
			name: "decimal scale 3", typ: Decimal{},
			def:   Def{Name: "field_n", Type: TypeDecimal, Label: "Weight", Settings: map[string]any{"scale": 3, "precision": 8}},
			delta: map[string]any{"value": "1.250"},
			want:  &form.Element{Key: "field_n.0.value", Type: form.Number, Label: "Weight", Value: "1.250", Step: "0.001"},
		},
		{
			name: "decimal scale 0", typ: Decimal{},
			def:  Def{Name: "field_n", Type: TypeDecimal, Label: "Weight", Settings: map[string]any{"scale": 0}},
			want: &form.Element{Key: "field_n.0.value", Type: form.Number, Label: "Weight", Step: "1"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.typ.Widget(tc.def, "field_n.0", tc.delta)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestIntegerExtract(t *testing.T) {
	runExtract(t, TypeInteger, []extractCase{
		{name: "valid", values: form.Values{"field_x.0.value": {" -12 "}}, want: map[string]any{"value": int64(-12)}},
		{name: "empty", values: form.Values{"field_x.0.value": {""}}, empty: true},
		{name: "letters", values: form.Values{"field_x.0.value": {"abc"}},
			problems: map[string]string{"field_x.0.value": "X must be a whole number."}},
		{name: "fraction", values: form.Values{"field_x.0.value": {"1.5"}},
			problems: map[string]string{"field_x.0.value": "X must be a whole number."}},
	})
}

func TestIntegerNormalize(t *testing.T) {
	bounded := map[string]any{"min": 1.0, "max": 10}
	runNormalize(t, TypeInteger, []normalizeCase{
		{name: "int64 from a form", in: map[string]any{"value": int64(5)}, want: map[string]any{"value": int64(5)}},
		{name: "float64 from JSON", in: map[string]any{"value": 42.0}, want: map[string]any{"value": int64(42)}},
		{name: "json.Number", in: map[string]any{"value": json.Number("9007199254740993")},
			want: map[string]any{"value": int64(9007199254740993)}},
		{name: "string", in: map[string]any{"value": " 7 "}, want: map[string]any{"value": int64(7)}},
		{name: "empty string", in: map[string]any{"value": ""}},
		{name: "null", in: map[string]any{"value": nil}},
		{name: "fraction", in: map[string]any{"value": 1.5}, err: "X must be a whole number."},
		{name: "words", in: map[string]any{"value": "ten"}, err: "X must be a whole number."},
		{name: "bool", in: map[string]any{"value": true}, err: "X must be a whole number."},
		{name: "object", in: map[string]any{"value": map[string]any{}}, err: "X must be a whole number."},
		{name: "at min", settings: bounded, in: map[string]any{"value": 1.0}, want: map[string]any{"value": int64(1)}},
		{name: "below min", settings: bounded, in: map[string]any{"value": 0.0}, err: "X must be at least 1."},
		{name: "above max", settings: bounded, in: map[string]any{"value": "11"}, err: "X must be at most 10."},
		{name: "unknown property", in: map[string]any{"value": 1.0, "unit": "kg"}, err: `X has no property "unit".`},
	})
}

func TestDecimalExtract(t *testing.T) {
	runExtract(t, TypeDecimal, []extractCase{
		{name: "valid kept as typed", values: form.Values{"field_x.0.value": {"12.5"}}, want: map[string]any{"value": "12.5"}},
		{name: "empty", values: form.Values{"field_x.0.value": {" "}}, empty: true},
		{name: "letters", values: form.Values{"field_x.0.value": {"12,5"}},
			problems: map[string]string{"field_x.0.value": "X must be a number."}},
		{name: "a lone point", values: form.Values{"field_x.0.value": {"."}},
			problems: map[string]string{"field_x.0.value": "X must be a number."}},
	})
}

func TestDecimalNormalize(t *testing.T) {
	narrow := map[string]any{"precision": 4.0, "scale": 2.0}
	runNormalize(t, TypeDecimal, []normalizeCase{
		{name: "canonical", in: map[string]any{"value": "12.34"}, want: map[string]any{"value": "12.34"}},
		{name: "padded to scale", in: map[string]any{"value": "12.5"}, want: map[string]any{"value": "12.50"}},
		{name: "float64 from JSON", in: map[string]any{"value": 0.1}, want: map[string]any{"value": "0.10"}},
		{name: "json.Number", in: map[string]any{"value": json.Number("-3")}, want: map[string]any{"value": "-3.00"}},
		{name: "leading zeros and plus", in: map[string]any{"value": "+007.1"}, want: map[string]any{"value": "7.10"}},
		{name: "bare fraction", in: map[string]any{"value": "-.5"}, want: map[string]any{"value": "-0.50"}},
		{name: "negative zero", in: map[string]any{"value": "-0.00"}, want: map[string]any{"value": "0.00"}},
		{name: "trailing zeros beyond scale", in: map[string]any{"value": "1.2300"}, want: map[string]any{"value": "1.23"}},
		{name: "scale 0", settings: map[string]any{"scale": 0}, in: map[string]any{"value": "5."},
			want: map[string]any{"value": "5"}},
		{name: "empty", in: map[string]any{"value": ""}},
		{name: "too many decimals", in: map[string]any{"value": "1.234"},
			err: "X can have at most 2 digits after the decimal point."},
		{name: "too many digits", settings: narrow, in: map[string]any{"value": "123.4"},
			err: "X can have at most 2 digits before the decimal point."},
		{name: "fits precision", settings: narrow, in: map[string]any{"value": 99.99}, want: map[string]any{"value": "99.99"}},
		{name: "words", in: map[string]any{"value": "12.3.4"}, err: "X must be a number."},
		{name: "exponent", in: map[string]any{"value": "1e5"}, err: "X must be a number."},
		{name: "bool", in: map[string]any{"value": false}, err: "X must be a number."},
	})
}

func TestNumberDisplay(t *testing.T) {
	money := map[string]any{"prefix": "$", "suffix": " USD"}
	runDisplay(t, TypeInteger, []displayCase{
		{name: "affixes", settings: money, delta: map[string]any{"value": 12.0},
			format: render.Element{Type: render.TypeText, Text: "$12 USD"}, text: "$12 USD"},
		{name: "plain int64", delta: map[string]any{"value": int64(-3)},
			format: render.Element{Type: render.TypeText, Text: "-3"}, text: "-3"},
	})
	runDisplay(t, TypeDecimal, []displayCase{
		{name: "affixes", settings: money, delta: map[string]any{"value": "12.50"},
			format: render.Element{Type: render.TypeText, Text: "$12.50 USD"}, text: "$12.50 USD"},
	})
}
