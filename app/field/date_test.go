package field

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/render"
)

func TestDateWidgets(t *testing.T) {
	for _, tc := range []struct {
		name  string
		typ   Type
		delta map[string]any
		want  *form.Element
	}{
		{"date", Date{}, map[string]any{"value": "2026-02-28"},
			&form.Element{Key: "field_d.0.value", Type: form.Date, Label: "When", Value: "2026-02-28"}},
		{"date empty", Date{}, nil, &form.Element{Key: "field_d.0.value", Type: form.Date, Label: "When"}},
		{"datetime shows the local form", Date{WithTime: true}, map[string]any{"value": "2026-03-01T14:30:00Z"},
			&form.Element{Key: "field_d.0.value", Type: form.DateTime, Label: "When", Value: "2026-03-01T14:30"}},
		{"datetime keeps seconds", Date{WithTime: true}, map[string]any{"value": "2026-03-01T14:30:05Z"},
			&form.Element{Key: "field_d.0.value", Type: form.DateTime, Label: "When", Value: "2026-03-01T14:30:05"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Def{Name: "field_d", Type: tc.typ.Name(), Label: "When"}
			if diff := cmp.Diff(tc.want, tc.typ.Widget(d, "field_d.0", tc.delta)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDateExtract(t *testing.T) {
	runExtract(t, TypeDate, []extractCase{
		{name: "valid", values: form.Values{"field_x.0.value": {"2026-02-28"}}, want: map[string]any{"value": "2026-02-28"}},
		{name: "empty", values: form.Values{"field_x.0.value": {""}}, empty: true},
		{name: "no such day", values: form.Values{"field_x.0.value": {"2026-02-30"}},
			problems: map[string]string{"field_x.0.value": "X must be a date in the form YYYY-MM-DD."}},
		{name: "other layout", values: form.Values{"field_x.0.value": {"28/02/2026"}},
			problems: map[string]string{"field_x.0.value": "X must be a date in the form YYYY-MM-DD."}},
	})
	runExtract(t, TypeDateTime, []extractCase{
		{name: "browser datetime-local", values: form.Values{"field_x.0.value": {"2026-03-01T14:30"}},
			want: map[string]any{"value": "2026-03-01T14:30:00Z"}},
		{name: "with seconds", values: form.Values{"field_x.0.value": {"2026-03-01T14:30:05"}},
			want: map[string]any{"value": "2026-03-01T14:30:05Z"}},
		{name: "empty", values: form.Values{}, empty: true},
		{name: "date only", values: form.Values{"field_x.0.value": {"2026-03-01"}},
			problems: map[string]string{"field_x.0.value": "X must be a date and time, e.g. 2026-03-01T14:30."}},
	})
}

func TestDateNormalize(t *testing.T) {
	runNormalize(t, TypeDate, []normalizeCase{
		{name: "valid", in: map[string]any{"value": "2024-02-29"}, want: map[string]any{"value": "2024-02-29"}},
		{name: "trimmed", in: map[string]any{"value": " 2024-02-29 "}, want: map[string]any{"value": "2024-02-29"}},
		{name: "empty", in: map[string]any{"value": ""}},
		{name: "not a leap year", in: map[string]any{"value": "2023-02-29"}, err: "X must be a date in the form YYYY-MM-DD."},
		{name: "with a time", in: map[string]any{"value": "2024-02-29T10:00:00Z"}, err: "X must be a date in the form YYYY-MM-DD."},
		{name: "a number", in: map[string]any{"value": 20240229.0}, err: "X must be a date in the form YYYY-MM-DD."},
	})
	runNormalize(t, TypeDateTime, []normalizeCase{
		{name: "UTC", in: map[string]any{"value": "2026-03-01T14:30:00Z"}, want: map[string]any{"value": "2026-03-01T14:30:00Z"}},
		{name: "offset converted to UTC", in: map[string]any{"value": "2026-03-01T14:30:00+02:00"},
			want: map[string]any{"value": "2026-03-01T12:30:00Z"}},
		{name: "fraction dropped", in: map[string]any{"value": "2026-03-01T14:30:00.999Z"},
			want: map[string]any{"value": "2026-03-01T14:30:00Z"}},
		{name: "zone-less read as UTC", in: map[string]any{"value": "2026-03-01 14:30"},
			want: map[string]any{"value": "2026-03-01T14:30:00Z"}},
		{name: "null", in: map[string]any{"value": nil}},
		{name: "garbage", in: map[string]any{"value": "tomorrow"}, err: "X must be a date and time, e.g. 2026-03-01T14:30."},
	})
}

func TestDateDisplay(t *testing.T) {
	runDisplay(t, TypeDate, []displayCase{
		{name: "medium", delta: map[string]any{"value": "2026-02-28"},
			format: render.Element{Type: render.TypeText, Text: "Feb 28, 2026"}, text: "2026-02-28"},
		{name: "long", settings: map[string]any{"display": "long"}, delta: map[string]any{"value": "2026-02-28"},
			format: render.Element{Type: render.TypeText, Text: "Saturday, February 28, 2026"}, text: "2026-02-28"},
		{name: "unparsable stored value shown as is", delta: map[string]any{"value": "someday"},
			format: render.Element{Type: render.TypeText, Text: "someday"}, text: "someday"},
	})
	runDisplay(t, TypeDateTime, []displayCase{
		{name: "medium", delta: map[string]any{"value": "2026-03-01T14:30:00Z"},
			format: render.Element{Type: render.TypeText, Text: "Mar 1, 2026, 14:30 UTC"}, text: "2026-03-01T14:30:00Z"},
		{name: "iso", settings: map[string]any{"display": "iso"}, delta: map[string]any{"value": "2026-03-01T14:30:00Z"},
			format: render.Element{Type: render.TypeText, Text: "2026-03-01T14:30:00Z"}, text: "2026-03-01T14:30:00Z"},
	})
}
