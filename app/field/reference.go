package field

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/render"
)

// AutocompletePath is the route the item_reference widget asks for
// suggestions. The kernel answers GET AutocompletePath?types=a,b&q=typed
// (types omitted when any type may be referenced).
const AutocompletePath = "/item/autocomplete"

// machineNamePattern is what a content type machine name looks like.
var machineNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// trailingID finds "(uuid)" at the end of an autocomplete value such as
// "My page (0190a4c1-…)".
var trailingID = regexp.MustCompile(`\(\s*([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\s*\)$`)

// ItemReference is the "item_reference" type: a reference to another item,
// {"target_id": "<uuid>"} (lower-case canonical form). Settings:
// target_types, the content type machine names that may be referenced (an
// empty list allows any). Normalize checks through Env that the item exists
// and has an allowed type. The widget is an Autocomplete element whose
// value is the target id; typed values may be a bare UUID or
// "anything (UUID)", as the suggestions show them.
type ItemReference struct{}

// Name implements Type.
func (ItemReference) Name() string { return TypeItemReference }

// Label implements Type.
func (ItemReference) Label() string { return "Content reference" }

// Description implements Type.
func (ItemReference) Description() string {
	return "A reference to another piece of content, chosen with an autocomplete field."
}

// Properties implements Type.
func (ItemReference) Properties() []string { return []string{"target_id"} }

// DefaultSettings implements Type.
func (ItemReference) DefaultSettings() map[string]any {
	return map[string]any{"target_types": []string{}}
}

// SettingsForm implements Type. The element is a plain text field taking
// a comma-separated list, since a type knows nothing of the site's content
// types; the admin UI may replace it with checkboxes of the same key
// (ReadSettings accepts either).
func (ItemReference) SettingsForm(settings map[string]any) []*form.Element {
	types := Def{Settings: settings}.SettingStrings("target_types")
	return []*form.Element{{
		Key: "settings.target_types", Type: form.TextField, Label: "Content types that may be referenced",
		Description: "Machine names separated by commas, e.g. page, blog. Leave empty to allow any content type.",
		Value:       strings.Join(types, ", "),
	}}
}

// ReadSettings implements Type.
func (ItemReference) ReadSettings(values form.Values) (map[string]any, map[string]string) {
	types := []string{}
	seen := map[string]bool{}
	for _, v := range values.All("settings.target_types") {
		for _, name := range strings.Split(v, ",") {
			name = strings.TrimSpace(name)
			if name == "" || seen[name] {
				continue
			}
			if !machineNamePattern.MatchString(name) {
				return nil, map[string]string{"settings.target_types": fmt.Sprintf(
					"%q is not a content type machine name (lower-case letters, digits and underscores).", name)}
			}
			seen[name] = true
			types = append(types, name)
		}
	}
	return map[string]any{"target_types": types}, nil
}

// targetTypes returns the allowed types of def, keeping only well-formed
// machine names (they end up in a URL).
func (ItemReference) targetTypes(def Def) []string {
	var out []string
	for _, t := range def.SettingStrings("target_types") {
		if machineNamePattern.MatchString(t) {
			out = append(out, t)
		}
	}
	return out
}

// Widget implements Type.
func (r ItemReference) Widget(def Def, key string, delta map[string]any) *form.Element {
	e := input(def, key, "target_id", form.Autocomplete, display(delta["target_id"]))
	e.AutocompletePath = AutocompletePath
	if types := r.targetTypes(def); len(types) > 0 {
		e.AutocompletePath += "?types=" + strings.Join(types, ",")
	}
	return e
}

// parseTarget reads a bare UUID or "anything (UUID)".
func parseTarget(s string) (uuid.UUID, bool) {
	s = strings.TrimSpace(s)
	if m := trailingID.FindStringSubmatch(s); m != nil {
		s = m[1]
	}
	if len(s) != 36 {
		return uuid.Nil, false
	}
	id, err := uuid.Parse(s)
	return id, err == nil && id != uuid.Nil
}

// Extract implements Type.
func (ItemReference) Extract(def Def, key string, values form.Values) (map[string]any, bool, map[string]string) {
	s := strings.TrimSpace(values.Get(key + ".target_id"))
	if s == "" {
		return nil, true, nil
	}
	id, ok := parseTarget(s)
	if !ok {
		return nil, false, map[string]string{key + ".target_id": def.DisplayLabel() +
			": choose an item from the suggestions, or enter its id."}
	}
	return map[string]any{"target_id": id.String()}, false, nil
}

// Normalize implements Type.
func (r ItemReference) Normalize(ctx context.Context, env Env, def Def, delta map[string]any) (map[string]any, error) {
	if err := checkProps(def, delta, "target_id"); err != nil {
		return nil, err
	}
	var id uuid.UUID
	switch v := delta["target_id"].(type) {
	case nil:
		return nil, nil
	case uuid.UUID:
		id = v
	case string:
		if strings.TrimSpace(v) == "" {
			return nil, nil
		}
		var ok bool
		if id, ok = parseTarget(v); !ok {
			return nil, fmt.Errorf("%s must refer to an item by its id.", def.DisplayLabel())
		}
	default:
		return nil, fmt.Errorf("%s must refer to an item by its id.", def.DisplayLabel())
	}
	if id == uuid.Nil {
		return nil, fmt.Errorf("%s must refer to an item by its id.", def.DisplayLabel())
	}
	if env == nil {
		return nil, errNoEnv
	}
	typ, ok, err := env.ItemType(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("look up item %s: %w", id, err)
	}
	if !ok {
		return nil, fmt.Errorf("%s refers to an item that does not exist (%s).", def.DisplayLabel(), id)
	}
	if types := r.targetTypes(def); len(types) > 0 {
		allowed := false
		for _, t := range types {
			allowed = allowed || t == typ
		}
		if !allowed {
			return nil, fmt.Errorf("%s cannot refer to content of type %q.", def.DisplayLabel(), typ)
		}
	}
	return map[string]any{"target_id": id.String()}, nil
}

// Format implements Type: a link to each item, its id as the text (the
// kernel may replace the text with titles it loads).
func (ItemReference) Format(_ Def, deltas []map[string]any) []render.Element {
	var out []render.Element
	for _, d := range deltas {
		id := display(d["target_id"])
		out = append(out, render.Element{Type: render.TypeLink, Href: "/item/" + id, Text: id})
	}
	return out
}

// Text implements Type: the target id.
func (ItemReference) Text(_ Def, delta map[string]any) string { return display(delta["target_id"]) }
