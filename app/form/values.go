package form

import (
	"fmt"
	"regexp"
)

// Values are submitted values by element key. Most elements submit one
// value; checkboxes and multiple selects submit several.
type Values map[string][]string

// Get returns the first value of key, or "".
func (v Values) Get(key string) string {
	if vs := v[key]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// All returns every value of key.
func (v Values) All(key string) []string { return v[key] }

// keyPattern is what an element key may look like: lower-case words joined
// by "_", "-" or "." (delta separators, as in "field_links.0.uri").
var keyPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,127}$`)

// CheckTree verifies a form tree, typically one returned by a plugin's
// tap_form_alter: every element has a known type and a well-formed key, and
// keys are unique. It reports the first problem in words an author can act on.
func CheckTree(f *Form) error {
	seen := map[string]bool{}
	var check func(path string, els []*Element) error
	check = func(path string, els []*Element) error {
		for i, e := range els {
			where := fmt.Sprintf("%s[%d]", path, i)
			if e == nil {
				return fmt.Errorf("%s is empty", where)
			}
			if !IsKnownType(e.Type) {
				return fmt.Errorf("%s (%q) has unknown type %q", where, e.Key, e.Type)
			}
			if !keyPattern.MatchString(e.Key) {
				return fmt.Errorf("%s has a malformed key %q", where, e.Key)
			}
			if seen[e.Key] {
				return fmt.Errorf("%s repeats the key %q", where, e.Key)
			}
			seen[e.Key] = true
			if len(e.Children) > 0 && !e.IsContainer() {
				return fmt.Errorf("%s (%q) is a %s and cannot have children", where, e.Key, e.Type)
			}
			if err := check(where+".children", e.Children); err != nil {
				return err
			}
		}
		return nil
	}
	return check("elements", f.Elements)
}
