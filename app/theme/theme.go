// Package theme defines what a visitor theme provides — a page layout and
// one templ component per render element type — and the registry the kernel
// picks the active theme from. Themes live in themes/<name> as templ code.
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
}

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
	// Page wraps content in the theme's layout.
	Page(p PageProps) templ.Component
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
