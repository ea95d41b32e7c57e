package category

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/field"
	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/render"
)

// TypeReference is the registry name of the category reference field type.
const TypeReference = "category_reference"

// lookupTimeout bounds the lookups of the field type's methods that get no
// context from the field registry (settings form, widget, formatter).
const lookupTimeout = 5 * time.Second

// Lister is what the category_reference field type needs from the store.
// *Service implements it.
type Lister interface {
	Vocabularies(ctx context.Context) ([]Vocabulary, error)
	Tree(ctx context.Context, vocabulary string) ([]TreeTerm, error)
	Term(ctx context.Context, id uuid.UUID) (*Term, error)
	TermByName(ctx context.Context, vocabulary, name string) (*Term, error)
	CreateTerm(ctx context.Context, t Term) (*Term, error)
}

// Widgets of the category_reference field (the "widget" setting).
const (
	WidgetSelect = "select"       // a select of the vocabulary's terms, indented by depth
	WidgetTags   = "autocomplete" // free tagging: a text input with suggestions
)

// AutocompletePath answers the free-tagging widget's suggestions:
// GET AutocompletePath?vocab=<vocabulary>&q=<typed>.
const AutocompletePath = "/category/autocomplete"

// trailingID finds "(uuid)" at the end of a free-tagging value such as
// "Jazz (0190a4c1-…)", as suggestions show names shared by several terms.
var trailingID = regexp.MustCompile(`\(\s*([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\s*\)$`)

// PermCreateByTagging lets a user create new terms by typing them in a
// free-tagging field whose "Create new terms" setting is on.
const PermCreateByTagging = "create terms by tagging"

type taggingKey struct{}

// WithTagging returns ctx carrying whether the user saving an item may
// create terms by free tagging (PermCreateByTagging or PermAdminister). The
// server sets it for item requests; without it no term is created.
func WithTagging(ctx context.Context, allowed bool) context.Context {
	return context.WithValue(ctx, taggingKey{}, allowed)
}

func taggingAllowed(ctx context.Context) bool {
	ok, _ := ctx.Value(taggingKey{}).(bool)
	return ok
}

// FieldType is the "category_reference" field type: a reference to a
// term, {"target_id": "<term uuid>"}. Settings: vocabulary, the vocabulary
// whose terms may be chosen; widget, WidgetSelect (a select of the terms
// indented by depth, the default) or WidgetTags (free tagging with
// suggestions from AutocompletePath: a field taking several values has ONE
// text input of comma-separated names, see AllValuesWidget and ParseTags;
// a single-value field a text input for one name; each name may also be
// "name (uuid)" or an id); auto_create, whether a typed name
// that is not a term yet becomes one when the item is saved (only for
// users allowed to, see WithTagging). The formatter links to the term page
// with the term's name.
//
// The field registry gives Widget, SettingsForm and Format no context, so
// those look up with a background context bounded by lookupTimeout; a
// failed lookup shows an empty choice list or the term's id.
type FieldType struct {
	terms Lister
}

// NewFieldType returns the category_reference type over terms, for
// field.Registry.Register.
func NewFieldType(terms Lister) FieldType { return FieldType{terms: terms} }

// Name implements field.Type.
func (FieldType) Name() string { return TypeReference }

// Label implements field.Type.
func (FieldType) Label() string { return "Category" }

// Description implements field.Type.
func (FieldType) Description() string {
	return "A term of a category vocabulary, chosen from a list; links to the term page."
}

// Properties implements field.Type.
func (FieldType) Properties() []string { return []string{"target_id"} }

// DefaultSettings implements field.Type.
func (FieldType) DefaultSettings() map[string]any {
	return map[string]any{"vocabulary": "", "widget": WidgetSelect, "auto_create": false}
}

func lookupContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), lookupTimeout)
}

// The ...Context variants of Widget, AllValuesWidget, Format and Text take
// the request's context, so term names and choices are read as the
// request's stage sees them (app/item prefers them when a field type has
// them); the field.Type methods, which get no context, read Live.

