package field

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/trovato/trovato/app/form"
)

// errUnreadable is the error of the value readers (toInt64, toBool) for a
// value of the wrong kind; callers turn it into a message naming the field.
var errUnreadable = errors.New("unreadable value")

// display renders a stored property value as the text a form input shows.
func display(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	}
	return fmt.Sprint(v)
}

// blank reports whether a property value holds nothing: absent, null, or
// a string of white space.
func blank(v any) bool {
	if v == nil {
		return true
	}
	s, ok := v.(string)
	return ok && strings.TrimSpace(s) == ""
}

// emptyDelta reports whether every property of delta is blank.
func emptyDelta(delta map[string]any) bool {
	for _, v := range delta {
		if !blank(v) {
			return false
		}
	}
	return true
}

// checkProps refuses properties the type does not define, so stray keys
// from an API client never reach the JSONB document.
func checkProps(def Def, delta map[string]any, props ...string) error {
	var unknown []string
	for k := range delta {
		known := false
		for _, p := range props {
			known = known || k == p
		}
		if !known {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return fmt.Errorf("%s has no property %q.", def.DisplayLabel(), unknown[0])
}

// stringProp reads a text property: a string, or nothing.
func stringProp(def Def, delta map[string]any, prop string) (string, error) {
	switch v := delta[prop].(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	}
	return "", fmt.Errorf("%s must be text.", def.DisplayLabel())
}

// firstDelta reports whether key ("field_x.0", "field_x") names the first
// delta of a field.
func firstDelta(key string) bool {
	i := strings.LastIndexByte(key, '.')
	if i < 0 {
		return true
	}
	n, err := strconv.Atoi(key[i+1:])
	return err != nil || n == 0
}

// input builds the single input element of a one-property widget.
func input(def Def, key, prop, typ string, value string) *form.Element {
	return &form.Element{
		Key: key + "." + prop, Type: typ, Label: def.DisplayLabel(), Description: def.Description,
		Required: def.Required && firstDelta(key), Value: value,
	}
}

// elementValues collects the values of a form's input elements as a
// submission would carry them, so a settings form can be read back by
// ReadSettings (CheckDef uses this to validate settings built in code).
func elementValues(els []*form.Element) form.Values {
	out := form.Values{}
	var walk func([]*form.Element)
	walk = func(els []*form.Element) {
		for _, e := range els {
			switch {
			case e.Type == form.Checkboxes || (e.Type == form.Select && e.Multiple):
				out[e.Key] = append([]string(nil), e.Values...)
			case e.TakesValue():
				out[e.Key] = []string{e.Value}
			}
			walk(e.Children)
		}
	}
	walk(els)
	return out
}

// floatPtr returns a pointer to f, for element Min and Max.
func floatPtr(f float64) *float64 { return &f }

// settingsReader parses "settings.<name>" values, collecting messages by
// element key.
type settingsReader struct {
	values   form.Values
	problems map[string]string
}

func newSettingsReader(values form.Values) *settingsReader {
	return &settingsReader{values: values, problems: map[string]string{}}
}

// text returns a trimmed string setting of at most maxLen characters.
func (r *settingsReader) text(name, label string, maxLen int, required bool) string {
	s := strings.TrimSpace(r.values.Get("settings." + name))
	switch {
	case required && s == "":
		r.problems["settings."+name] = label + " is required."
	case len([]rune(s)) > maxLen:
		r.problems["settings."+name] = fmt.Sprintf("%s cannot be longer than %d characters.", label, maxLen)
	}
	return s
}

// affix returns a prefix or suffix setting as typed: its spaces matter
// (" kg").
func (r *settingsReader) affix(name, label string) string {
	s := r.values.Get("settings." + name)
	if len([]rune(s)) > affixMaxLength {
		r.problems["settings."+name] = fmt.Sprintf("%s cannot be longer than %d characters.", label, affixMaxLength)
	}
	return s
}

// int returns a whole-number setting within [lo, hi]; set is false when the
// value is blank or invalid (blank is an error only when required).
func (r *settingsReader) int(name, label string, lo, hi int, required bool) (n int, set bool) {
	key := "settings." + name
	s := strings.TrimSpace(r.values.Get(key))
	if s == "" {
		if required {
			r.problems[key] = label + " is required."
		}
		return 0, false
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		r.problems[key] = label + " must be a whole number."
		return 0, false
	}
	if v < lo || v > hi {
		r.problems[key] = fmt.Sprintf("%s must be between %d and %d.", label, lo, hi)
		return 0, false
	}
	return v, true
}

// choice returns a setting that must be one of options (the first when blank).
func (r *settingsReader) choice(name, label string, options []form.Option) string {
	key := "settings." + name
	s := r.values.Get(key)
	if s == "" {
		return options[0].Value
	}
	for _, o := range options {
		if o.Value == s {
			return s
		}
	}
	r.problems[key] = label + ": the value you selected is not a valid choice."
	return options[0].Value
}

// result returns settings, or the messages when there are any.
func (r *settingsReader) result(settings map[string]any) (map[string]any, map[string]string) {
	if len(r.problems) > 0 {
		return nil, r.problems
	}
	return settings, nil
}
