//go:build !wasip1

package main

import (
	"errors"
	"reflect"
	"testing"

	"github.com/trovato/trovato/plugins/sdk"
)

func TestInfoDefinesBlog(t *testing.T) {
	types, err := info()
	if err != nil {
		t.Fatal(err)
	}
	want := []sdk.ItemType{{
		Type: "blog", Label: "Blog post", Description: "A dated entry in a blog.",
		Fields: []sdk.Field{
			{Name: "field_summary", Type: "text", Label: "Summary", Cardinality: 1},
			{Name: "field_tags_text", Type: "text", Label: "Keywords", Cardinality: -1},
		},
	}}
	if !reflect.DeepEqual(types, want) {
		t.Errorf("info() = %+v\nwant %+v", types, want)
	}
}

func TestView(t *testing.T) {
	post := sdk.FakeItem{ItemType: "blog", ItemTitle: "Hello", Fields: map[string][]map[string]any{
		"field_summary": {{"value": "First post"}},
	}}
	tests := []struct {
		name string
		item sdk.FakeItem
		mode string
		want sdk.Element
	}{
		{"full view shows the summary", post, "full",
			sdk.Container(sdk.Text("First post").WithClass("blog-summary")).WithClass("blog")},
		{"teaser adds the title", post, "teaser", sdk.Container(
			sdk.Heading(2, "Hello").WithClass("blog-title"),
			sdk.Text("First post").WithClass("blog-summary"),
		).WithClass("blog")},
		{"no summary", sdk.FakeItem{ItemType: "blog"}, "full", sdk.Container().WithClass("blog")},
		{"other types get nothing", sdk.FakeItem{ItemType: "page", ItemTitle: "P"}, "full", sdk.Element{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := view(tt.item, tt.mode)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("view() = %+v\nwant     %+v", got, tt.want)
			}
		})
	}
}

// keys lists a form's element keys, nested ones as parent>child.
func keys(els []*sdk.FormElement, prefix string) []string {
	var out []string
	for _, e := range els {
		out = append(out, prefix+e.Key)
		out = append(out, keys(e.Children, prefix+e.Key+">")...)
	}
	return out
}

func TestAlter(t *testing.T) {
	input := func(key string) *sdk.FormElement {
		return &sdk.FormElement{Key: key, Type: sdk.FormTypeTextField, Label: key}
	}
	actions := func() *sdk.FormElement {
		return &sdk.FormElement{Key: "actions", Type: sdk.FormTypeActions, Children: []*sdk.FormElement{
			{Key: "submit", Type: sdk.FormTypeSubmit, Label: "Save"},
		}}
	}
	tests := []struct {
		name     string
		form     *sdk.Form
		wantKeys []string
		describe string // key of the element that must carry the help text; "" for none
	}{
		{
			name: "wrapper is moved after the title and described",
			form: &sdk.Form{ID: "item_add_blog", Elements: []*sdk.FormElement{
				input("title"), input("field_tags_text"),
				{Key: "field_summary", Type: sdk.FormTypeMultiValue, Children: []*sdk.FormElement{input("field_summary.0.value")}},
				actions(),
			}},
			wantKeys: []string{"title", "field_summary", "field_summary>field_summary.0.value", "field_tags_text", "actions", "actions>submit"},
			describe: "field_summary",
		},
		{
			name: "delta input without a wrapper",
			form: &sdk.Form{ID: "item_edit_blog", Elements: []*sdk.FormElement{
				input("title"), input("field_tags_text.0.value"), input("field_summary.0.value"), actions(),
			}},
			wantKeys: []string{"title", "field_summary.0.value", "field_tags_text.0.value", "actions", "actions>submit"},
			describe: "field_summary.0.value",
		},
		{
			name: "summary inside a fieldset moves out to the title",
			form: &sdk.Form{ID: "item_add_blog", Elements: []*sdk.FormElement{
				input("title"),
				{Key: "meta", Type: sdk.FormTypeFieldset, Children: []*sdk.FormElement{input("field_summary")}},
			}},
			wantKeys: []string{"title", "field_summary", "meta"},
			describe: "field_summary",
		},
		{
			name: "no title: described, not moved",
			form: &sdk.Form{ID: "item_add_blog", Elements: []*sdk.FormElement{
				input("field_tags_text"), input("field_summary"),
			}},
			wantKeys: []string{"field_tags_text", "field_summary"},
			describe: "field_summary",
		},
		{
			name: "a look-alike field is not the summary",
			form: &sdk.Form{ID: "item_add_blog", Elements: []*sdk.FormElement{
				input("title"), input("field_summary_extra"),
			}},
			wantKeys: []string{"title", "field_summary_extra"},
		},
		{
			name: "other forms are unchanged",
			form: &sdk.Form{ID: "item_add_page", Elements: []*sdk.FormElement{
				input("title"), input("field_x"), input("field_summary"),
			}},
			wantKeys: []string{"title", "field_x", "field_summary"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := alter(tt.form)
			if tt.describe == "" {
				if !errors.Is(err, sdk.ErrUnchanged) {
					t.Errorf("alter() = %v, want ErrUnchanged", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if got := keys(tt.form.Elements, ""); !reflect.DeepEqual(got, tt.wantKeys) {
				t.Errorf("keys = %q, want %q", got, tt.wantKeys)
			}
			tt.form.Walk(func(e *sdk.FormElement) bool {
				want := ""
				if e.Key == tt.describe {
					want = summaryHelp
				}
				if e.Description != want {
					t.Errorf("%s: description %q, want %q", e.Key, e.Description, want)
				}
				return true
			})
		})
	}
}
