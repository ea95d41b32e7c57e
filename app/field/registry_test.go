package field

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trovato/trovato/app/form"
)

// articleDefs is a content type with one field of several kinds.
var articleDefs = []Def{
	{Name: "field_subtitle", Type: TypeText, Label: "Subtitle", Required: true},
	{Name: "field_count", Type: TypeInteger, Label: "Count"},
	{Name: "field_links", Type: TypeLink, Label: "Links", Cardinality: 2},
	{Name: "field_tags", Type: TypeList, Label: "Tags", Cardinality: Unlimited, Settings: map[string]any{"allowed_values": "a\nb\nc"}},
	{Name: "field_related", Type: TypeItemReference, Label: "Related"},
}

func TestNormalizeValues(t *testing.T) {
	type doc = map[string][]map[string]any
	for _, tc := range []struct {
		name     string
		defs     []Def
		in       doc
		want     doc
		problems map[string]string
	}{
		{
			name: "valid, canonical, empty deltas and empty fields dropped",
			defs: articleDefs,
			in: doc{
				"field_subtitle": {{"value": " Hi "}},
				"field_count":    {{"value": 3.0}},
				"field_links":    {{"uri": "", "title": ""}, {"uri": "/a"}, nil},
				"field_tags":     {{"value": "a"}, {"value": ""}, {"value": "c"}},
				"field_related":  {},
			},
			want: doc{
				"field_subtitle": {{"value": "Hi"}},
				"field_count":    {{"value": int64(3)}},
				"field_links":    {{"uri": "/a", "title": ""}},
				"field_tags":     {{"value": "a"}, {"value": "c"}},
			},
		},
		{
			name: "unknown field",
			defs: articleDefs,
			in:   doc{"field_subtitle": {{"value": "Hi"}}, "field_nope": {{"value": "x"}}},
			problems: map[string]string{
				"fields.field_nope": `There is no field "field_nope" on this content type.`,
			},
		},
		{
			name: "required missing, or only empty deltas",
			defs: articleDefs,
			in:   doc{"field_count": {{"value": 1.0}}},
			problems: map[string]string{
				"fields.field_subtitle": "Subtitle is required.",
			},
		},
		{
			name:     "required with an empty delta",
			defs:     articleDefs,
			in:       doc{"field_subtitle": {{"value": "  "}}},
			problems: map[string]string{"fields.field_subtitle": "Subtitle is required."},
		},
		{
			name: "too many values",
			defs: articleDefs,
			in: doc{
				"field_subtitle": {{"value": "a"}, {"value": "b"}},
				"field_links":    {{"uri": "/a"}, {"uri": "/b"}, {"uri": "/c"}},
			},
			problems: map[string]string{
				"fields.field_subtitle": "Subtitle takes only one value.",
				"fields.field_links":    "Links takes at most 2 values.",
			},
		},
		{
			name: "empty deltas do not count against cardinality",
			defs: articleDefs,
			in: doc{
				"field_subtitle": {{"value": ""}, {"value": "b"}, {}},
			},
			want: doc{"field_subtitle": {{"value": "b"}}},
		},
		{
			name: "invalid deltas: first message per field, numbered when several",
			defs: articleDefs,
			in: doc{
				"field_subtitle": {{"value": "ok"}},
				"field_count":    {{"value": "many"}},
				"field_tags":     {{"value": "a"}, {"value": "z"}, {"value": "y"}},
				"field_related":  {{"target_id": goneID.String()}},
			},
			problems: map[string]string{
				"fields.field_count":   "Count must be a whole number.",
				"fields.field_tags":    `Value 2: Tags does not allow the value "z".`,
				"fields.field_related": "Related refers to an item that does not exist (" + goneID.String() + ").",
			},
		},
		{
			name:     "type no longer available",
			defs:     []Def{{Name: "field_gone", Type: "plugin_thing", Label: "Gone"}},
			in:       doc{"field_gone": {{"value": "x"}}},
			problems: map[string]string{"fields.field_gone": `Gone cannot be saved: its field type "plugin_thing" is not available.`},
		},
		{
			name: "unavailable type without values is left alone",
			defs: []Def{{Name: "field_gone", Type: "plugin_thing", Label: "Gone"}},
			in:   doc{},
			want: doc{},
		},
		{
			name:     "hard cap on deltas",
			defs:     []Def{{Name: "field_tags", Type: TypeText, Label: "Tags", Cardinality: Unlimited}},
			in:       doc{"field_tags": make([]map[string]any, MaxDeltas+1)},
			problems: map[string]string{"fields.field_tags": "Tags takes at most 500 values."},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, problems, err := NewRegistry().NormalizeValues(context.Background(), env, tc.defs, tc.in)
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.problems, problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// A failed lookup is an internal error, not a message for the user, even
// though the type turned it into a message.
func TestNormalizeValuesEnvFailure(t *testing.T) {
	boom := errors.New("connection refused")
	in := map[string][]map[string]any{"field_subtitle": {{"value": "x"}}, "field_related": {{"target_id": pageID.String()}}}
	for name, e := range map[string]Env{"failing": fakeEnv{fail: boom}, "nil": nil} {
		t.Run(name, func(t *testing.T) {
			got, problems, err := NewRegistry().NormalizeValues(context.Background(), e, articleDefs, in)
			if err == nil || got != nil || problems != nil {
				t.Fatalf("got %v, %v, %v; want only an error", got, problems, err)
			}
			if name == "failing" && !errors.Is(err, boom) {
				t.Errorf("err = %v, want it to wrap %v", err, boom)
			}
		})
	}
}

func TestExtractField(t *testing.T) {
	links := articleDefs[2]
	for _, tc := range []struct {
		name     string
		def      Def
		n        int
		values   form.Values
		want     []map[string]any
		problems map[string]string
	}{
		{
			name: "deltas read, empty ones dropped",
			def:  links, n: 3,
			values: form.Values{
				"field_links.0.uri": {"/a"}, "field_links.0.title": {"A"},
				"field_links.1.uri": {""},
				"field_links.2.uri": {"https://x.org"},
				"field_links.3.uri": {"/not-shown"},
			},
			want: []map[string]any{{"uri": "/a", "title": "A"}, {"uri": "https://x.org", "title": ""}},
		},
		{
			name: "messages at the inputs",
			def:  links, n: 2,
			values: form.Values{
				"field_links.0.uri": {"javascript:alert(1)"},
				"field_links.1.uri": {"/ok"},
			},
			want: []map[string]any{{"uri": "/ok", "title": ""}},
			problems: map[string]string{"field_links.0.uri": "Links must be a URL starting with http://, https:// or mailto:, " +
				"or a path on this site starting with /."},
		},
		{
			name: "unparsable and too many",
			def:  Def{Name: "field_n", Type: TypeInteger, Label: "N", Cardinality: 1}, n: 3,
			values: form.Values{"field_n.0.value": {"1"}, "field_n.1.value": {"x"}, "field_n.2.value": {"3"}},
			want:   []map[string]any{{"value": int64(1)}, {"value": int64(3)}},
			problems: map[string]string{
				"field_n.1.value": "N must be a whole number.",
				"field_n":         "N takes only one value.",
			},
		},
		{
			name: "reference checked through env",
			def:  articleDefs[4], n: 1,
			values:   form.Values{"field_related.0.target_id": {"Gone (" + goneID.String() + ")"}},
			problems: map[string]string{"field_related.0.target_id": "Related refers to an item that does not exist (" + goneID.String() + ")."},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, problems, err := NewRegistry().ExtractField(context.Background(), env, tc.def, tc.n, tc.values)
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("deltas (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.problems, problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckDef(t *testing.T) {
	for _, tc := range []struct {
		name     string
		in       Def
		want     Def
		problems map[string]string
	}{
		{
			name: "defaults filled in",
			in:   Def{Name: "field_sub", Type: TypeText, Label: "Subtitle"},
			want: Def{Name: "field_sub", Type: TypeText, Label: "Subtitle", Settings: map[string]any{"max_length": 255}},
		},
		{
			name: "settings from JSON made canonical",
			in: Def{Name: "field_tags", Type: TypeList, Label: "Tags", Cardinality: -1,
				Settings: map[string]any{"allowed_values": "a|A\nb"}},
			want: Def{Name: "field_tags", Type: TypeList, Label: "Tags", Cardinality: -1,
				Settings: map[string]any{"allowed_values": []any{
					map[string]any{"value": "a", "label": "A"}, map[string]any{"value": "b", "label": "b"}}}},
		},
		{
			name:     "out-of-range setting reported, not silently replaced",
			in:       Def{Name: "field_sub", Type: TypeText, Label: "Subtitle", Settings: map[string]any{"max_length": 99999.0}},
			problems: map[string]string{"settings.max_length": "Maximum length must be between 1 and 4096."},
		},
		{
			name: "bad name, label, cardinality",
			in:   Def{Name: "Tags", Type: TypeText, Cardinality: -2},
			problems: map[string]string{
				"name":        `The machine name must start with "field_" and contain only lower-case letters, digits and underscores (at most 32 characters).`,
				"label":       "Label is required.",
				"cardinality": "The number of values must be unlimited or between 1 and 500.",
			},
		},
		{
			name:     "unknown type",
			in:       Def{Name: "field_x", Type: "nope", Label: "X"},
			problems: map[string]string{"type": `There is no field type "nope".`},
		},
		{
			name:     "list without values",
			in:       Def{Name: "field_x", Type: TypeList, Label: "X"},
			problems: map[string]string{"settings.allowed_values": "Enter at least one allowed value."},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, problems := NewRegistry().CheckDef(tc.in)
			if diff := cmp.Diff(tc.problems, problems); diff != "" {
				t.Fatalf("problems (-want +got):\n%s", diff)
			}
			if problems == nil {
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("def (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestDefaultValues(t *testing.T) {
	defs := []Def{
		{Name: "field_a", Default: []map[string]any{{"value": "x"}, {"value": "y"}}},
		{Name: "field_b"},
	}
	got := DefaultValues(defs)
	want := map[string][]map[string]any{"field_a": {{"value": "x"}, {"value": "y"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	got["field_a"][0]["value"] = "changed"
	if defs[0].Default[0]["value"] != "x" {
		t.Error("DefaultValues returned the definition's own maps")
	}
}
