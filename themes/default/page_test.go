package defaulttheme

import (
	"context"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"github.com/trovato/trovato/app/theme"
)

func renderPage(t *testing.T, p theme.PageProps) string {
	t.Helper()
	var b strings.Builder
	if err := (Theme{}).Page(p).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Every declared region renders its blocks in its place, in page order;
// a region without blocks leaves no trace, and the sidebar column exists
// only with sidebar blocks.
func TestRegions(t *testing.T) {
	regions := map[string][]templ.Component{}
	var order []string
	for _, r := range (Theme{}).Regions() {
		regions[r.Name] = []templ.Component{templ.Raw("<p>" + r.Name + " one</p>"), templ.Raw("<p>" + r.Name + " two</p>")}
		order = append(order, r.Name)
	}
	full := renderPage(t, theme.PageProps{SiteName: "S", Title: "T", Content: templ.Raw("<p>CONTENT</p>"), Regions: regions})
	for _, name := range order {
		if !strings.Contains(full, `data-testid="region-`+name+`"`) {
			t.Errorf("region %s missing", name)
		}
		if strings.Index(full, name+" one") > strings.Index(full, name+" two") {
			t.Errorf("blocks of %s out of order", name)
		}
	}
	// Document order: header, content_top, the content, content_bottom,
	// the sidebar (placed left by CSS), footer.
	seq := []string{"header one", "content_top one", "CONTENT", "content_bottom one", "sidebar_first one", "footer one", "Powered by"}
	last := -1
	for _, s := range seq {
		i := strings.Index(full, s)
		if i < last {
			t.Errorf("%q is not after the previous part of the page", s)
		}
		last = i
	}
	if !strings.Contains(full, `class="page-layout with-sidebar-first"`) {
		t.Error("the layout has no sidebar column with sidebar blocks")
	}

	empty := renderPage(t, theme.PageProps{SiteName: "S", Title: "T", Content: templ.Raw("<p>CONTENT</p>"),
		Regions: map[string][]templ.Component{"footer": nil}})
	for _, unwanted := range []string{`data-testid="region-`, "with-sidebar-first", `class="region`, "<aside"} {
		if strings.Contains(empty, unwanted) {
			t.Errorf("a page without blocks contains %q", unwanted)
		}
	}
	if !strings.Contains(empty, "CONTENT") || !strings.Contains(empty, `class="page-layout"`) {
		t.Error("the page without blocks lost its content")
	}
}
