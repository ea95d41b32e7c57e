package sdk

import (
	"errors"
	"strings"
)

// The form element types of the kernel's Form API (app/form); the set is
// closed, and the host refuses an altered form naming any other type.
const (
	FormTypeTextField    = "textfield"
	FormTypeTextArea     = "textarea"
	FormTypeNumber       = "number"
	FormTypeEmail        = "email"
	FormTypeURL          = "url"
	FormTypeDate         = "date"
	FormTypeDateTime     = "datetime"
	FormTypeCheckbox     = "checkbox"
	FormTypeCheckboxes   = "checkboxes"
	FormTypeRadios       = "radios"
	FormTypeSelect       = "select"
	FormTypeHidden       = "hidden"
	FormTypePassword     = "password"
	FormTypeFile         = "file"
	FormTypeAutocomplete = "autocomplete"
	FormTypeFieldset     = "fieldset"
	FormTypeDetails      = "details"
	FormTypeMarkup       = "markup"
	FormTypeActions      = "actions"
	FormTypeSubmit       = "submit"
	FormTypeButton       = "button"
	FormTypeMultiValue   = "multivalue"
)

// ErrUnchanged, returned by a form_alter function, tells the host the form
// was left as it came: the SDK answers null instead of serializing the form,
// and the host skips decoding and checking it. Return it for forms the
// plugin does not alter.
var ErrUnchanged = errors.New("sdk: form unchanged")

// Form is the form a form_alter function receives and changes in place:
// its id (e.g. "item_add_blog", which never changes) and its element tree.
// Plugins may add, remove, reorder and change elements; the host checks the
// result (known types, well-formed unique keys, children only in
// containers) and discards the whole alteration of a plugin that breaks
// those rules.
type Form struct {
	ID       string
	Elements []*FormElement
	extra    []byte // fields this SDK does not know, kept verbatim
}

// FormOption is one choice of a select, radios or checkboxes element.
type FormOption struct {
	Value string
	Label string
}

// FormElement is one node of a form, mirroring the kernel's form.Element
// (its JSON keys in brackets below). Key is unique in the form and, for
// inputs, the request key of the value ("title", "field_tags.0.value").
// Members a newer kernel sends that this SDK does not know survive the
// round trip unchanged. Strings and elements may be kept after the call.
type FormElement struct {
	Key              string            // [key]
	Type             string            // [type] one of the FormType* constants
	Label            string            // [label]
	Description      string            // [description] help text under the input
	Placeholder      string            // [placeholder]
	Required         bool              // [required]
	Disabled         bool              // [disabled]
	NoAccess         bool              // [no_access] neither rendered nor read
	Weight           int               // [weight]
	Value            string            // [value] default, then submitted value
	Values           []string          // [values] checkboxes and multiple selects
	Multiple         bool              // [multiple] a select of several values
	Min              *float64          // [min]
	Max              *float64          // [max]
	Step             string            // [step] "1", "0.01", "any"
	MaxLength        int               // [maxlength]
	Rows             int               // [rows]
	Options          []FormOption      // [options]
	Attributes       map[string]string // [attributes] allowlisted at render time
	Markup           string            // [markup] text of markup elements (escaped)
	Open             bool              // [open] details start open
	Op               string            // [op] what a rebuild button does, set by the form's builder
	Wrapper          string            // [wrapper] key of the element a rebuild button re-renders
	AutocompletePath string            // [autocomplete_path]
	Error            string            // [error] validation message at the element
	Children         []*FormElement    // [children] of fieldset, details, actions and multivalue
	extra            []byte            // fields this SDK does not know, kept verbatim
}

// Walk visits every element depth first, parents before their children,
// until fn returns false.
func (f *Form) Walk(fn func(*FormElement) bool) {
	walkElements(f.Elements, fn)
}

func walkElements(els []*FormElement, fn func(*FormElement) bool) bool {
	for _, e := range els {
		if e == nil {
			continue
		}
		if !fn(e) || !walkElements(e.Children, fn) {
			return false
		}
	}
	return true
}

// FindFunc returns the first element, depth first and parents before their
// children (so the outermost of nested matches), for which match is true.
func (f *Form) FindFunc(match func(*FormElement) bool) *FormElement {
	var found *FormElement
	f.Walk(func(e *FormElement) bool {
		if match(e) {
			found = e
		}
		return found == nil
	})
	return found
}

// Find returns the element with key, at any depth, or nil.
func (f *Form) Find(key string) *FormElement {
	return f.FindFunc(func(e *FormElement) bool { return e.Key == key })
}

// FindPrefix returns the outermost element whose key is name or starts with
// name followed by "." (a field's wrapper, or its first delta input when
// there is no wrapper), or nil.
func (f *Form) FindPrefix(name string) *FormElement {
	return f.FindFunc(func(e *FormElement) bool {
		return e.Key == name || (strings.HasPrefix(e.Key, name) && len(e.Key) > len(name) && e.Key[len(name)] == '.')
	})
}

// locate returns the list holding the element with key and its index there.
func (f *Form) locate(key string) (*[]*FormElement, int) {
	return locateIn(&f.Elements, key)
}

func locateIn(list *[]*FormElement, key string) (*[]*FormElement, int) {
	for i, e := range *list {
		if e == nil {
			continue
		}
		if e.Key == key {
			return list, i
		}
		if l, j := locateIn(&e.Children, key); l != nil {
			return l, j
		}
	}
	return nil, -1
}

// Remove removes the element with key (and its children) wherever it is;
// false when there is none.
func (f *Form) Remove(key string) bool {
	_, ok := f.take(key)
	return ok
}

// take removes the element with key and returns it.
func (f *Form) take(key string) (*FormElement, bool) {
	list, i := f.locate(key)
	if list == nil {
		return nil, false
	}
	e := (*list)[i]
	*list = append((*list)[:i], (*list)[i+1:]...)
	return e, true
}

// InsertAfter inserts el directly after the element with key, in the same
// list (top level or a container's children), giving el that element's
// Weight so weight-ordered rendering keeps it in place. False, and no
// change, when key is not found or el is nil.
func (f *Form) InsertAfter(key string, el *FormElement) bool { return f.insert(key, el, 1) }

// InsertBefore is InsertAfter placing el directly before the element with key.
func (f *Form) InsertBefore(key string, el *FormElement) bool { return f.insert(key, el, 0) }

func (f *Form) insert(key string, el *FormElement, offset int) bool {
	if el == nil {
		return false
	}
	list, i := f.locate(key)
	if list == nil {
		return false
	}
	el.Weight = (*list)[i].Weight
	i += offset
	*list = append(*list, nil)
	copy((*list)[i+1:], (*list)[i:])
	(*list)[i] = el
	return true
}

// Move moves the element with key (and its children) to directly after the
// element afterKey, wherever either is in the tree, taking afterKey's
// Weight like InsertAfter. False, and no change, when either is missing,
// they are the same, or afterKey is inside key's element.
func (f *Form) Move(key, afterKey string) bool { return f.move(key, afterKey, 1) }

// MoveBefore is Move placing the element directly before beforeKey.
func (f *Form) MoveBefore(key, beforeKey string) bool { return f.move(key, beforeKey, 0) }

func (f *Form) move(key, anchor string, offset int) bool {
	if key == anchor {
		return false
	}
	list, i := f.locate(key)
	if list == nil {
		return false
	}
	if l, _ := locateIn(&(*list)[i].Children, anchor); l != nil {
		return false // the anchor would leave the tree with the element
	}
	if l, _ := f.locate(anchor); l == nil {
		return false
	}
	e, _ := f.take(key)
	return f.insert(anchor, e, offset)
}
