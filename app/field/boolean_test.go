package field

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/render"
)

func TestBooleanWidget(t *testing.T) {
	d := Def{Name: "field_ok", Type: TypeBoolean, Label: "Agree", Description: "Tick to agree.", Required: true}
	for _, tc := range []struct {
		name  string
		delta map[string]any
		value string
	}{
		{"empty", nil, ""},
		{"true", map[string]any{"value": true}, "1"},
		{"false", map[string]any{"value": false}, ""},
		{"1 from an old import", map[string]any{"value": 1.0}, "1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := &form.Element{Key: "field_ok.0.value", Type: form.Checkbox, Label: "Agree",
				Description: "Tick to agree.", Required: true, Value: tc.value}
			if diff := cmp.Diff(want, Boolean{}.Widget(d, "field_ok.0", tc.delta)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestBooleanExtract(t *testing.T) {
	runExtract(t, TypeBoolean, []extractCase{
		{name: "checked", values: form.Values{"field_x.0.value": {"1"}}, want: map[string]any{"value": true}},
		{name: "unchecked is false, not empty", values: form.Values{}, want: map[string]any{"value": false}},
	})
}

func TestBooleanNormalize(t *testing.T) {
	runNormalize(t, TypeBoolean, []normalizeCase{
		{name: "true", in: map[string]any{"value": true}, want: map[string]any{"value": true}},
		{name: "false", in: map[string]any{"value": false}, want: map[string]any{"value": false}},
		{name: "1 from JSON", in: map[string]any{"value": 1.0}, want: map[string]any{"value": true}},
		{name: "0 from JSON", in: map[string]any{"value": 0.0}, want: map[string]any{"value": false}},
		{name: "string true", in: map[string]any{"value": "TRUE"}, want: map[string]any{"value": true}},
		{name: "string 0", in: map[string]any{"value": "0"}, want: map[string]any{"value": false}},
		{name: "null", in: map[string]any{"value": nil}},
		{name: "2", in: map[string]any{"value": 2.0}, err: "X must be true or false."},
		{name: "yes", in: map[string]any{"value": "yes"}, err: "X must be true or false."},
	})
}

func TestBooleanDisplay(t *testing.T) {
	labels := map[string]any{"on_label": "Published", "off_label": "Hidden"}
	runDisplay(t, TypeBoolean, []displayCase{
		{name: "on", settings: labels, delta: map[string]any{"value": true},
			format: render.Element{Type: render.TypeText, Text: "Published"}, text: "Published"},
		{name: "off", settings: labels, delta: map[string]any{"value": false},
			format: render.Element{Type: render.TypeText, Text: "Hidden"}, text: "Hidden"},
		{name: "default labels", delta: map[string]any{"value": true},
			format: render.Element{Type: render.TypeText, Text: "On"}, text: "On"},
	})
}
