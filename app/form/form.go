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
	"sort"
	"strings"
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
	// Input holds the submitted values while a form is rebuilt during a
	// submission (Drupal's $form_state['values']): builders may read it to
	// choose elements, e.g. the settings of a chosen field type. It is
	// never stored.
	Input Values `json:"-"`
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

// WalkActive visits every element a user can submit, depth first: it skips
// the whole subtree of an element without access or disabled, since the
// browser posts nothing from it.
func (f *Form) WalkActive(fn func(*Element)) {
	var walk func([]*Element)
	walk = func(els []*Element) {
		for _, e := range els {
			if e.NoAccess || e.Disabled {
				continue
			}
			fn(e)
			walk(e.Children)
		}
	}
	walk(f.Elements)
}

// Fill takes the values of the form's own input elements from posted and
// stores them as element values; keys the form does not define are never
// looked at, nor are elements the user could not submit. It returns the
// values it took.
func (f *Form) Fill(posted Values) Values {
	values := Values{}
	f.WalkActive(func(e *Element) {
		if !e.TakesValue() {
			return
		}
		vs, sent := posted[e.Key]
		switch e.Type {
		case Checkbox:
			e.Value = ""
			if len(vs) > 0 && vs[0] != "" {
				e.Value = "1"
			}
			values[e.Key] = []string{e.Value}
		case Checkboxes:
			e.Values = append([]string(nil), vs...)
			values[e.Key] = e.Values
		case Select:
			if e.Multiple {
				e.Values = append([]string(nil), vs...)
				values[e.Key] = e.Values
				return
			}
			fallthrough
		default:
			if !sent {
				// Not on the page the user saw (e.g. settings of a field
				// type chosen but not yet shown): keep the default.
				values[e.Key] = []string{e.Value}
				return
			}
			v := ""
			if len(vs) > 0 {
				v = vs[0]
			}
			if e.Type != Password {
				v = strings.ReplaceAll(v, "\r\n", "\n")
			}
			if e.Type == Select && v != "" && !hasOption(e.Options, v) {
				e.Error = "An illegal choice has been detected. Please contact the site administrator."
			}
			e.Value = v
			values[e.Key] = []string{v}
		}
	})
	return values
}

// Submit is Fill for a lookup function (fiber's FormValue); it returns one
// value per key.
func (f *Form) Submit(lookup func(key string) string) map[string]string {
	posted := Values{}
	f.Walk(func(e *Element) {
		if e.TakesValue() {
			if v := lookup(e.Key); v != "" {
				posted[e.Key] = []string{v}
			}
		}
	})
	out := map[string]string{}
	for k, v := range f.Fill(posted) {
		if len(v) > 0 {
			out[k] = v[0]
		}
	}
	return out
}

func hasOption(opts []Option, v string) bool {
	for _, o := range opts {
		if o.Value == v {
			return true
		}
	}
	return false
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

// SetErrors puts per-field messages from a service error on the form: on
// the element of that key, or — for "fields.<name>" keys — on the field's
// element (name, name.0 or name.0.value); messages that match no element
// go to the summary. Keys are taken in sorted order so the summary is stable.
func (f *Form) SetErrors(fields map[string]string) {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		target := ""
		name := strings.TrimPrefix(key, "fields.")
		for _, k := range []string{key, name, name + ".0", name + ".0.value"} {
			if f.Find(k) != nil {
				target = k
				break
			}
		}
		f.SetError(target, fields[key])
	}
}
