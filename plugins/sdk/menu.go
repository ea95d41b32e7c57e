package sdk

import (
	"encoding/json"
	"errors"
)

// Route is a page a plugin serves, declared in tap_menu. The kernel matches
// the request path against Path, checks Permission for the visitor, calls
// the page callback tap Callback and renders the element it returns in the
// visitor theme.
type Route struct {
	// Path is the path pattern: literal segments and {name} placeholders,
	// each standing for one segment, e.g. "/blog" or "/blog/tag/{tag}".
	// Literal segments use a-z, 0-9, - and _.
	Path string `json:"path"`
	// Title is the page title, unless the callback's Page sets one.
	Title string `json:"title"`
	// Callback is the page callback: a tap the manifest declares, named
	// page_<something>, implemented with PageCallback.
	Callback string `json:"callback"`
	// Permission is the permission a visitor needs; "" means
	// "access content".
	Permission string `json:"permission,omitempty"`
}

// MenuLink is a link a plugin adds to a menu (e.g. "main").
type MenuLink struct {
	Title  string `json:"title"`
	Path   string `json:"path"` // a site-relative path, e.g. "/blog"
	Menu   string `json:"menu,omitempty"`
	Weight int    `json:"weight,omitempty"`
}

// MenuDef is the answer of tap_menu: the plugin's routes and menu links.
type MenuDef struct {
	Routes []Route    `json:"routes,omitempty"`
	Links  []MenuLink `json:"links,omitempty"`
}

// PageRequest is what a page callback receives.
type PageRequest struct {
	Path    string            `json:"path"`  // the request path, e.g. "/blog/tag/go"
	Route   string            `json:"route"` // the matched pattern, e.g. "/blog/tag/{tag}"
	Args    map[string]string `json:"args"`  // placeholder values, e.g. {"tag":"go"}
	Query   map[string]string `json:"query"` // the query string, first value of each key
	Account Account           `json:"account"`
}

// Page is what a page callback answers: the page content as a render
// element, and optionally a title replacing the route's.
type Page struct {
	Title   string
	Content Element
}

// Menu is the glue for tap_menu: fn declares the plugin's routes and menu
// links. The kernel asks when the plugin is enabled (and at start).
func Menu(p, n uint32, fn func() (MenuDef, error)) uint64 {
	return RawTap(p, n, func([]byte) ([]byte, error) { return serveMenu(fn) })
}

// PageCallback is the glue for a page callback tap (page_<name>): fn
// builds the page for a request matching one of the plugin's routes.
func PageCallback(p, n uint32, fn func(req PageRequest) (Page, error)) uint64 {
	return RawTap(p, n, func(in []byte) ([]byte, error) { return servePage(in, fn) })
}

func serveMenu(fn func() (MenuDef, error)) ([]byte, error) {
	m, err := fn()
	if err != nil {
		return nil, err
	}
	return json.Marshal(m)
}

func servePage(in []byte, fn func(PageRequest) (Page, error)) ([]byte, error) {
	var req PageRequest
	if err := json.Unmarshal(in, &req); err != nil {
		return nil, Errorf(CodeInvalid, "page callback input: %v", err)
	}
	pg, err := fn(req)
	if err != nil {
		return nil, err
	}
	if pg.Content.Type == "" {
		return nil, errors.New("page callback returned no content")
	}
	b := append([]byte(nil), `{"title":`...)
	b = appendString(b, pg.Title)
	b = append(b, `,"content":`...)
	b = appendElement(b, &pg.Content)
	return append(b, '}'), nil
}

// PreprocessInput describes the element tap_preprocess may add to.
type PreprocessInput struct {
	// Element is what is being rendered: "item" (an item display) or
	// "page" (a plugin route's page).
	Element string
	// Suggestions are the specific names of the element, most specific
	// last, e.g. ["item__blog", "item__blog__full"] or ["page__blog"].
	Suggestions []string
	// Item is the item shown (Element "item"), read by handle; nil for pages.
	Item Item
	// Type and ViewMode describe the item (Element "item").
	Type, ViewMode string
	// Path is the request path of a page (Element "page").
	Path string
	// Classes are the element's classes so far.
	Classes []string
}

// Additions are what tap_preprocess adds to an element. The kernel only
// adds: classes are appended, attributes set only where the element has
// none of that name, children appended; everything is sanitized.
type Additions struct {
	Classes    []string
	Attributes map[string]string
	Children   []Element
}

// Suggests reports whether s is one of the input's suggestions.
func (in PreprocessInput) Suggests(s string) bool {
	for _, x := range in.Suggestions {
		if x == s {
			return true
		}
	}
	return false
}

// Preprocess is the glue for tap_preprocess: fn returns what to add to the
// element (the zero Additions adds nothing).
func Preprocess(p, n uint32, fn func(in PreprocessInput) (Additions, error)) uint64 {
	return RawTap(p, n, func(in []byte) ([]byte, error) { return servePreprocess(in, itemHandle, fn) })
}

// preprocessWire is the tap_preprocess input.
type preprocessWire struct {
	Element     string   `json:"element"`
	Suggestions []string `json:"suggestions"`
	Item        uint32   `json:"item"`
	Type        string   `json:"type"`
	ViewMode    string   `json:"view_mode"`
	Path        string   `json:"path"`
	Classes     []string `json:"classes"`
}

func servePreprocess(in []byte, item func(handle uint32, typ string) Item, fn func(PreprocessInput) (Additions, error)) ([]byte, error) {
	var w preprocessWire
	if err := json.Unmarshal(in, &w); err != nil {
		return nil, Errorf(CodeInvalid, "tap_preprocess input: %v", err)
	}
	pi := PreprocessInput{Element: w.Element, Suggestions: w.Suggestions, Type: w.Type, ViewMode: w.ViewMode, Path: w.Path, Classes: w.Classes}
	if w.Item != 0 {
		pi.Item = item(w.Item, w.Type)
	}
	add, err := fn(pi)
	if err != nil {
		return nil, err
	}
	if len(add.Classes) == 0 && len(add.Attributes) == 0 && len(add.Children) == 0 {
		return nil, nil // null: nothing to add
	}
	b := append([]byte(nil), `{"classes":[`...)
	for i, c := range add.Classes {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, c)
	}
	b = append(b, `],"attributes":`...)
	b = appendStringMap(b, add.Attributes)
	b = append(b, `,"children":[`...)
	k := 0
	for i := range add.Children {
		if add.Children[i].Type == "" {
			continue
		}
		if k > 0 {
			b = append(b, ',')
		}
		b = appendElement(b, &add.Children[i])
		k++
	}
	return append(b, "]}"...), nil
}
