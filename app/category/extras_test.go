package category_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/trovato/trovato/app/category"
	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/field"
	"github.com/trovato/trovato/app/form"
)

// recorder is a Hooks that records events and title-cases names on presave.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) TermPresave(_ context.Context, t *category.Term) {
	t.Name = strings.ToUpper(t.Name[:1]) + t.Name[1:]
}

func (r *recorder) TermEvent(_ context.Context, event string, t category.Term) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event+":"+t.Name)
}

// The service calls its hooks from the real create, update, reorder and
// delete paths, presave before validation and the events after commit.
func TestTermHooks(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t)
	rec := &recorder{}
	s.SetHooks(rec)
	if err := s.CreateVocabulary(ctx, category.Vocabulary{ID: "tags", Label: "Tags", Hierarchy: category.Flat}); err != nil {
		t.Fatal(err)
	}
	jazz, err := s.CreateTerm(ctx, category.Term{VocabularyID: "tags", Name: "jazz"})
	if err != nil {
		t.Fatal(err)
	}
	if jazz.Name != "Jazz" {
		t.Errorf("presave did not apply: %q", jazz.Name)
	}
	blues := mustTerm(t, s, "tags", "blues")
	jazz.Name, jazz.Description = "bebop", "Fast."
	if err := s.SaveTerm(ctx, *jazz); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveOrder(ctx, "tags", map[uuid.UUID]int{blues: 5, jazz.ID: 0}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteTerm(ctx, blues); err != nil {
		t.Fatal(err)
	}
	// A refused save fires nothing.
	if err := s.SaveTerm(ctx, category.Term{ID: jazz.ID, VocabularyID: "tags", Name: "x", Format: "no_such_format"}); !errs.Is(err, errs.Invalid) {
		t.Errorf("unknown format: %v", err)
	}
	if err := s.DeleteVocabulary(ctx, "tags"); err != nil {
		t.Fatal(err)
	}
	want := []string{"insert:Jazz", "insert:Blues", "update:Bebop", "update:Blues", "delete:Blues", "delete:Bebop"}
	if diff := cmp.Diff(want, rec.events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

// SaveOrder changes only the weights that differ and refuses terms of
// other vocabularies.
func TestSaveOrder(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t)
	for _, id := range []string{"a", "b"} {
		if err := s.CreateVocabulary(ctx, category.Vocabulary{ID: id, Label: id, Hierarchy: category.Single}); err != nil {
			t.Fatal(err)
		}
	}
	x, y, z := mustTerm(t, s, "a", "X"), mustTerm(t, s, "a", "Y"), mustTerm(t, s, "b", "Z")
	n, err := s.SaveOrder(ctx, "a", map[uuid.UUID]int{x: 2, y: 0})
	if err != nil || n != 1 {
		t.Fatalf("SaveOrder = %d, %v; want 1 changed", n, err)
	}
	tree, _ := s.Tree(ctx, "a")
	if tree[0].Name != "Y" || tree[1].Name != "X" || tree[1].Weight != 2 {
		t.Errorf("tree after reorder: %+v", tree)
	}
	if _, err := s.SaveOrder(ctx, "a", map[uuid.UUID]int{z: 1}); !errs.Is(err, errs.Invalid) {
		t.Errorf("term of another vocabulary: %v", err)
	}
	if _, err := s.SaveOrder(ctx, "missing", map[uuid.UUID]int{x: 1}); !errs.Is(err, errs.NotFound) {
		t.Errorf("missing vocabulary: %v", err)
	}
}

// The free-tagging widget of the category_reference field: settings,
// widget, name resolution and creation of new terms.
func TestFreeTaggingField(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t)
	if err := s.CreateVocabulary(ctx, category.Vocabulary{ID: "tags", Label: "Tags", Hierarchy: category.Flat}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateVocabulary(ctx, category.Vocabulary{ID: "other", Label: "Other", Hierarchy: category.Flat}); err != nil {
		t.Fatal(err)
	}
	goID := mustTerm(t, s, "tags", "Go")
	mustTerm(t, s, "other", "Elsewhere")
	ft := category.NewFieldType(s)

	settings, problems := ft.ReadSettings(form.Values{"settings.vocabulary": {"tags"}, "settings.widget": {category.WidgetTags}, "settings.auto_create": {"1"}})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if diff := cmp.Diff(map[string]any{"vocabulary": "tags", "widget": category.WidgetTags, "auto_create": true}, settings); diff != "" {
		t.Errorf("settings (-want +got):\n%s", diff)
	}
	if _, problems := ft.ReadSettings(form.Values{"settings.vocabulary": {"tags"}, "settings.widget": {"wheel"}}); problems["settings.widget"] == "" {
		t.Error("an unknown widget was accepted")
	}
	def := field.Def{Name: "field_tags", Label: "Tags", Type: category.TypeReference, Cardinality: -1, Settings: settings}

	el := ft.Widget(def, "field_tags.0", map[string]any{"target_id": goID.String()})
	if el.Type != form.Autocomplete || el.Value != "Go" || el.AutocompletePath != "/category/autocomplete?vocab=tags" {
		t.Errorf("widget = %s %q %q", el.Type, el.Value, el.AutocompletePath)
	}

	norm := func(ctx context.Context, d field.Def, v string) (string, error) {
		out, err := ft.Normalize(ctx, nil, d, map[string]any{"target_id": v})
		if err != nil {
			return "", err
		}
		if out == nil {
			return "", nil
		}
		return out["target_id"].(string), nil
	}
	allowed := category.WithTagging(ctx, true)
	for _, in := range []string{"Go", "go", " GO ", goID.String(), "Go (" + goID.String() + ")"} {
		if got, err := norm(ctx, def, in); err != nil || got != goID.String() {
			t.Errorf("Normalize(%q) = %q, %v; want Go's id", in, got, err)
		}
	}
	// A new name without permission is refused and creates nothing.
	if _, err := norm(ctx, def, "Zig"); err == nil || !strings.Contains(err.Error(), `there is no term "Zig"`) {
		t.Errorf("new name without permission: %v", err)
	}
	if _, err := s.TermByName(ctx, "tags", "Zig"); !errs.Is(err, errs.NotFound) {
		t.Errorf("Zig exists after a refused save: %v", err)
	}
	// With permission it is created, once; normalizing again is idempotent.
	zig, err := norm(allowed, def, "Zig")
	if err != nil {
		t.Fatal(err)
	}
	again, err := norm(allowed, def, "zig")
	if err != nil || again != zig {
		t.Errorf("second Zig = %q, %v; want %q", again, err, zig)
	}
	if same, err := norm(allowed, def, zig); err != nil || same != zig {
		t.Errorf("Normalize(id) = %q, %v", same, err)
	}
	// A field that does not allow creation refuses even a permitted user.
	closed := def
	closed.Settings = map[string]any{"vocabulary": "tags", "widget": category.WidgetTags, "auto_create": false}
	if _, err := norm(allowed, closed, "Nim"); err == nil {
		t.Error("a field without auto_create created a term")
	}
	// A term of another vocabulary is still refused by id.
	other, _ := s.TermByName(ctx, "other", "Elsewhere")
	if _, err := norm(allowed, def, other.ID.String()); err == nil || !strings.Contains(err.Error(), "not in this field's vocabulary") {
		t.Errorf("term of another vocabulary: %v", err)
	}
	// The select widget is unchanged: names are not resolved there.
	sel := def
	sel.Settings = map[string]any{"vocabulary": "tags"}
	if el := ft.Widget(sel, "field_tags.0", nil); el.Type != form.Select {
		t.Errorf("default widget = %s, want select", el.Type)
	}
	if _, err := norm(allowed, sel, "Go"); err == nil {
		t.Error("the select widget accepted a name")
	}
}

// Suggest lists matching names, prefixes first, and disambiguates names
// shared by several terms.
func TestSuggest(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t)
	if err := s.CreateVocabulary(ctx, category.Vocabulary{ID: "tags", Label: "Tags", Hierarchy: category.Single}); err != nil {
		t.Fatal(err)
	}
	mustTerm(t, s, "tags", "Mango")
	parent := mustTerm(t, s, "tags", "Fruit")
	a := mustTerm(t, s, "tags", "Gold")
	b := mustTerm(t, s, "tags", "Gold", parent)
	got, err := s.Suggest(ctx, "tags", "go", 10)
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, g := range got {
		labels = append(labels, g.Label)
	}
	want := []string{"Gold (" + a.String() + ")", "Gold (" + b.String() + ")", "Mango"}
	if a.String() > b.String() {
		want[0], want[1] = "Gold ("+b.String()+")", "Gold ("+a.String()+")"
	}
	if diff := cmp.Diff(want, labels); diff != "" {
		t.Errorf("suggestions (-want +got):\n%s", diff)
	}
}
