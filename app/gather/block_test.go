package gather

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBlockDisplayValidate(t *testing.T) {
	base := func() Definition {
		return Definition{BaseTypes: []string{"page"}, Pager: Pager{ItemsPerPage: 10}, Display: Display{Path: "/news", Title: "News"}}
	}
	cases := []struct {
		name string
		edit func(*Definition)
		want string // "" for valid
	}{
		{"no block", func(d *Definition) {}, ""},
		{"block", func(d *Definition) { d.Block = &BlockDisplay{Items: 5, More: true} }, ""},
		{"block without a page", func(d *Definition) { d.Display.Path = ""; d.Block = &BlockDisplay{Items: 5} }, ""},
		{"zero items", func(d *Definition) { d.Block = &BlockDisplay{} }, "block: items must be between 1 and 50"},
		{"too many items", func(d *Definition) { d.Block = &BlockDisplay{Items: 51} }, "block: items must be between 1 and 50"},
		{"more without a page", func(d *Definition) { d.Display.Path = ""; d.Block = &BlockDisplay{Items: 3, More: true} },
			"block: the more link needs a page display path"},
		{"arguments", func(d *Definition) {
			d.Display.Path = "/blog/{author}"
			d.Arguments = []Argument{{Name: "author", Field: "author"}}
			d.Block = &BlockDisplay{Items: 3}
		}, "block: a listing with path arguments cannot be a block"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := base()
			tc.edit(&d)
			err := d.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// The block runs the listing without a pager and with exposed filters
// reduced to their defaults, leaving the stored definition untouched.
func TestBlockDefinition(t *testing.T) {
	d := &Definition{
		BaseTypes: []string{"article"},
		Filters: []Filter{
			{Field: "status", Op: "=", Value: true},
			{Field: "created", Op: "year", Expose: &Expose{Identifier: "year", Label: "Year", Widget: "text"}},
			{Field: "field_kind", Op: "=", Value: "news", Expose: &Expose{Identifier: "kind", Label: "Kind", Widget: "text"}},
		},
		Pager: Pager{Type: "full", ItemsPerPage: 20},
		Block: &BlockDisplay{Items: 3},
	}
	bd := blockDefinition(d)
	want := []Filter{{Field: "status", Op: "=", Value: true}, {Field: "field_kind", Op: "=", Value: "news"}}
	if diff := cmp.Diff(want, bd.Filters); diff != "" {
		t.Errorf("filters (-want +got):\n%s", diff)
	}
	if bd.Pager != (Pager{Type: "none", ItemsPerPage: 3}) {
		t.Errorf("pager %+v", bd.Pager)
	}
	if len(d.Filters) != 3 || d.Filters[2].Expose == nil || d.Pager.Type != "full" {
		t.Error("the stored definition was changed")
	}
	if len(bd.Exposed()) != 0 {
		t.Error("the block definition still has exposed filters")
	}
}
