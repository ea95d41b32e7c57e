package field

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/render"
)

func TestLinkWidget(t *testing.T) {
	uri := func(key string, required bool, value string) *form.Element {
		return &form.Element{Key: key, Type: form.TextField, Label: "URL", Required: required, Value: value, MaxLength: 2048,
			Attributes:  map[string]string{"inputmode": "url"},
			Description: "A web address such as https://example.org, or a path on this site such as /about."}
	}
	for _, tc := range []struct {
		name  string
		def   Def
		key   string
		delta map[string]any
		want  *form.Element
	}{
		{
			name:  "required delta 0",
			def:   Def{Name: "field_links", Type: TypeLink, Label: "Links", Description: "Related pages.", Required: true},
			key:   "field_links.0",
			delta: map[string]any{"uri": "https://x.org", "title": "X"},
			want: &form.Element{Key: "field_links.0", Type: form.Fieldset, Label: "Links", Description: "Related pages.",
				Children: []*form.Element{
					uri("field_links.0.uri", true, "https://x.org"),
					{Key: "field_links.0.title", Type: form.TextField, Label: "Link text", Value: "X", MaxLength: 255},
				}},
		},
		{
			name: "title disabled, delta 2",
			def: Def{Name: "field_links", Type: TypeLink, Label: "Links", Required: true,
				Settings: map[string]any{"title": "disabled"}},
			key: "field_links.2",
			want: &form.Element{Key: "field_links.2", Type: form.Fieldset, Label: "Links",
				Children: []*form.Element{uri("field_links.2.uri", false, "")}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Link{}.Widget(tc.def, tc.key, tc.delta)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestLinkExtract(t *testing.T) {
	runExtract(t, TypeLink, []extractCase{
		{name: "both", values: form.Values{"field_x.0.uri": {" /about "}, "field_x.0.title": {" About "}},
			want: map[string]any{"uri": "/about", "title": "About"}},
		{name: "uri only", values: form.Values{"field_x.0.uri": {"https://x.org"}},
			want: map[string]any{"uri": "https://x.org", "title": ""}},
		{name: "empty", values: form.Values{"field_x.0.uri": {""}, "field_x.0.title": {" "}}, empty: true},
	})
}

func TestCheckURI(t *testing.T) {
	for _, tc := range []struct {
		uri  string
		want bool
	}{
		{"https://example.org", true},
		{"http://example.org/a?b=c#d", true},
		{"HTTPS://EXAMPLE.ORG", true},
		{"mailto:a@example.org", true},
		{"/about", true},
		{"/", true},
		{"/search?q=go", true},
		{"javascript:alert(1)", false},
		{"JavaScript:alert(1)", false},
		{"data:text/html,<script>", false},
		{"//evil.example", false},
		{"/\\evil.example", false},
		{"https:/x", false},
		{"http://", false},
		{"mailto:", false},
		{"ftp://example.org", false},
		{"about", false},
		{"#top", false},
		{"https://exa mple.org", false},
		{"https://example.org/\n", false},
		{"", false},
		{"https://example.org/" + strings.Repeat("a", 2048), false},
	} {
		if got := CheckURI(tc.uri); got != tc.want {
			t.Errorf("CheckURI(%q) = %v, want %v", tc.uri, got, tc.want)
		}
	}
}

func TestLinkNormalize(t *testing.T) {
	const bad = "X must be a URL starting with http://, https:// or mailto:, or a path on this site starting with /."
	runNormalize(t, TypeLink, []normalizeCase{
		{name: "valid", in: map[string]any{"uri": "https://example.org", "title": "Example"},
			want: map[string]any{"uri": "https://example.org", "title": "Example"}},
		{name: "no title", in: map[string]any{"uri": "/about"}, want: map[string]any{"uri": "/about", "title": ""}},
		{name: "title on one line", in: map[string]any{"uri": "/a", "title": " Two\nlines "},
			want: map[string]any{"uri": "/a", "title": "Two lines"}},
		{name: "empty", in: map[string]any{"uri": "", "title": ""}},
		{name: "title without uri", in: map[string]any{"title": "Orphan"}, err: `X needs a URL for the link text "Orphan".`},
		{name: "javascript", in: map[string]any{"uri": "javascript:alert(1)"}, err: bad},
		{name: "data", in: map[string]any{"uri": "data:text/html;base64,PHNjcmlwdD4="}, err: bad},
		{name: "protocol relative", in: map[string]any{"uri": "//evil.example/x"}, err: bad},
		{name: "title required", settings: map[string]any{"title": "required"}, in: map[string]any{"uri": "/a"},
			err: "X needs link text."},
		{name: "title disabled drops it", settings: map[string]any{"title": "disabled"},
			in: map[string]any{"uri": "/a", "title": "ignored"}, want: map[string]any{"uri": "/a", "title": ""}},
		{name: "long title", in: map[string]any{"uri": "/a", "title": strings.Repeat("t", 256)},
			err: "X: the link text cannot be longer than 255 characters."},
		{name: "uri not text", in: map[string]any{"uri": 5.0}, err: "X must be text."},
		{name: "unknown property", in: map[string]any{"uri": "/a", "target": "_blank"}, err: `X has no property "target".`},
	})
}

func TestLinkDisplay(t *testing.T) {
	runDisplay(t, TypeLink, []displayCase{
		{name: "with title", delta: map[string]any{"uri": "https://example.org", "title": "Example"},
			format: render.Element{Type: render.TypeLink, Href: "https://example.org", Text: "Example"},
			text:   "Example (https://example.org)"},
		{name: "uri as text", delta: map[string]any{"uri": "/about", "title": ""},
			format: render.Element{Type: render.TypeLink, Href: "/about", Text: "/about"}, text: "/about"},
	})
}
