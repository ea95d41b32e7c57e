package form

import "strings"

// Element types. The set is closed: views render each with its own
// component, and an altered form naming any other type is rejected.
const (
	TextField    = "textfield"
	TextArea     = "textarea"
	Number       = "number"
	Email        = "email"
	URL          = "url"
	Date         = "date"
	DateTime     = "datetime"
	Checkbox     = "checkbox"
	Checkboxes   = "checkboxes"
	Radios       = "radios"
	Select       = "select" // Multiple selects several
	Hidden       = "hidden"
	Password     = "password"
	File         = "file"         // placeholder until file storage exists
	Autocomplete = "autocomplete" // item reference: a text input with suggestions from AutocompletePath
	Fieldset     = "fieldset"
	Details      = "details"
	Markup       = "markup"
	Actions      = "actions"
	Submit       = "submit" // submits the form (runs validation and submit handlers)
	Button       = "button" // a rebuild button: applies Op to the form state, no validation ("Add another item")
	MultiValue   = "multivalue"
)

// knownTypes is the closed set of element types.
var knownTypes = map[string]bool{
	TextField: true, TextArea: true, Number: true, Email: true, URL: true, Date: true, DateTime: true,
	Checkbox: true, Checkboxes: true, Radios: true, Select: true, Hidden: true, Password: true, File: true,
	Autocomplete: true, Fieldset: true, Details: true, Markup: true, Actions: true, Submit: true, Button: true,
	MultiValue: true,
}

// IsKnownType reports whether t is an element type of the Form API.
func IsKnownType(t string) bool { return knownTypes[t] }

// Option is one choice of a select, radios or checkboxes element.
type Option struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Element is one node of a form. Key is the element's unique name in the
// form and, for input elements, the request key its value is read from
// ("title", "field_links.0.uri"). Containers (fieldset, details, actions,
// multivalue) group children; only input elements take values.
type Element struct {
	Key         string            `json:"key"`
	Type        string            `json:"type"`
	Label       string            `json:"label,omitempty"`
	Description string            `json:"description,omitempty"`
	Placeholder string            `json:"placeholder,omitempty"`
	Required    bool              `json:"required,omitempty"`
	Disabled    bool              `json:"disabled,omitempty"`
	NoAccess    bool              `json:"no_access,omitempty"` // not rendered, not read (Drupal's #access = FALSE)
	Weight      int               `json:"weight,omitempty"`
	Value       string            `json:"value,omitempty"`    // default, then submitted value
	Values      []string          `json:"values,omitempty"`   // for checkboxes and multiple selects
	Multiple    bool              `json:"multiple,omitempty"` // select several
	Min         *float64          `json:"min,omitempty"`
	Max         *float64          `json:"max,omitempty"`
	Step        string            `json:"step,omitempty"` // number step, e.g. "1" or "0.01" or "any"
	MaxLength   int               `json:"maxlength,omitempty"`
	Rows        int               `json:"rows,omitempty"`
	Options     []Option          `json:"options,omitempty"`
	Attributes  map[string]string `json:"attributes,omitempty"` // allowlisted at render time
	Markup      string            `json:"markup,omitempty"`     // text of markup elements (escaped)
	Open        bool              `json:"open,omitempty"`       // details start open
	// Op is what a rebuild Button does to the form state, set by the code
	// that built the form (e.g. "add:field_links" or "remove:field_links:2");
	// the request only says which button was pressed, never what it does.
	// On a Select, Op names the rebuild button that a change of the select
	// presses under htmx (and Wrapper the element it rebuilds).
	Op string `json:"op,omitempty"`
	// Wrapper is the key of the element a rebuild Button re-renders under
	// htmx (the multi-value wrapper it belongs to).
	Wrapper          string     `json:"wrapper,omitempty"`
	AutocompletePath string     `json:"autocomplete_path,omitempty"`
	Error            string     `json:"error,omitempty"` // validation message shown at the element
	Children         []*Element `json:"children,omitempty"`
}

// ID is the element's HTML id, derived from its key.
func (e *Element) ID() string {
	r := strings.NewReplacer("_", "-", ".", "-")
	return "edit-" + r.Replace(e.Key)
}

// TakesValue reports whether the element reads a value from the request.
func (e *Element) TakesValue() bool {
	switch e.Type {
	case TextField, TextArea, Number, Email, URL, Date, DateTime, Checkbox, Checkboxes, Radios, Select,
		Hidden, Password, Autocomplete:
		return true
	}
	return false
}

// IsContainer reports whether the element only groups children.
func (e *Element) IsContainer() bool {
	switch e.Type {
	case Fieldset, Details, Actions, MultiValue:
		return true
	}
	return false
}
