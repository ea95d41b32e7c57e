package field

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/render"
)

func TestItemReferenceWidget(t *testing.T) {
	for _, tc := range []struct {
		name     string
		settings map[string]any
		path     string
	}{
		{"any type", nil, "/item/autocomplete"},
		{"types from JSON", map[string]any{"target_types": []any{"page", "blog"}}, "/item/autocomplete?types=page,blog"},
		{"malformed type names are left out", map[string]any{"target_types": []string{"page", "x&y=1"}},
			"/item/autocomplete?types=page"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Def{Name: "field_ref", Type: TypeItemReference, Label: "Related", Required: true, Settings: tc.settings}
			want := &form.Element{Key: "field_ref.0.target_id", Type: form.Autocomplete, Label: "Related", Required: true,
				Value: pageID.String(), AutocompletePath: tc.path}
			got := ItemReference{}.Widget(d, "field_ref.0", map[string]any{"target_id": pageID.String()})
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestItemReferenceExtract(t *testing.T) {
	const msg = "X: choose an item from the suggestions, or enter its id."
	runExtract(t, TypeItemReference, []extractCase{
		{name: "bare uuid", values: form.Values{"field_x.0.target_id": {pageID.String()}},
			want: map[string]any{"target_id": pageID.String()}},
		{name: "upper case", values: form.Values{"field_x.0.target_id": {" 0190A4C1-0000-7000-8000-000000000001 "}},
			want: map[string]any{"target_id": pageID.String()}},
		{name: "suggestion", values: form.Values{"field_x.0.target_id": {"About us (" + pageID.String() + ")"}},
			want: map[string]any{"target_id": pageID.String()}},
		{name: "title with parentheses", values: form.Values{"field_x.0.target_id": {"Go (the language) ( " + blogID.String() + " )"}},
			want: map[string]any{"target_id": blogID.String()}},
		{name: "empty", values: form.Values{"field_x.0.target_id": {" "}}, empty: true},
		{name: "a title alone", values: form.Values{"field_x.0.target_id": {"About us"}},
			problems: map[string]string{"field_x.0.target_id": msg}},
		{name: "nil uuid", values: form.Values{"field_x.0.target_id": {"00000000-0000-0000-0000-000000000000"}},
			problems: map[string]string{"field_x.0.target_id": msg}},
		{name: "uuid in braces", values: form.Values{"field_x.0.target_id": {"{" + pageID.String() + "}"}},
			problems: map[string]string{"field_x.0.target_id": msg}},
	})
}

func TestItemReferenceNormalize(t *testing.T) {
	pagesOnly := map[string]any{"target_types": []any{"page"}}
	runNormalize(t, TypeItemReference, []normalizeCase{
		{name: "exists", in: map[string]any{"target_id": pageID.String()}, want: map[string]any{"target_id": pageID.String()}},
		{name: "allowed type", settings: pagesOnly, in: map[string]any{"target_id": pageID.String()},
			want: map[string]any{"target_id": pageID.String()}},
		{name: "uuid value", in: map[string]any{"target_id": blogID}, want: map[string]any{"target_id": blogID.String()}},
		{name: "empty", in: map[string]any{"target_id": ""}},
		{name: "missing item", in: map[string]any{"target_id": goneID.String()},
			err: "X refers to an item that does not exist (" + goneID.String() + ")."},
		{name: "type not allowed", settings: pagesOnly, in: map[string]any{"target_id": blogID.String()},
			err: `X cannot refer to content of type "blog".`},
		{name: "not an id", in: map[string]any{"target_id": "about-us"}, err: "X must refer to an item by its id."},
		{name: "a number", in: map[string]any{"target_id": 5.0}, err: "X must refer to an item by its id."},
		{name: "unknown property", in: map[string]any{"target_id": pageID.String(), "title": "x"}, err: `X has no property "title".`},
	})
}

func TestItemReferenceDisplay(t *testing.T) {
	runDisplay(t, TypeItemReference, []displayCase{
		{name: "link", delta: map[string]any{"target_id": pageID.String()},
			format: render.Element{Type: render.TypeLink, Href: "/item/" + pageID.String(), Text: pageID.String()},
			text:   pageID.String()},
	})
}
