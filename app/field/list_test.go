package field

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/render"
)

// colours is a list setting as stored (read back from JSON).
var colours = map[string]any{"allowed_values": []any{
	map[string]any{"value": "r", "label": "Red"},
	map[string]any{"value": "g", "label": "Green"},
	map[string]any{"value": "1", "label": "One"},
}}

func TestAllowedValuesShapes(t *testing.T) {
	want := []form.Option{{Value: "r", Label: "Red"}, {Value: "g", Label: "g"}}
	for name, setting := range map[string]any{
		"text":     "r|Red\ng",
		"go maps":  []map[string]any{{"value": "r", "label": "Red"}, {"value": "g", "label": "g"}},
		"json":     []any{map[string]any{"value": "r", "label": "Red"}, map[string]any{"value": "g", "label": "g"}},
		"options":  want,
		"from DB?": mustJSON(t, `[{"value":"r","label":"Red"},{"value":"g","label":"g"}]`),
	} {
		got := AllowedValues(Def{Settings: map[string]any{"allowed_values": setting}})
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
}

func mustJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestListWidget(t *testing.T) {
	opts := []form.Option{{Value: "r", Label: "Red"}, {Value: "g", Label: "Green"}, {Value: "1", Label: "One"}}
	for _, tc := range []struct {
		name string
		def  Def
		key  string
		want *form.Element
	}{
		{"required delta 0", Def{Name: "field_c", Type: TypeList, Label: "Colour", Required: true, Settings: colours}, "field_c.0",
			&form.Element{Key: "field_c.0.value", Type: form.Select, Label: "Colour", Required: true, Value: "g",
				Options: append([]form.Option{{Value: "", Label: "- Select a value -"}}, opts...)}},
		{"optional", Def{Name: "field_c", Type: TypeList, Label: "Colour", Settings: colours}, "field_c.0",
			&form.Element{Key: "field_c.0.value", Type: form.Select, Label: "Colour", Value: "g",
				Options: append([]form.Option{{Value: "", Label: "- None -"}}, opts...)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, List{}.Widget(tc.def, tc.key, map[string]any{"value": "g"})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestListExtract(t *testing.T) {
	runExtract(t, TypeList, []extractCase{
		{name: "chosen", settings: colours, values: form.Values{"field_x.0.value": {"r"}}, want: map[string]any{"value": "r"}},
		{name: "none", settings: colours, values: form.Values{"field_x.0.value": {""}}, empty: true},
	})
}

func TestListNormalize(t *testing.T) {
	runNormalize(t, TypeList, []normalizeCase{
		{name: "allowed", settings: colours, in: map[string]any{"value": "g"}, want: map[string]any{"value": "g"}},
		{name: "numeric key from JSON", settings: colours, in: map[string]any{"value": 1.0}, want: map[string]any{"value": "1"}},
		{name: "empty", settings: colours, in: map[string]any{"value": ""}},
		{name: "not allowed", settings: colours, in: map[string]any{"value": "Red"}, err: `X does not allow the value "Red".`},
		{name: "no allowed values", in: map[string]any{"value": "r"}, err: `X does not allow the value "r".`},
		{name: "a list", settings: colours, in: map[string]any{"value": []any{"r"}}, err: "X must be one of its allowed values."},
	})
}

func TestListDisplay(t *testing.T) {
	runDisplay(t, TypeList, []displayCase{
		{name: "label", settings: colours, delta: map[string]any{"value": "r"},
			format: render.Element{Type: render.TypeText, Text: "Red"}, text: "Red"},
		{name: "key no longer allowed", settings: colours, delta: map[string]any{"value": "blue"},
			format: render.Element{Type: render.TypeText, Text: "blue"}, text: "blue"},
	})
}
