package form

import (
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-playground/validator/v10"
)

// constraints checks single values against validator tags; it is safe for
// concurrent use and caches nothing per element.
var constraints = validator.New()

// IllegalChoice is the message for a submitted value that is not one of an
// element's options (Drupal's wording: a tampered or stale form, never a
// user's typing mistake).
const IllegalChoice = "An illegal choice has been detected. Please contact the site administrator."

// ValidateElements checks the constraints of every input element that is
// rendered and enabled (elements inside a NoAccess or Disabled container are
// skipped with it), keeps messages already set (e.g. by Fill), and fills the
// summary in element order. It reports whether the form is valid.
func (f *Form) ValidateElements() bool {
	f.Errors = nil
	var walk func([]*Element)
	walk = func(els []*Element) {
		for _, e := range els {
			if e == nil || e.NoAccess || e.Disabled {
				continue
			}
			if e.TakesValue() {
				if e.Error == "" {
					e.Error = e.Validate()
				}
				if e.Error != "" {
					f.Errors = append(f.Errors, FieldError{ID: e.ID(), Label: e.Label, Message: e.Error})
				}
			}
			walk(e.Children)
		}
	}
	walk(f.Elements)
	return len(f.Errors) == 0
}

// Validate checks the element's current Value (or Values, for checkboxes and
// multiple selects) against its constraints — required, maximum length,
// number range and step, email, URL, date and option membership — and
// returns a message naming the element's label, or "" when the value is
// acceptable. Elements that take no value are always acceptable. An empty,
// optional value passes every check but required.
func (e *Element) Validate() string {
	if !e.TakesValue() {
		return ""
	}
	label := e.Label
	if label == "" {
		label = e.Key
	}
	switch {
	case e.Type == Checkboxes || (e.Type == Select && e.Multiple):
		return e.validateMany(label)
	case e.Type == Checkbox:
		if e.Required && !Checked(e.Value) {
			return label + " field is required."
		}
		return ""
	}

	v := e.Value
	trimmed := strings.TrimSpace(v)
	if e.Required && constraints.Var(trimmed, "required") != nil {
		return label + " field is required."
	}
	if trimmed == "" {
		return ""
	}
	if e.MaxLength > 0 && constraints.Var(v, "max="+strconv.Itoa(e.MaxLength)) != nil {
		return label + " cannot be longer than " + strconv.Itoa(e.MaxLength) + " characters."
	}
	switch e.Type {
	case Number:
		return e.validateNumber(label, trimmed)
	case Email:
		if constraints.Var(trimmed, "email") != nil {
			return label + " must be a valid email address."
		}
	case URL:
		if !isWebURL(trimmed) {
			return label + " must be a valid URL starting with http:// or https://."
		}
	case Date:
		if constraints.Var(trimmed, "datetime=2006-01-02") != nil {
			return label + " must be a valid date (YYYY-MM-DD)."
		}
	case DateTime:
		if constraints.Var(trimmed, "datetime=2006-01-02T15:04") != nil &&
			constraints.Var(trimmed, "datetime=2006-01-02T15:04:05") != nil {
			return label + " must be a valid date and time (YYYY-MM-DDTHH:MM)."
		}
	case Select, Radios:
		if !hasOption(e.Options, v) {
			return IllegalChoice
		}
	}
	return ""
}

// validateMany checks checkboxes and multiple selects: at least one value
// when required, and every value one of the options.
func (e *Element) validateMany(label string) string {
	chosen := 0
	for _, v := range e.Values {
		if v == "" {
			continue
		}
		if !hasOption(e.Options, v) {
			return IllegalChoice
		}
		chosen++
	}
	if e.Required && constraints.Var(chosen, "gt=0") != nil {
		return label + " field is required."
	}
	return ""
}

func (e *Element) validateNumber(label, s string) string {
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
		return label + " must be a number."
	}
	if e.Min != nil && constraints.Var(n, "gte="+formatFloat(*e.Min)) != nil {
		return label + " must be higher than or equal to " + formatFloat(*e.Min) + "."
	}
	if e.Max != nil && constraints.Var(n, "lte="+formatFloat(*e.Max)) != nil {
		return label + " must be lower than or equal to " + formatFloat(*e.Max) + "."
	}
	step, err := strconv.ParseFloat(e.Step, 64)
	if e.Step == "" || e.Step == "any" || err != nil || step <= 0 || math.IsInf(step, 0) {
		return ""
	}
	base := 0.0
	if e.Min != nil {
		base = *e.Min
	}
	if q := (n - base) / step; math.Abs(q-math.Round(q)) > 1e-9*math.Max(1, math.Abs(q)) {
		if e.Step == "1" && base == math.Trunc(base) {
			return label + " must be a whole number."
		}
		return label + " is not a valid number."
	}
	return ""
}

// isWebURL reports whether s is an absolute http or https URL with a host.
func isWebURL(s string) bool {
	if constraints.Var(s, "url") != nil {
		return false
	}
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	return (scheme == "http" || scheme == "https") && u.Host != ""
}

// Checked reports whether a single checkbox value means "checked": Fill
// stores "1" for a ticked box and "" otherwise; builders may also set "0".
func Checked(v string) bool { return v != "" && v != "0" }

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
