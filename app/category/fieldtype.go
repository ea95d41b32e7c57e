package category

import (
	"context"
	"fmt"
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
}

// FieldType is the "category_reference" field type: a reference to a
// term, {"target_id": "<term uuid>"}. Its one setting, vocabulary, names the
// vocabulary whose terms may be chosen; the widget is a select of that
// vocabulary's terms indented by depth; the formatter links to the term
// page with the term's name.
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
func (FieldType) DefaultSettings() map[string]any { return map[string]any{"vocabulary": ""} }

func lookupContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), lookupTimeout)
}

// SettingsForm implements field.Type: a select of the site's vocabularies.
func (f FieldType) SettingsForm(settings map[string]any) []*form.Element {
	ctx, cancel := lookupContext()
	defer cancel()
	vocabs, _ := f.terms.Vocabularies(ctx)
	opts := []form.Option{{Value: "", Label: "- Select a vocabulary -"}}
	for _, v := range vocabs {
		opts = append(opts, form.Option{Value: v.ID, Label: v.Label})
	}
	return []*form.Element{{
		Key: "settings.vocabulary", Type: form.Select, Label: "Vocabulary", Required: true, Options: opts,
		Value:       field.Def{Settings: settings}.SettingString("vocabulary", ""),
		Description: "The vocabulary whose terms this field offers. Add vocabularies under Structure » Categories.",
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
	for _, v := range vocabs {
		if v.ID == id {
			return map[string]any{"vocabulary": id}, nil
		}
	}
	return nil, map[string]string{"settings.vocabulary": fmt.Sprintf("There is no vocabulary %q.", id)}
}

// Widget implements field.Type: a select of the vocabulary's terms.
func (f FieldType) Widget(def field.Def, key string, delta map[string]any) *form.Element {
	ctx, cancel := lookupContext()
	defer cancel()
	tree, _ := f.terms.Tree(ctx, def.SettingString("vocabulary", ""))
	value, _ := delta["target_id"].(string)
	return &form.Element{
		Key: key + ".target_id", Type: form.Select, Label: def.DisplayLabel(), Description: def.Description,
		Required: def.Required && strings.HasSuffix(key, ".0"), Value: value,
		Options: append([]form.Option{{Value: "", Label: "- None -"}}, indented(tree, uuid.Nil)...),
	}
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
func (f FieldType) Normalize(ctx context.Context, _ field.Env, def field.Def, delta map[string]any) (map[string]any, error) {
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

// Format implements field.Type: a link to each term's page, named.
func (f FieldType) Format(def field.Def, deltas []map[string]any) []render.Element {
	var out []render.Element
	for _, d := range deltas {
		id, err := uuid.Parse(fmt.Sprint(d["target_id"]))
		if err != nil {
			continue
		}
		out = append(out, render.Element{Type: render.TypeLink, Href: TermURL(id), Text: f.Text(def, d)})
	}
	return out
}

// Text implements field.Type: the term's name, or its id when the term is
// gone.
func (f FieldType) Text(_ field.Def, delta map[string]any) string {
	s := fmt.Sprint(delta["target_id"])
	id, err := uuid.Parse(s)
	if err != nil {
		return s
	}
	ctx, cancel := lookupContext()
	defer cancel()
	t, err := f.terms.Term(ctx, id)
	if err != nil {
		return id.String()
	}
	return t.Name
}
