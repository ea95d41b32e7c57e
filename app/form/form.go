// Package form is the Form API: forms are trees of typed elements built in
// Go, rendered by templ components in views/, and processed on submit in a
// fixed order — CSRF check (middleware) → values taken only for elements
// present in the built form → validation → submit handler.
//
// Request data never becomes an element type, a property or a callback:
// a posted key that names no input element of the built form is ignored,
// whatever it looks like (Drupal's "#" properties included).
package form

import (
	"strconv"
	"strings"

	"github.com/go-playground/validator/v10"
)

// Form is a built form.
type Form struct {
	ID        string       `json:"id"` // form id, e.g. "item_add_page"; sent back in form_id
	Action    string       `json:"action"`
	Method    string       `json:"method,omitempty"` // "post" (default) or "get"
	BuildID   string       `json:"-"`                // form state key, sent back in form_build_id
	CSRFToken string       `json:"-"`
	Elements  []*Element   `json:"elements"`
	Errors    []FieldError `json:"-"` // summary shown at the top, in element order
}

// State is what a form remembers between requests under its build id, so
// AJAX rebuilds ("Add another item", "Remove") and multi-step forms can be
// rebuilt on the server. Builders own its contents.
type State struct {
	FormID string            `json:"form_id"`
	Items  map[string]int    `json:"items,omitempty"` // values shown per multi-value wrapper key
	Data   map[string]string `json:"data,omitempty"`  // builder-owned values
}

// FieldError is a validation message for one element.
type FieldError struct {
	ID      string // the element's HTML id, for the summary's link
	Label   string
	Message string
}

// Walk visits every element depth first.
func (f *Form) Walk(fn func(*Element)) {
	var walk func([]*Element)
	walk = func(els []*Element) {
		for _, e := range els {
			fn(e)
			walk(e.Children)
		}
	}
	walk(f.Elements)
}

// Find returns the element with key, or nil.
func (f *Form) Find(key string) *Element {
	var found *Element
	f.Walk(func(e *Element) {
		if e.Key == key && found == nil {
			found = e
		}
	})
	return found
}

// Submit takes the submitted values of the form's own input elements from
// lookup (e.g. fiber's FormValue) and stores them as element values. Keys
// the form does not define are never looked at. It returns the values.
func (f *Form) Submit(lookup func(key string) string) map[string]string {
	values := map[string]string{}
	f.Walk(func(e *Element) {
		if !e.TakesValue() {
			return
		}
		v := lookup(e.Key)
		if e.Type == Checkbox {
			if v != "" {
				v = "1"
			}
		} else if e.Type != Password {
			v = strings.ReplaceAll(v, "\r\n", "\n")
		}
		if e.Type == Select && v != "" && !hasOption(e.Options, v) {
			e.Error = "The value you selected is not a valid choice."
		}
		e.Value = v
		values[e.Key] = v
	})
	return values
}

func hasOption(opts []Option, v string) bool {
	for _, o := range opts {
		if o.Value == v {
			return true
		}
	}
	return false
}

var validate = validator.New()

// Validate checks each element's constraints (required, maximum length)
// with go-playground/validator, keeps any messages already set, and fills
// the summary. It reports whether the form is valid.
func (f *Form) Validate() bool {
	f.Errors = nil
	f.Walk(func(e *Element) {
		if !e.TakesValue() {
			return
		}
		if e.Error == "" {
			e.Error = constraintError(e)
		}
		if e.Error != "" {
			f.Errors = append(f.Errors, FieldError{ID: e.ID(), Label: e.Label, Message: e.Error})
		}
	})
	return len(f.Errors) == 0
}

// SetError attaches a message to an element (e.g. from a submit handler
// that found a conflict) and adds it to the summary.
func (f *Form) SetError(key, msg string) {
	if e := f.Find(key); e != nil {
		e.Error = msg
		f.Errors = append(f.Errors, FieldError{ID: e.ID(), Label: e.Label, Message: msg})
		return
	}
	f.Errors = append(f.Errors, FieldError{Message: msg})
}

func constraintError(e *Element) string {
	label := e.Label
	if label == "" {
		label = e.Key
	}
	if e.Required && validate.Var(strings.TrimSpace(e.Value), "required") != nil {
		return label + " field is required."
	}
	if e.MaxLength > 0 && e.Value != "" && validate.Var(e.Value, "max="+strconv.Itoa(e.MaxLength)) != nil {
		return label + " cannot be longer than " + strconv.Itoa(e.MaxLength) + " characters."
	}
	return ""
}
