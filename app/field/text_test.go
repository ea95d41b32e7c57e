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
	formats := []form.Option{{Value: "plain_text", Label: "Plain text"}, {Value: "basic_html", Label: "Basic HTML"},
		{Value: "markdown", Label: "Markdown"}, {Value: "full_html", Label: "Full HTML"}}
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
		{name: "markdown", in: map[string]any{"value": "# x", "format": "markdown"},
			want: map[string]any{"value": "# x", "format": "markdown"}},
		{name: "full html is known (permission is the item service's)", in: map[string]any{"value": "<table></table>", "format": "full_html"},
			want: map[string]any{"value": "<table></table>", "format": "full_html"}},
		{name: "default format setting", settings: map[string]any{"default_format": "markdown"}, in: map[string]any{"value": "x"},
			want: map[string]any{"value": "x", "format": "markdown"}},
		{name: "unknown format", in: map[string]any{"value": "x", "format": "php"},
			err: `X has an unknown text format "php".`},
		{name: "format not text", in: map[string]any{"value": "x", "format": 1.0}, err: "X must be text."},
		{name: "value not text", in: map[string]any{"value": true}, err: "X must be text."},
	})
}

func TestTextLongDisplay(t *testing.T) {
	runDisplay(t, TypeTextLong, []displayCase{
		{name: "basic html", delta: map[string]any{"value": "<p>Hello\n<b>you</b></p>", "format": "basic_html"},
			format: render.Element{Type: render.TypeMarkup, Format: "basic_html", Text: "<p>Hello\n<b>you</b></p>"},
			text:   "<p>Hello <b>you</b></p>"},
		{name: "full html", delta: map[string]any{"value": "<table></table>", "format": "full_html"},
			format: render.Element{Type: render.TypeMarkup, Format: "full_html", Text: "<table></table>"},
			text:   "<table></table>"},
		{name: "unknown format renders as plain", delta: map[string]any{"value": "<script>", "format": "php"},
			format: render.Element{Type: render.TypeMarkup, Format: "plain_text", Text: "<script>"}, text: "<script>"},
	})
}

// formatCan is a permission check granting the given permissions.
func formatCan(perms ...string) func(string) bool {
	return func(p string) bool {
		for _, q := range perms {
			if p == q {
				return true
			}
		}
		return false
	}
}

