package form

import "strings"

// MachineName derives a machine name from a label, as Drupal's machine
// name element does: lower case, each run of other characters one
// underscore, no leading digits or underscores, at most 32 characters
// ("Content editor" → "content_editor", "  9 lives " → "lives").
func MachineName(label string) string {
	var b strings.Builder
	underscore := false
	for _, r := range strings.ToLower(label) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9' && b.Len() > 0:
			b.WriteRune(r)
			underscore = false
		case b.Len() > 0 && !underscore:
			b.WriteByte('_')
			underscore = true
		}
	}
	name := strings.TrimRight(b.String(), "_")
	if len(name) > 32 {
		name = strings.TrimRight(name[:32], "_")
	}
	return name
}
