// Package render turns render elements — JSON trees produced by kernel code
// and plugins, never HTML — into safe HTML through the active theme's templ
// components.
//
// The set of element types is closed: an element whose type is not listed
// here is dropped, so no string from a plugin or a request ever selects code
// to run (the Drupalgeddon 2 lesson). Every string is sanitized on the way
// in (Sanitize) and escaped by templ on the way out; markup in a text format
// passes through that format's bluemonday policy.
package render

import (
	"encoding/json"
	"fmt"
)

// Element types the kernel renders.
const (
	TypeContainer = "container" // a div grouping children
	TypeHeading   = "heading"   // h1–h6 with Text
	TypeText      = "text"      // plain text, escaped, line breaks kept
	TypeMarkup    = "markup"    // HTML in a text Format, sanitized
	TypeLink      = "link"      // an anchor to Href with Text
	TypeList      = "list"      // ul/ol of children
	TypeField     = "field"     // a labelled field: Label and children as values
)

// knownTypes is the closed set.
var knownTypes = map[string]bool{
	TypeContainer: true, TypeHeading: true, TypeText: true, TypeMarkup: true,
	TypeLink: true, TypeList: true, TypeField: true,
}

// Element is one node of a render tree.
type Element struct {
	Type       string            `json:"type"`
	Attributes map[string]string `json:"attributes,omitempty"`
	Classes    []string          `json:"classes,omitempty"`
	Text       string            `json:"text,omitempty"`
	Format     string            `json:"format,omitempty"`
	Level      int               `json:"level,omitempty"`
	Href       string            `json:"href,omitempty"`
	Label      string            `json:"label,omitempty"`
	Ordered    bool              `json:"ordered,omitempty"`
	Children   []Element         `json:"children,omitempty"`
}

// maxDepth bounds nesting so a hostile tree cannot exhaust the stack.
const maxDepth = 32

// Decode parses a render element produced by a plugin. JSON null means the
// plugin had nothing to add.
func Decode(raw json.RawMessage) (*Element, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var el Element
	if err := json.Unmarshal(raw, &el); err != nil {
		return nil, fmt.Errorf("decode render element: %w", err)
	}
	return &el, nil
}
