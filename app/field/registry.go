package field

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"sync"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/form"
)

// typeNamePattern is what a field type's registry name looks like.
var typeNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// Registry holds the field types a site can use, by name. It is safe for
// concurrent use: plugins may register types while requests are served.
type Registry struct {
	mu    sync.RWMutex
	types map[string]Type
}

// NewRegistry returns a registry with every built-in type registered.
func NewRegistry() *Registry {
	r := &Registry{types: map[string]Type{}}
	for _, t := range []Type{
		Text{}, TextLong{}, Integer{}, Decimal{}, Boolean{}, Date{}, Date{WithTime: true},
		Email{}, Link{}, List{}, ItemReference{},
	} {
		if err := r.Register(t); err != nil {
			panic(err) // the built-in set is fixed; a clash is a programming error
		}
	}
	return r
}

// Register adds a type (a category reference, a file field, a plugin's
// type). It refuses a nil type, a malformed name, a type without
// properties, and a name already taken.
func (r *Registry) Register(t Type) error {
	if t == nil {
		return errors.New("register field type: nil type")
	}
	name := t.Name()
	if !typeNamePattern.MatchString(name) {
		return fmt.Errorf("register field type %q: name must be lower-case letters, digits and underscores", name)
	}
	if len(t.Properties()) == 0 {
		return fmt.Errorf("register field type %q: it declares no properties", name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.types[name]; dup {
		return fmt.Errorf("register field type %q: already registered", name)
	}
	r.types[name] = t
	return nil
}

// Get returns the type registered under name.
func (r *Registry) Get(name string) (Type, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	t, ok := r.types[name]
	return t, ok
}

// Types returns every registered type sorted by label (then name), for the
// "add field" chooser.
func (r *Registry) Types() []Type {
	r.mu.RLock()
	out := make([]Type, 0, len(r.types))
	for _, t := range r.types {
		out = append(out, t)
	}
	r.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Label() != out[j].Label() {
			return out[i].Label() < out[j].Label()
		}
		return out[i].Name() < out[j].Name()
	})
	return out
}

// errNoEnv is returned by types that need lookups when given no Env.
var errNoEnv = errors.New("field: no Env given for a lookup")

// watchedEnv passes lookups to an Env and remembers the first failure, so
// NormalizeValues can tell a failed lookup (an internal error) from invalid
// input whatever message the type made of it.
type watchedEnv struct {
	env Env
	err error
}

// ItemType implements Env.
func (w *watchedEnv) ItemType(ctx context.Context, id uuid.UUID) (string, bool, error) {
	if w.env == nil {
		w.err = errNoEnv
		return "", false, errNoEnv
	}
	typ, ok, err := w.env.ItemType(ctx, id)
	if err != nil && w.err == nil {
		w.err = fmt.Errorf("look up item %s: %w", id, err)
	}
	return typ, ok, err
}

// NormalizeValues validates a whole field document against defs — unknown
// fields, missing types, cardinality, required fields and each delta's
// Normalize — and returns it in canonical form with empty deltas dropped and
// fields left without values omitted. Problems are messages a user can read,
// keyed "fields.<name>" (one per field, the first found).
//
// err is not nil only when a lookup through env failed (the database, a
// cancelled context): that is an internal error, not invalid input, and
// values and problems are nil then.
func (r *Registry) NormalizeValues(ctx context.Context, env Env, defs []Def, values map[string][]map[string]any) (map[string][]map[string]any, map[string]string, error) {
	watched := &watchedEnv{env: env}
	problems := map[string]string{}
	known := map[string]bool{}
	for _, d := range defs {
		known[d.Name] = true
	}
	for name := range values {
		if !known[name] {
			problems["fields."+name] = fmt.Sprintf("There is no field %q on this content type.", name)
		}
	}
	clean := map[string][]map[string]any{}
	for _, def := range defs {
		deltas := values[def.Name]
		key := "fields." + def.Name
		if len(deltas) > MaxDeltas {
			problems[key] = fmt.Sprintf("%s takes at most %d values.", def.DisplayLabel(), MaxDeltas)
			continue
		}
		t, ok := r.Get(def.Type)
		if !ok {
			if len(deltas) > 0 || def.Required {
				problems[key] = fmt.Sprintf("%s cannot be saved: its field type %q is not available.", def.DisplayLabel(), def.Type)
			}
			continue
		}
		var kept []map[string]any
		for i, d := range deltas {
			if d == nil {
				continue
			}
			out, err := t.Normalize(ctx, watched, def, d)
			if watched.err != nil {
				return nil, nil, watched.err
			}
			if err != nil {
				msg := err.Error()
				if len(deltas) > 1 {
					msg = fmt.Sprintf("Value %d: %s", i+1, msg)
				}
				if _, seen := problems[key]; !seen {
					problems[key] = msg
				}
				continue
			}
			if out != nil {
				kept = append(kept, out)
			}
		}
		if _, bad := problems[key]; bad {
			continue
		}
		if msg := tooMany(def, len(kept)); msg != "" {
			problems[key] = msg
			continue
		}
		if def.Required && len(kept) == 0 {
			problems[key] = def.DisplayLabel() + " is required."
			continue
		}
		if len(kept) > 0 {
			clean[def.Name] = kept
		}
	}
	if len(problems) > 0 {
		return nil, problems, nil
	}
	return clean, nil, nil
}

