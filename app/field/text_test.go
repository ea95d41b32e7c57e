package field

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/render"
)

func TestTextWidget(t *testing.T) {
	for _, tc := range []struct {
		name  string
		def   Def
		key   string
		delta map[string]any
		want  *form.Element
	}{
		{
			name: "required delta 0 with value",
			def: Def{Name: "field_sub", Type: TypeText, Label: "Subtitle", Description: "Shown under the title.",
				Required: true, Settings: map[string]any{"max_length": 80.0}},
			key: "field_sub.0", delta: map[string]any{"value": "Hi"},
			want: &form.Element{Key: "field_sub.0.value", Type: form.TextField, Label: "Subtitle",
				Description: "Shown under the title.", Required: true, Value: "Hi", MaxLength: 80},
		},
		{
			name: "delta 1 of a required field is optional, empty delta",
			def:  Def{Name: "field_sub", Type: TypeText, Label: "Subtitle", Required: true, Cardinality: -1},
			key:  "field_sub.1",
			want: &form.Element{Key: "field_sub.1.value", Type: form.TextField, Label: "Subtitle", MaxLength: 255},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Text{}.Widget(tc.def, tc.key, tc.delta)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestTextExtract(t *testing.T) {
	runExtract(t, TypeText, []extractCase{
		{name: "value trimmed", values: form.Values{"field_x.0.value": {"  Hi  "}}, want: map[string]any{"value": "Hi"}},
		{name: "blank", values: form.Values{"field_x.0.value": {"   "}}, empty: true},
		{name: "absent", values: form.Values{}, empty: true},
	})
}

func TestTextNormalize(t *testing.T) {
	runNormalize(t, TypeText, []normalizeCase{
		{name: "valid", in: map[string]any{"value": " Hello "}, want: map[string]any{"value": "Hello"}},
		{name: "empty string", in: map[string]any{"value": ""}},
		{name: "null", in: map[string]any{"value": nil}},
		{name: "no properties", in: map[string]any{}},
		{name: "exactly max", settings: map[string]any{"max_length": 3}, in: map[string]any{"value": "äöü"},
			want: map[string]any{"value": "äöü"}},
		{name: "too long", settings: map[string]any{"max_length": 3.0}, in: map[string]any{"value": "abcd"},
			err: "X cannot be longer than 3 characters."},
		{name: "default max", in: map[string]any{"value": strings.Repeat("a", 256)},
			err: "X cannot be longer than 255 characters."},
		{name: "number", in: map[string]any{"value": 3.0}, err: "X must be text."},
		{name: "two lines", in: map[string]any{"value": "a\nb"}, err: "X must be a single line."},
		{name: "unknown property", in: map[string]any{"value": "a", "format": "x"}, err: `X has no property "format".`},
	})
}

func TestTextDisplay(t *testing.T) {
	runDisplay(t, TypeText, []displayCase{
		{name: "value", delta: map[string]any{"value": "<b>Hi</b>"},
			format: render.Element{Type: render.TypeText, Text: "<b>Hi</b>"}, text: "<b>Hi</b>"},
	})
}

func TestTextLongWidget(t *testing.T) {
	d := Def{Name: "field_body", Type: TypeTextLong, Label: "Body", Description: "The main text.", Required: true,
		Settings: map[string]any{"rows": 9.0, "default_format": "basic_html"}}
	formats := []form.Option{{Value: "plain_text", Label: "Plain text"}, {Value: "basic_html", Label: "Basic HTML"}}
	for _, tc := range []struct {
		name  string
		key   string
		delta map[string]any
		want  *form.Element
	}{
		{
			name: "empty takes the default format", key: "field_body.0",
			want: &form.Element{Key: "field_body.0", Type: form.Fieldset, Label: "Body", Description: "The main text.",
				Children: []*form.Element{
					{Key: "field_body.0.value", Type: form.TextArea, Label: "Body", Required: true, Rows: 9},
					{Key: "field_body.0.format", Type: form.Select, Label: "Text format", Options: formats, Value: "basic_html"},
				}},
		},
		{
			name: "stored value and format", key: "field_body.2",
			delta: map[string]any{"value": "Hi", "format": "plain_text"},
			want: &form.Element{Key: "field_body.2", Type: form.Fieldset, Label: "Body", Description: "The main text.",
				Children: []*form.Element{
					{Key: "field_body.2.value", Type: form.TextArea, Label: "Body", Rows: 9, Value: "Hi"},
					{Key: "field_body.2.format", Type: form.Select, Label: "Text format", Options: formats, Value: "plain_text"},
				}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, TextLong{}.Widget(d, tc.key, tc.delta)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestTextLongExtract(t *testing.T) {
	runExtract(t, TypeTextLong, []extractCase{
		{name: "value kept as typed", values: form.Values{"field_x.0.value": {"  a\nb "}, "field_x.0.format": {"basic_html"}},
			want: map[string]any{"value": "  a\nb ", "format": "basic_html"}},
		{name: "no format: the default", settings: map[string]any{"default_format": "basic_html"},
			values: form.Values{"field_x.0.value": {"a"}}, want: map[string]any{"value": "a", "format": "basic_html"}},
		{name: "blank", values: form.Values{"field_x.0.value": {" \n "}, "field_x.0.format": {"basic_html"}}, empty: true},
	})
}

func TestTextLongNormalize(t *testing.T) {
	runNormalize(t, TypeTextLong, []normalizeCase{
		{name: "valid", in: map[string]any{"value": "<p>x</p>", "format": "basic_html"},
			want: map[string]any{"value": "<p>x</p>", "format": "basic_html"}},
		{name: "format defaults", in: map[string]any{"value": "x\r\ny"}, want: map[string]any{"value": "x\ny", "format": "plain_text"}},
		{name: "empty", in: map[string]any{"value": "  ", "format": "basic_html"}},
		{name: "unknown format", in: map[string]any{"value": "x", "format": "full_html"},
			err: `X has an unknown text format "full_html".`},
		{name: "format not text", in: map[string]any{"value": "x", "format": 1.0}, err: "X must be text."},
		{name: "value not text", in: map[string]any{"value": true}, err: "X must be text."},
	})
}

func TestTextLongDisplay(t *testing.T) {
	runDisplay(t, TypeTextLong, []displayCase{
		{name: "basic html", delta: map[string]any{"value": "<p>Hello\n<b>you</b></p>", "format": "basic_html"},
			format: render.Element{Type: render.TypeMarkup, Format: "basic_html", Text: "<p>Hello\n<b>you</b></p>"},
			text:   "<p>Hello <b>you</b></p>"},
		{name: "unknown format renders as plain", delta: map[string]any{"value": "<script>", "format": "php"},
			format: render.Element{Type: render.TypeMarkup, Format: "plain_text", Text: "<script>"}, text: "<script>"},
	})
}
