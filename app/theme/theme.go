// Package theme defines what a visitor theme provides — a page layout with
// named regions and one templ component per render element type — and the
// registry the kernel picks the active theme from. Themes live in
// themes/<name> as templ code.
//
// Regions are Drupal's: a theme declares them in Go (Theme.Regions), the
// block placement admin (app/block) offers exactly those, and the layout
// renders each region that has content for the request and nothing at all
// for an empty one — no empty sidebar columns, no empty wrappers.
package theme

import (
	"github.com/a-h/templ"

	"github.com/trovato/trovato/app/render"
)

// PageProps is everything a theme's page layout shows around the content.
type PageProps struct {
	SiteName  string
	Title     string // page title; empty hides the heading
	Messages  []string
	UserName  string // empty for anonymous visitors
	CanAdmin  bool
	CSRFToken string
	NoIndex   bool
	Tabs      []Tab // local tasks (View, Edit, …) shown under the title
	Menu      []Tab // links of the main menu (plugins add them through tap_menu)
	Content   templ.Component
	// Regions holds the blocks shown in each region of the theme, by
	// region name, in order; a region without blocks is absent.
	Regions map[string][]templ.Component
}

// Region is a named area of a theme's page layout that blocks are placed in.
type Region struct {
	Name  string // machine name, e.g. "sidebar_first"
	Label string // shown in the block placement admin, e.g. "Left sidebar"
}

// Blocks returns the blocks of region, nil when it has none.
func (p PageProps) Blocks(region string) []templ.Component { return p.Regions[region] }

// Has reports whether region has something to show.
func (p PageProps) Has(region string) bool { return len(p.Regions[region]) > 0 }

// Tab is one local task link.
type Tab struct {
	Label  string
	URL    string
	Active bool
}

// Theme renders pages and render elements.
type Theme interface {
	// Name is the theme's machine name (the directory under themes/).
	Name() string
	// Page wraps content in the theme's layout, with p.Regions in their
	// places; a region without blocks renders nothing.
	Page(p PageProps) templ.Component
	// Regions lists the regions the layout has, in page order.
	Regions() []Region
	// Element renders one sanitized element whose children are already
	// rendered; it may choose a component by el.Type and el.Classes.
	Element(el render.Element, children []templ.Component) templ.Component
}

// Tree renders a sanitized element tree with the theme's components.
func Tree(th Theme, el render.Element) templ.Component {
	children := make([]templ.Component, 0, len(el.Children))
	for _, c := range el.Children {
		children = append(children, Tree(th, c))
	}
	return th.Element(el, children)
}

// HasRegion reports whether th declares a region named name.
func HasRegion(th Theme, name string) bool {
	for _, r := range th.Regions() {
		if r.Name == name {
			return true
		}
	}
	return false
}