// SettingsForm implements field.Type: a select of the site's vocabularies.
func (f FieldType) SettingsForm(settings map[string]any) []*form.Element {
	ctx, cancel := lookupContext()
	defer cancel()
	vocabs, _ := f.terms.Vocabularies(ctx)
	opts := []form.Option{{Value: "", Label: "- Select a vocabulary -"}}
	for _, v := range vocabs {
		opts = append(opts, form.Option{Value: v.ID, Label: v.Label})
	}
	def := field.Def{Settings: settings}
	autoCreate := ""
	if b, _ := settings["auto_create"].(bool); b {
		autoCreate = "1"
	}
	return []*form.Element{{
		Key: "settings.vocabulary", Type: form.Select, Label: "Vocabulary", Required: true, Options: opts,
		Value:       def.SettingString("vocabulary", ""),
		Description: "The vocabulary whose terms this field offers. Add vocabularies under Structure » Categories.",
	}, {
		Key: "settings.widget", Type: form.Radios, Label: "Widget", Required: true,
		Options: []form.Option{{Value: WidgetSelect, Label: "Select list"}, {Value: WidgetTags, Label: "Free tagging (autocomplete)"}},
		Value:   def.SettingString("widget", WidgetSelect),
	}, {
		Key: "settings.auto_create", Type: form.Checkbox, Label: "Create new terms", Value: autoCreate,
		Description: "With free tagging: a name that is not a term yet becomes one when the content is saved, if the editor has the \"Create terms by tagging\" permission.",
	}}
}

// ReadSettings implements field.Type. The vocabulary must exist.
func (f FieldType) ReadSettings(values form.Values) (map[string]any, map[string]string) {
	id := strings.TrimSpace(values.Get("settings.vocabulary"))
	if id == "" {
		return nil, map[string]string{"settings.vocabulary": "Choose the vocabulary of this field."}
	}
	ctx, cancel := lookupContext()
	defer cancel()
	vocabs, err := f.terms.Vocabularies(ctx)
	if err != nil {
		return nil, map[string]string{"settings.vocabulary": "The vocabularies could not be loaded; try again."}
	}
	widget := values.Get("settings.widget")
	if widget == "" {
		widget = WidgetSelect
	}
	if widget != WidgetSelect && widget != WidgetTags {
		return nil, map[string]string{"settings.widget": "Choose a select list or free tagging."}
	}
	autoCreate := values.Get("settings.auto_create") != ""
	for _, v := range vocabs {
		if v.ID == id {
			return map[string]any{"vocabulary": id, "widget": widget, "auto_create": autoCreate}, nil
		}
	}
	return nil, map[string]string{"settings.vocabulary": fmt.Sprintf("There is no vocabulary %q.", id)}
}

// Widget implements field.Type: a select of the vocabulary's terms, or
// for free tagging a text input holding the term's name.
func (f FieldType) Widget(def field.Def, key string, delta map[string]any) *form.Element {
	return f.WidgetContext(context.Background(), def, key, delta)
}

// WidgetContext is Widget reading terms in the stage of ctx.
func (f FieldType) WidgetContext(ctx context.Context, def field.Def, key string, delta map[string]any) *form.Element {
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	vocab := def.SettingString("vocabulary", "")
	value, _ := delta["target_id"].(string)
	if def.SettingString("widget", WidgetSelect) == WidgetTags {
		if id, err := uuid.Parse(value); err == nil {
			if t, err := f.terms.Term(ctx, id); err == nil {
				value = t.Name
				if other, err := f.terms.TermByName(ctx, vocab, t.Name); err == nil && other.ID != t.ID {
					value += " (" + t.ID.String() + ")" // the name alone would pick the other term
				}
			}
		}
		desc := def.Description
		if desc == "" {
			desc = "Type a term's name; suggestions appear as you type."
			if b, _ := def.Settings["auto_create"].(bool); b {
				desc = "Type a term's name; a new name becomes a new term when you save (if you may create terms)."
			}
		}
		return &form.Element{
			Key: key + ".target_id", Type: form.Autocomplete, Label: def.DisplayLabel(), Description: desc,
			Required: def.Required && strings.HasSuffix(key, ".0"), Value: value, MaxLength: 255,
			AutocompletePath: AutocompletePath + "?vocab=" + url.QueryEscape(vocab),
		}
	}
	tree, _ := f.terms.Tree(ctx, vocab)
	opts := append([]form.Option{{Value: "", Label: "- None -"}}, indented(tree, uuid.Nil)...)
	if value != "" && !slices.ContainsFunc(opts, func(o form.Option) bool { return o.Value == value }) {
		// A term this request cannot see (Widget without a context reads
		// Live; a term only a stage has) is kept as an option rather than
		// dropped by the next save.
		opts = append(opts, form.Option{Value: value, Label: "Term " + value})
	}
	return &form.Element{
		Key: key + ".target_id", Type: form.Select, Label: def.DisplayLabel(), Description: def.Description,
		Required: def.Required && strings.HasSuffix(key, ".0"), Value: value, Options: opts,
	}
}

