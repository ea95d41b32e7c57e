package item

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/trovato/trovato/app/db"
	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/field"
	"github.com/trovato/trovato/app/pg"
)

// typeNamePattern is what a content type machine name looks like.
var typeNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// TypeMachineName derives a machine name from a label ("Blog post" → "blog_post").
func TypeMachineName(label string) string {
	var b strings.Builder
	underscore := false
	for _, r := range strings.ToLower(label) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if b.Len() == 0 && r >= '0' && r <= '9' {
				b.WriteString("type_")
			}
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

// CreateType adds a content type; the machine name must be new.
func (s *Service) CreateType(ctx context.Context, t Type) error {
	problems := map[string]string{}
	if strings.TrimSpace(t.Label) == "" {
		problems["label"] = "Name field is required."
	}
	if !typeNamePattern.MatchString(t.Type) {
		problems["type"] = "The machine name must start with a letter and contain only lower-case letters, digits and underscores (at most 32)."
	}
	if len(problems) > 0 {
		return errs.InvalidFields(problems)
	}
	if _, err := s.GetType(ctx, t.Type); err == nil {
		return &errs.Error{Class: errs.Conflict, Message: fmt.Sprintf("The machine name %q is already in use.", t.Type),
			Fields: map[string]string{"type": fmt.Sprintf("The machine name %q is already in use.", t.Type)}}
	}
	if t.TitleLabel == "" {
		t.TitleLabel = "Title"
	}
	return s.SaveType(ctx, t)
}

// DeleteType removes a content type that has no items.
func (s *Service) DeleteType(ctx context.Context, typ string) error {
	t, err := s.GetType(ctx, typ)
	if err != nil {
		return err
	}
	n, err := s.CountItems(ctx, typ)
	if err != nil {
		return err
	}
	if n > 0 {
		return errs.New(errs.Conflict, "%s is used by %d item(s) on your site. You can not remove this content type until you have removed all of the %s content.", t.Label, n, t.Label)
	}
	if t.Plugin != "" {
		return errs.New(errs.Conflict, "%s is defined by the %s plugin; disable the plugin to remove it.", t.Label, t.Plugin)
	}
	return pg.Classify(s.q.DeleteItemType(ctx, typ), "delete content type")
}

// CountItems counts the items of a type.
func (s *Service) CountItems(ctx context.Context, typ string) (int64, error) {
	n, err := s.q.CountItemsOfType(ctx, typ)
	return n, pg.Classify(err, "count items")
}

// FieldUsage counts the items of a type that hold values in a field.
func (s *Service) FieldUsage(ctx context.Context, typ, name string) (int64, error) {
	n, err := s.q.CountItemsWithField(ctx, db.CountItemsWithFieldParams{Type: typ, Field: name})
	return n, pg.Classify(err, "count field values")
}

// SaveField adds or updates a field of a type. New fields go last.
func (s *Service) SaveField(ctx context.Context, typ string, def field.Def) error {
	t, err := s.GetType(ctx, typ)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(t.Fields, func(d field.Def) bool { return d.Name == def.Name })
	if i >= 0 {
		def.Locked = t.Fields[i].Locked
		t.Fields[i] = def
	} else {
		t.Fields = append(t.Fields, def)
	}
	return s.SaveType(ctx, *t)
}

// DeleteField removes a field and its values from every item of the type
// (revisions keep their history). Plugin-defined fields cannot be deleted.
func (s *Service) DeleteField(ctx context.Context, typ, name string) error {
	t, err := s.GetType(ctx, typ)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(t.Fields, func(d field.Def) bool { return d.Name == name })
	if i < 0 {
		return errs.New(errs.NotFound, "%s has no field %s.", t.Label, name)
	}
	if t.Fields[i].Locked {
		return errs.New(errs.Forbidden, "The field %s is defined by the %s plugin and cannot be deleted here.", t.Fields[i].Label, t.Plugin)
	}
	t.Fields = slices.Delete(t.Fields, i, i+1)
	if err := s.SaveType(ctx, *t); err != nil {
		return err
	}
	return pg.Classify(s.q.DropFieldValues(ctx, db.DropFieldValuesParams{Type: typ, Field: name}), "drop field values")
}

// MoveField moves a field one place up (delta -1) or down (+1) in the form.
func (s *Service) MoveField(ctx context.Context, typ, name string, delta int) error {
	t, err := s.GetType(ctx, typ)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(t.Fields, func(d field.Def) bool { return d.Name == name })
	if i < 0 {
		return errs.New(errs.NotFound, "%s has no field %s.", t.Label, name)
	}
	j := i + delta
	if j < 0 || j >= len(t.Fields) {
		return nil
	}
	t.Fields[i], t.Fields[j] = t.Fields[j], t.Fields[i]
	return s.SaveType(ctx, *t)
}

// RegisterPluginType saves a type a plugin defines through tap_item_info.
// The plugin's fields are locked (code owns them); fields a site builder
// added in the UI are kept after them.
func (s *Service) RegisterPluginType(ctx context.Context, t Type) error {
	for i := range t.Fields {
		t.Fields[i].Locked = true
	}
	if old, err := s.GetType(ctx, t.Type); err == nil {
		for _, d := range old.Fields {
			if !d.Locked && !slices.ContainsFunc(t.Fields, func(n field.Def) bool { return n.Name == d.Name }) {
				t.Fields = append(t.Fields, d)
			}
		}
		t.Unpublished = old.Unpublished
	} else if !errs.Is(err, errs.NotFound) {
		return err
	}
	return s.SaveType(ctx, t)
}

// Suggestion is one autocomplete answer for an item reference.
type Suggestion struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Title string `json:"title"`
	Label string `json:"label"` // "Title (id)", what the widget accepts back
}

// Autocomplete finds up to 10 items whose title contains q.
func (s *Service) Autocomplete(ctx context.Context, types []string, q string, unpublished bool) ([]Suggestion, error) {
	if types == nil {
		types = []string{}
	}
	rows, err := s.q.AutocompleteItems(ctx, db.AutocompleteItemsParams{Types: types, Q: q, Unpublished: unpublished, Chain: chainOf(ctx)})
	if err != nil {
		return nil, fmt.Errorf("autocomplete: %w", err)
	}
	out := make([]Suggestion, 0, len(rows))
	for _, r := range rows {
		out = append(out, Suggestion{ID: r.ID.String(), Type: r.Type, Title: r.Title, Label: r.Title + " (" + r.ID.String() + ")"})
	}
	return out, nil
}

// fieldNamePattern is what a field machine name looks like.
var fieldNamePattern = regexp.MustCompile(`^field_[a-z0-9_]{1,26}$`)
