package form

import (
	"regexp"
	"strings"

	"github.com/a-h/templ"
)

// safeAttributeNames are the attribute names an element's Attributes may
// set besides aria-* and data-*: presentation and input hints only. Anything
// that runs script (on*, hx-*, data-hx-*), loads or submits somewhere (src,
// href, action, formaction), styles (style) or renames the element (id,
// name, type, value) is dropped, since Attributes may come from a plugin's
// tap_form_alter.
var safeAttributeNames = map[string]bool{
	"class": true, "title": true, "lang": true, "dir": true, "autocomplete": true, "inputmode": true,
	"pattern": true, "spellcheck": true,
}

var (
	ariaOrDataName = regexp.MustCompile(`^(aria-[a-z]{1,30}|data-[a-z][a-z0-9-]{0,40})$`)
	classToken     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]{0,63}$`)
)

// SafeAttributes returns the allowlisted entries of attrs, ready to spread
// on an HTML tag: class (reduced to well-formed class names), title, lang,
// dir, autocomplete, inputmode, pattern, spellcheck, aria-* and data-*
// (except data-hx-*, which htmx would act on). Names are compared in lower
// case; values are escaped by templ when rendered.
func SafeAttributes(attrs map[string]string) templ.Attributes {
	out := templ.Attributes{}
	for k, v := range attrs {
		name := strings.ToLower(k)
		if !SafeAttributeName(name) {
			continue
		}
		if name == "class" {
			if v = safeClasses(v); v == "" {
				continue
			}
		}
		out[name] = v
	}
	return out
}

// SafeAttributeName reports whether an attribute of that name (in lower
// case) may be rendered from an element's Attributes.
func SafeAttributeName(name string) bool {
	if safeAttributeNames[name] {
		return true
	}
	if strings.HasPrefix(name, "data-hx") {
		return false
	}
	return ariaOrDataName.MatchString(name)
}

// safeClasses keeps the class names of a class attribute that look like
// class names.
func safeClasses(v string) string {
	var keep []string
	for c := range strings.FieldsSeq(v) {
		if classToken.MatchString(c) {
			keep = append(keep, c)
		}
	}
	return strings.Join(keep, " ")
}

// WrapperID is the HTML id of the element a rebuild Button re-renders under
// htmx (its Wrapper), or "" when the button names none.
func (e *Element) WrapperID() string {
	if e.Wrapper == "" {
		return ""
	}
	return (&Element{Key: e.Wrapper}).ID()
}