// tagsMaxLength bounds the free-tagging input of a multi-value field.
const tagsMaxLength = 8192

// AllValuesWidget is the free-tagging widget of a field that takes several
// values: ONE text input holding every term name, comma-separated (quotes
// keep a comma inside a name: "Paris, France", wine), with suggestions for
// the name being typed (static/js/trovato.js, data-autocomplete-tags). It
// is keyed key (the field name), so the item form's messages about the
// field land on it. ok is false for the select widget and for single-value
// fields, which keep the per-value widget.
func (f FieldType) AllValuesWidget(def field.Def, key string, deltas []map[string]any) (*form.Element, bool) {
	return f.AllValuesWidgetContext(context.Background(), def, key, deltas)
}

// AllValuesWidgetContext is AllValuesWidget reading terms in the stage of
// ctx.
func (f FieldType) AllValuesWidgetContext(ctx context.Context, def field.Def, key string, deltas []map[string]any) (*form.Element, bool) {
	if def.SettingString("widget", WidgetSelect) != WidgetTags || def.MaxValues() == 1 {
		return nil, false
	}
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	vocab := def.SettingString("vocabulary", "")
	names := make([]string, 0, len(deltas))
	for _, d := range deltas {
		if name := f.tagName(ctx, vocab, d); name != "" {
			names = append(names, name)
		}
	}
	desc := def.Description
	if desc == "" {
		desc = `Separate names with commas; put a name holding a comma in quotes, like "Paris, France".`
		if b, _ := def.Settings["auto_create"].(bool); b {
			desc += " A new name becomes a new term when you save (if you may create terms)."
		}
		if n := def.MaxValues(); n > 1 {
			desc += fmt.Sprintf(" At most %d names.", n)
		}
	}
	return &form.Element{
		Key: key, Type: form.Autocomplete, Label: def.DisplayLabel(), Description: desc, Required: def.Required,
		Value: JoinTags(names), MaxLength: tagsMaxLength,
		AutocompletePath: AutocompletePath + "?vocab=" + url.QueryEscape(vocab),
		Attributes:       map[string]string{"data-autocomplete-tags": "1"},
	}, true
}

// tagName is the text the free-tagging input shows for a stored delta:
// the term's name, with its id when another term of the vocabulary has
// the same name (the name alone would pick that one).
func (f FieldType) tagName(ctx context.Context, vocab string, delta map[string]any) string {
	value, _ := delta["target_id"].(string)
	id, err := uuid.Parse(value)
	if err != nil {
		return value
	}
	t, err := f.terms.Term(ctx, id)
	if err != nil {
		return value
	}
	name := t.Name
	if other, err := f.terms.TermByName(ctx, vocab, t.Name); err == nil && other.ID != t.ID {
		name += " (" + t.ID.String() + ")"
	}
	return name
}

// ExtractAll reads the values of AllValuesWidget's input: one delta per
// name (Normalize resolves each name to a term, creating it when allowed).
// More names than the field takes is reported on the input before any
// term is looked up or created. ok is false when the field uses the
// per-value widget.
func (f FieldType) ExtractAll(def field.Def, key string, values form.Values) ([]map[string]any, map[string]string, bool) {
	if def.SettingString("widget", WidgetSelect) != WidgetTags || def.MaxValues() == 1 {
		return nil, nil, false
	}
	names := ParseTags(values.Get(key))
	limit := def.MaxValues()
	if limit == field.Unlimited {
		limit = field.MaxDeltas
	}
	if len(names) > limit {
		return nil, map[string]string{key: fmt.Sprintf("%s takes at most %d names; you entered %d. Remove %d.",
			def.DisplayLabel(), limit, len(names), len(names)-limit)}, true
	}
	out := make([]map[string]any, 0, len(names))
	for _, n := range names {
		out = append(out, map[string]any{"target_id": n})
	}
	return out, nil, true
}

// Extract implements field.Type.
func (FieldType) Extract(def field.Def, key string, values form.Values) (map[string]any, bool, map[string]string) {
	s := strings.TrimSpace(values.Get(key + ".target_id"))
	if s == "" {
		return nil, true, nil
	}
	return map[string]any{"target_id": s}, false, nil
}