func TestRestrictFormats(t *testing.T) {
	d := Def{Name: "field_body", Type: TypeTextLong, Label: "Body", Required: true,
		Settings: map[string]any{"default_format": "full_html"}}
	plain := form.Option{Value: "plain_text", Label: "Plain text"}
	basic := form.Option{Value: "basic_html", Label: "Basic HTML"}
	md := form.Option{Value: "markdown", Label: "Markdown"}
	full := form.Option{Value: "full_html", Label: "Full HTML"}
	const locked = "This content uses the Full HTML format, which you are not allowed to use; it is shown read-only."
	for _, tc := range []struct {
		name       string
		delta      map[string]any
		can        func(string) bool
		wantLocked bool
		want       []*form.Element
	}{
		{
			name: "new delta: default format not allowed, first allowed one chosen",
			can:  formatCan("use text format basic_html"),
			want: []*form.Element{
				{Key: "field_body.0.value", Type: form.TextArea, Label: "Body", Required: true, Rows: 5},
				{Key: "field_body.0.format", Type: form.Select, Label: "Text format", Options: []form.Option{plain, basic}, Value: "plain_text"},
			},
		},
		{
			name:  "stored in an allowed format",
			delta: map[string]any{"value": "*x*", "format": "markdown"},
			can:   formatCan("use text format markdown"),
			want: []*form.Element{
				{Key: "field_body.0.value", Type: form.TextArea, Label: "Body", Required: true, Rows: 5, Value: "*x*"},
				{Key: "field_body.0.format", Type: form.Select, Label: "Text format", Options: []form.Option{plain, md}, Value: "markdown"},
			},
		},
		{
			name:  "stored in a format the user may not use: read-only",
			delta: map[string]any{"value": "<table></table>", "format": "full_html"},
			can:   formatCan("use text format basic_html", "use text format markdown"), wantLocked: true,
			want: []*form.Element{
				{Key: "field_body.0.value", Type: form.TextArea, Label: "Body", Description: locked, Disabled: true, Rows: 5, Value: "<table></table>"},
				{Key: "field_body.0.format", Type: form.Select, Label: "Text format", Disabled: true, Options: []form.Option{full}, Value: "full_html"},
			},
		},
		{
			name:  "nil permission check: plain text only",
			delta: map[string]any{"value": "x", "format": "plain_text"},
			want: []*form.Element{
				{Key: "field_body.0.value", Type: form.TextArea, Label: "Body", Required: true, Rows: 5, Value: "x"},
				{Key: "field_body.0.format", Type: form.Select, Label: "Text format", Options: []form.Option{plain}, Value: "plain_text"},
			},
		},
		{
			name:  "trusted user keeps every format",
			delta: map[string]any{"value": "<table></table>", "format": "full_html"},
			can:   formatCan("use text format basic_html", "use text format markdown", "use text format full_html"),
			want: []*form.Element{
				{Key: "field_body.0.value", Type: form.TextArea, Label: "Body", Required: true, Rows: 5, Value: "<table></table>"},
				{Key: "field_body.0.format", Type: form.Select, Label: "Text format", Options: []form.Option{plain, basic, md, full}, Value: "full_html"},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			el := TextLong{}.Widget(d, "field_body.0", tc.delta)
			if got := RestrictFormats(el, "field_body.0", tc.can); got != tc.wantLocked {
				t.Errorf("locked = %v, want %v", got, tc.wantLocked)
			}
			if diff := cmp.Diff(tc.want, el.Children); diff != "" {
				t.Errorf("widget (-want +got):\n%s", diff)
			}
			if got := FormatLocked(tc.delta, tc.can); got != tc.wantLocked {
				t.Errorf("FormatLocked = %v, want %v", got, tc.wantLocked)
			}
		})
	}
	t.Run("other elements are left alone", func(t *testing.T) {
		el := Text{}.Widget(Def{Name: "field_sub", Type: TypeText}, "field_sub.0", map[string]any{"value": "x"})
		before := *el
		if RestrictFormats(el, "field_sub.0", nil) {
			t.Error("a text widget was locked")
		}
		if diff := cmp.Diff(&before, el); diff != "" {
			t.Errorf("text widget changed (-want +got):\n%s", diff)
		}
		if RestrictFormats(nil, "x", nil) {
			t.Error("nil element locked")
		}
	})
}

func TestCheckFormats(t *testing.T) {
	d := Def{Name: "field_body", Type: TypeTextLong, Label: "Body"}
	trusted := map[string]any{"value": "<table></table>", "format": "full_html"}
	mine := map[string]any{"value": "hi", "format": "basic_html"}
	can := formatCan("use text format basic_html")
	for _, tc := range []struct {
		name              string
		def               Def
		stored, submitted []map[string]any
		err               string
	}{
		{name: "allowed formats", def: d, submitted: []map[string]any{mine, {"value": "x", "format": "plain_text"}}},
		{name: "trusted text kept and reordered", def: d, stored: []map[string]any{trusted, mine},
			submitted: []map[string]any{mine, trusted}},
		{name: "trusted text removed", def: d, stored: []map[string]any{trusted, mine}, submitted: []map[string]any{mine}},
		{name: "new text in a forbidden format", def: d, submitted: []map[string]any{trusted},
			err: "Body uses the Full HTML text format, which you are not allowed to use."},
		{name: "trusted text changed", def: d, stored: []map[string]any{trusted},
			submitted: []map[string]any{{"value": "<table><tr></tr></table>", "format": "full_html"}},
			err:       "Body uses the Full HTML text format, which you are not allowed to use."},
		{name: "format switched to a forbidden one", def: d, stored: []map[string]any{mine},
			submitted: []map[string]any{{"value": "hi", "format": "markdown"}},
			err:       "Body uses the Markdown text format, which you are not allowed to use."},
		{name: "unknown format", def: d, submitted: []map[string]any{{"value": "x", "format": "php"}},
			err: "Body uses the php text format, which you are not allowed to use."},
		{name: "other field types are not checked", def: Def{Name: "field_x", Type: TypeText},
			submitted: []map[string]any{{"value": "x", "format": "full_html"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := errString(CheckFormats(tc.def, tc.stored, tc.submitted, can)); got != tc.err {
				t.Errorf("error = %q, want %q", got, tc.err)
			}
		})
	}
}
