package sdk

// The element types the kernel renders; the set is closed.
const (
	TypeContainer = "container" // a wrapper (<div>) around Children
	TypeHeading   = "heading"   // Text as a heading of Level 1–6
	TypeText      = "text"      // Text as plain text, escaped by the kernel
	TypeMarkup    = "markup"    // Text as HTML in Format, sanitized by the kernel
	TypeLink      = "link"      // Text linking to Href
	TypeList      = "list"      // Children as list items
	TypeField     = "field"     // Label followed by Children as the field's items
)

// The text formats a markup element may use.
const (
	FormatPlainText = "plain_text"
	FormatBasicHTML = "basic_html"
)

// Element is a render element: a JSON tree the kernel sanitizes and renders
// through the theme. Plugins never produce HTML directly. The zero Element
// means "nothing" and serializes as null.
type Element struct {
	Type       string            // one of the Type* constants
	Attributes map[string]string // extra HTML attributes; the kernel filters them
	Classes    []string          // CSS classes
	Text       string            // text of heading, text, markup and link
	Format     string            // text format of markup
	Level      int               // heading level, 1–6
	Href       string            // link target
	Label      string            // field label
	Children   []Element         // contents of container, list and field
}

// Container wraps children.
func Container(children ...Element) Element {
	return Element{Type: TypeContainer, Children: children}
}

// Heading is a heading of level (1–6).
func Heading(level int, text string) Element {
	return Element{Type: TypeHeading, Level: level, Text: text}
}

// Text is plain text; the kernel escapes it.
func Text(text string) Element {
	return Element{Type: TypeText, Text: text}
}

// Markup is HTML in a text format (FormatPlainText or FormatBasicHTML);
// the kernel sanitizes it according to the format.
func Markup(html, format string) Element {
	return Element{Type: TypeMarkup, Text: html, Format: format}
}

// Link is text linking to href.
func Link(text, href string) Element {
	return Element{Type: TypeLink, Text: text, Href: href}
}

// List is a list with one item per element.
func List(items ...Element) Element {
	return Element{Type: TypeList, Children: items}
}

// FieldElement is a field display: a label and its items.
func FieldElement(label string, items ...Element) Element {
	return Element{Type: TypeField, Label: label, Children: items}
}

// WithClass returns e with classes appended. When e has no classes yet it
// keeps the classes slice itself rather than a copy.
func (e Element) WithClass(classes ...string) Element {
	if len(e.Classes) == 0 {
		e.Classes = classes // the common case, without a copy
		return e
	}
	e.Classes = append(e.Classes[:len(e.Classes):len(e.Classes)], classes...)
	return e
}

// WithAttr returns e with attribute name set to value.
func (e Element) WithAttr(name, value string) Element {
	attrs := make(map[string]string, len(e.Attributes)+1)
	for k, v := range e.Attributes {
		attrs[k] = v
	}
	attrs[name] = value
	e.Attributes = attrs
	return e
}

// WithChildren returns e with children appended.
func (e Element) WithChildren(children ...Element) Element {
	e.Children = append(e.Children[:len(e.Children):len(e.Children)], children...)
	return e
}
