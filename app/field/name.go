package field

import "strings"

// nameMaxLength is the longest field machine name, "field_" included
// (Drupal's limit, which keeps JSONB paths and index names short).
const nameMaxLength = 32

// namePrefix starts every field machine name, so field names never collide
// with item properties (title, status, …) in the JSON API or in Gather.
const namePrefix = "field_"

// latinFold spells common accented Latin letters in ASCII, so "Café" gives
// "field_cafe" rather than "field_caf".
var latinFold = strings.NewReplacer(
	"à", "a", "á", "a", "â", "a", "ã", "a", "ä", "a", "å", "a", "æ", "ae", "ç", "c",
	"è", "e", "é", "e", "ê", "e", "ë", "e", "ì", "i", "í", "i", "î", "i", "ï", "i",
	"ñ", "n", "ò", "o", "ó", "o", "ô", "o", "õ", "o", "ö", "o", "ø", "o", "œ", "oe",
	"ù", "u", "ú", "u", "û", "u", "ü", "u", "ý", "y", "ÿ", "y", "ß", "ss",
)

// MachineName derives a field machine name from a label: "field_" followed
// by the label in lower case with every run of other characters turned into
// one underscore, at most 32 characters in all ("Hero image!" →
// "field_hero_image"). It returns "" when the label has no letter or digit
// to use, so the UI can ask for a name.
func MachineName(label string) string {
	var b strings.Builder
	b.WriteString(namePrefix)
	pending := false
	for _, r := range latinFold.Replace(strings.ToLower(label)) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if pending && b.Len() > len(namePrefix) {
				b.WriteByte('_')
			}
			pending = false
			b.WriteRune(r)
			continue
		}
		pending = true
	}
	name := b.String()
	if len(name) == len(namePrefix) {
		return ""
	}
	if len(name) > nameMaxLength {
		name = strings.TrimRight(name[:nameMaxLength], "_")
	}
	return name
}
