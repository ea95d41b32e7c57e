package category

import (
	"strings"
)

// ParseTags splits the free-tagging input into term names, the way
// Drupal's drupal_explode_tags does: names are separated by commas; a name
// in double quotes may hold commas ("Paris, France") and a doubled quote
// stands for one quote inside quotes ("The ""Best"" Bar"). Surrounding
// spaces are trimmed, blank names dropped, and a name repeated (ignoring
// case) is kept once, where it first appears.
func ParseTags(s string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(name string) {
		name = strings.TrimSpace(name)
		if name == "" || seen[strings.ToLower(name)] {
			return
		}
		seen[strings.ToLower(name)] = true
		out = append(out, name)
	}
	var cur strings.Builder
	quoted := false // inside a quoted part
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quoted && ch == '"' && i+1 < len(s) && s[i+1] == '"':
			cur.WriteByte('"')
			i++
		case ch == '"' && (quoted || strings.TrimSpace(cur.String()) == ""):
			// An opening quote at the start of a name, or the closing one.
			if !quoted {
				cur.Reset()
			}
			quoted = !quoted
		case ch == ',' && !quoted:
			add(cur.String())
			cur.Reset()
		default:
			cur.WriteByte(ch)
		}
	}
	add(cur.String())
	return out
}

// JoinTags is the inverse of ParseTags: names joined by ", ", a name
// holding a comma or a quote written in quotes with its quotes doubled.
func JoinTags(names []string) string {
	parts := make([]string, 0, len(names))
	for _, n := range names {
		if strings.ContainsAny(n, `,"`) {
			n = `"` + strings.ReplaceAll(n, `"`, `""`) + `"`
		}
		parts = append(parts, n)
	}
	return strings.Join(parts, ", ")
}