// Normalize implements field.Type: the target must be a term of the
// field's vocabulary. A failed lookup is reported as a message asking to
// try again, since the field registry's Env does not carry term lookups.
// With free tagging the target may also be a name or "name (uuid)"; a
// name that is no term yet is created when the field allows it and the
// user may (WithTagging), and refused otherwise.
func (f FieldType) Normalize(ctx context.Context, _ field.Env, def field.Def, delta map[string]any) (map[string]any, error) {
	if s, ok := delta["target_id"].(string); ok && def.SettingString("widget", WidgetSelect) == WidgetTags {
		resolved, err := f.resolveName(ctx, def, s)
		if err != nil {
			return nil, err
		}
		delta = map[string]any{"target_id": resolved}
	}
	for k := range delta {
		if k != "target_id" {
			return nil, fmt.Errorf("%s has no property %q.", def.DisplayLabel(), k)
		}
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
		var err error
		if id, err = uuid.Parse(strings.TrimSpace(v)); err != nil || len(strings.TrimSpace(v)) != 36 {
			return nil, fmt.Errorf("%s must refer to a term by its id.", def.DisplayLabel())
		}
	default:
		return nil, fmt.Errorf("%s must refer to a term by its id.", def.DisplayLabel())
	}
	t, err := f.terms.Term(ctx, id)
	switch {
	case errs.Is(err, errs.NotFound):
		return nil, fmt.Errorf("%s refers to a term that does not exist (%s).", def.DisplayLabel(), id)
	case err != nil:
		return nil, fmt.Errorf("%s could not be checked; try again.", def.DisplayLabel())
	case t.VocabularyID != def.SettingString("vocabulary", ""):
		return nil, fmt.Errorf("%s: the term %q is not in this field's vocabulary.", def.DisplayLabel(), t.Name)
	}
	return map[string]any{"target_id": id.String()}, nil
}

// resolveName turns a free-tagging value into a term id (as a string):
// an id or "name (uuid)" as is, a name through the vocabulary, creating
// the term when allowed.
func (f FieldType) resolveName(ctx context.Context, def field.Def, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if _, err := uuid.Parse(s); err == nil && len(s) == 36 {
		return s, nil
	}
	if m := trailingID.FindStringSubmatch(s); m != nil {
		return m[1], nil
	}
	vocab := def.SettingString("vocabulary", "")
	t, err := f.terms.TermByName(ctx, vocab, s)
	switch {
	case err == nil:
		return t.ID.String(), nil
	case !errs.Is(err, errs.NotFound):
		return "", fmt.Errorf("%s could not be checked; try again.", def.DisplayLabel())
	}
	if b, _ := def.Settings["auto_create"].(bool); !b || !taggingAllowed(ctx) {
		return "", fmt.Errorf("%s: there is no term %q; choose an existing term.", def.DisplayLabel(), s)
	}
	if len(s) > 255 {
		return "", fmt.Errorf("%s: a term name has at most 255 characters.", def.DisplayLabel())
	}
	created, err := f.terms.CreateTerm(ctx, Term{VocabularyID: vocab, Name: s})
	if err != nil {
		return "", fmt.Errorf("%s: the term %q could not be created: %s", def.DisplayLabel(), s, errs.Public(err))
	}
	return created.ID.String(), nil
}

// Format implements field.Type: a link to each term's page, named.
func (f FieldType) Format(def field.Def, deltas []map[string]any) []render.Element {
	return f.FormatContext(context.Background(), def, deltas)
}

// FormatContext is Format naming the terms as the stage of ctx sees them.
func (f FieldType) FormatContext(ctx context.Context, def field.Def, deltas []map[string]any) []render.Element {
	var out []render.Element
	for _, d := range deltas {
		id, err := uuid.Parse(fmt.Sprint(d["target_id"]))
		if err != nil {
			continue
		}
		out = append(out, render.Element{Type: render.TypeLink, Href: TermURL(id), Text: f.text(ctx, d)})
	}
	return out
}

// Text implements field.Type: the term's name, or its id when the term is
// gone.
func (f FieldType) Text(_ field.Def, delta map[string]any) string {
	return f.text(context.Background(), delta)
}

// TextContext is Text naming the term as the stage of ctx sees it (the
// revision diffs of app/item, a stage's review).
func (f FieldType) TextContext(ctx context.Context, _ field.Def, delta map[string]any) string {
	return f.text(ctx, delta)
}

func (f FieldType) text(ctx context.Context, delta map[string]any) string {
	s := fmt.Sprint(delta["target_id"])
	id, err := uuid.Parse(s)
	if err != nil {
		return s
	}
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	t, err := f.terms.Term(ctx, id)
	if err != nil {
		return id.String()
	}
	return t.Name
}
