// Package defaulttheme is Trovato's default visitor theme: a plain, readable
// layout with five block regions (see Regions) and one templ component per
// render element type.
package defaulttheme

import (
	"github.com/a-h/templ"

	"github.com/trovato/trovato/app/render"
	"github.com/trovato/trovato/app/theme"
)

// Theme is the default theme.
type Theme struct{}

// Name implements theme.Theme.
func (Theme) Name() string { return "default" }

// Page implements theme.Theme.
func (Theme) Page(p theme.PageProps) templ.Component { return page(p) }

// Regions implements theme.Theme. The default layout has, top to bottom:
// header (full width under the site header), content_top and
// content_bottom (above and below the page content, inside the main
// column), sidebar_first (a column beside the content, shown only when it
// has blocks) and footer (above the "Powered by" line).
func (Theme) Regions() []theme.Region {
	return []theme.Region{
		{Name: "header", Label: "Header"},
		{Name: "content_top", Label: "Content top"},
		{Name: "sidebar_first", Label: "Sidebar"},
		{Name: "content_bottom", Label: "Content bottom"},
		{Name: "footer", Label: "Footer"},
	}
}

// Element implements theme.Theme.
func (Theme) Element(el render.Element, children []templ.Component) templ.Component {
	switch el.Type {
	case render.TypeHeading:
		return heading(el)
	case render.TypeText:
		return text(el)
	case render.TypeMarkup:
		return markup(el)
	case render.TypeLink:
		return link(el)
	case render.TypeList:
		return list(el, children)
	case render.TypeField:
		return field(el, children)
	default:
		return container(el, children)
	}
}

func classes(el render.Element, base ...string) string {
	out := ""
	for _, c := range append(base, el.Classes...) {
		if out != "" {
			out += " "
		}
		out += c
	}
	return out
}

func attrs(el render.Element) templ.Attributes {
	a := templ.Attributes{}
	for k, v := range el.Attributes {
		a[k] = v
	}
	return a
}