// ExtractField reads the first n deltas of one field from a submitted form
// (the widgets keyed def.Name+".0" … def.Name+".<n-1>") and normalizes each,
// dropping empty ones. Problems are keyed by the input element that shows
// them: Extract's by its own input key, Normalize's by the delta's first
// property input (e.g. "field_links.1.uri"), and "too many values" by
// def.Name (the multi-value wrapper). Required fields are left to the
// form's own required check on delta 0 and to NormalizeValues on save.
// err reports a failed env lookup, as for NormalizeValues.
func (r *Registry) ExtractField(ctx context.Context, env Env, def Def, n int, values form.Values) ([]map[string]any, map[string]string, error) {
	t, ok := r.Get(def.Type)
	if !ok {
		return nil, map[string]string{def.Name: fmt.Sprintf(
			"%s cannot be saved: its field type %q is not available.", def.DisplayLabel(), def.Type)}, nil
	}
	watched := &watchedEnv{env: env}
	problems := map[string]string{}
	var deltas []map[string]any
	for i := range min(n, MaxDeltas) {
		key := def.Name + "." + strconv.Itoa(i)
		d, empty, bad := t.Extract(def, key, values)
		for k, v := range bad {
			problems[k] = v
		}
		if empty || len(bad) > 0 {
			continue
		}
		out, err := t.Normalize(ctx, watched, def, d)
		if watched.err != nil {
			return nil, nil, watched.err
		}
		if err != nil {
			problems[key+"."+t.Properties()[0]] = err.Error()
			continue
		}
		if out != nil {
			deltas = append(deltas, out)
		}
	}
	if msg := tooMany(def, len(deltas)); msg != "" {
		problems[def.Name] = msg
	}
	if len(problems) > 0 {
		return deltas, problems, nil
	}
	return deltas, nil, nil
}

// tooMany returns the message for n values in a field that takes fewer,
// or "".
func tooMany(def Def, n int) string {
	switch max := def.MaxValues(); {
	case max < 0 || n <= max:
		return ""
	case max == 1:
		return def.DisplayLabel() + " takes only one value."
	default:
		return fmt.Sprintf("%s takes at most %d values.", def.DisplayLabel(), max)
	}
}

// namePattern is what a field machine name looks like (see MachineName).
var namePattern = regexp.MustCompile(`^field_[a-z0-9_]{1,26}$`)

// CheckDef validates a field definition — made in the admin UI or declared
// by a plugin — and returns it with complete, canonical settings (defaults
// filled in, then read back through the type's settings form). Problems are
// keyed "name", "type", "label", "cardinality" or "settings.<name>".
func (r *Registry) CheckDef(def Def) (Def, map[string]string) {
	problems := map[string]string{}
	if !namePattern.MatchString(def.Name) {
		problems["name"] = "The machine name must start with \"field_\" and contain only lower-case letters, digits and underscores (at most 32 characters)."
	}
	if def.Label == "" {
		problems["label"] = "Label is required."
	}
	if def.Cardinality < Unlimited || def.Cardinality > MaxDeltas {
		problems["cardinality"] = fmt.Sprintf("The number of values must be unlimited or between 1 and %d.", MaxDeltas)
	}
	t, ok := r.Get(def.Type)
	if !ok {
		problems["type"] = fmt.Sprintf("There is no field type %q.", def.Type)
		return def, problems
	}
	merged := t.DefaultSettings()
	for k, v := range def.Settings {
		merged[k] = v
	}
	settings, bad := t.ReadSettings(elementValues(t.SettingsForm(merged)))
	for k, v := range bad {
		problems[k] = v
	}
	if settings == nil {
		settings = map[string]any{}
	}
	def.Settings = settings
	if len(problems) > 0 {
		return def, problems
	}
	return def, nil
}

// DefaultValues returns the default deltas of defs, keyed by field name, for
// a new item's form or a create request that leaves fields out. The deltas
// are copies; callers may change them.
func DefaultValues(defs []Def) map[string][]map[string]any {
	out := map[string][]map[string]any{}
	for _, d := range defs {
		for _, delta := range d.Default {
			c := make(map[string]any, len(delta))
			for k, v := range delta {
				c[k] = v
			}
			out[d.Name] = append(out[d.Name], c)
		}
	}
	return out
}
