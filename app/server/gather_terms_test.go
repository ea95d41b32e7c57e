package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/category"
	"github.com/trovato/trovato/app/field"
	"github.com/trovato/trovato/app/item"
)

// TestBuilderLargeVocabulary: a term filter on a vocabulary of more terms
// than the builder lists (600 here) takes names in a free-tagging input
// with the category autocomplete; names resolve to term ids (case ignored,
// "Name (id)" for names several terms share), an unknown name answers 422
// at the input with what was typed kept, and the stored ids show as names
// again when the listing is edited. A small vocabulary keeps its select.
func TestBuilderLargeVocabulary(t *testing.T) {
	s := newSite(t)
	seedArticleSite(t, s)
	ctx := t.Context()
	cats := category.NewService(s.Pool)
	if err := cats.CreateVocabulary(ctx, category.Vocabulary{ID: "places", Label: "Places", Hierarchy: category.Flat}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool.Exec(ctx, `INSERT INTO category_term (id, vocabulary_id, name, weight)
		SELECT gen_random_uuid(), 'places', 'Place ' || lpad(n::text, 4, '0'), 0 FROM generate_series(1, 600) n`); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, name := range []string{"Lyon", "Paris", "Paris 2"} {
		tm, err := cats.CreateTerm(ctx, category.Term{VocabularyID: "places", Name: strings.TrimSuffix(name, " 2"), Format: "plain_text", Weight: 5})
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = tm.ID.String()
	}
	err := s.Items.CreateType(ctx, item.Type{Type: "trip", Label: "Trip", Fields: []field.Def{
		{Name: "field_place", Type: "category_reference", Label: "Place", Cardinality: 1, Settings: map[string]any{"vocabulary": "places"}},
		{Name: "field_tags", Type: "category_reference", Label: "Tags", Cardinality: -1, Settings: map[string]any{"vocabulary": "tags"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	typ, err := s.Items.GetType(ctx, "trip")
	if err != nil {
		t.Fatal(err)
	}
	acct, err := s.Users.LoadByName(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	published := true
	for i, trip := range []struct{ title, place string }{{"Trip to Lyon", "Lyon"}, {"Trip to Paris", "Paris"}, {"Trip to the other Paris", "Paris 2"}} {
		created := time.Date(2024, 1, i+1, 12, 0, 0, 0, time.UTC)
		if _, err := s.Items.Create(ctx, acct, typ, item.Input{Title: trip.title, Status: &published, Created: &created,
			Fields: item.Values{"field_place": {{"target_id": ids[trip.place]}}}}); err != nil {
			t.Fatal(err)
		}
	}

	c := newClient(t, s)
	c.login("admin", adminPassword)
	trips := func(kv ...string) url.Values {
		return with(url.Values{"name": {"trips"}, "label": {"Trips"}, "base_types": {"trip"},
			"fields.0.field": {"title"}, "sorts.0.field": {"created"}, "sorts.0.direction": {"asc"},
			"filters.0.field": {"field_place"}, "filters.0.op": {"has_term"},
			"pager.type": {"mini"}, "pager.items_per_page": {"10"},
			"display.path": {"/trips"}, "display.title": {"Trips"}, "display.format": {"list"}, "display.text_format": {"plain_text"},
			"op": {"Save listing"}}, kv...)
	}

	// The large vocabulary: a free-tagging input, no select of 500 terms.
	add := c.get("/admin/gather/add")
	r := c.formPost(add, "/admin/gather/add", with(trips(), "refresh", "Update choices", "op", ""))
	if r.status != http.StatusOK {
		t.Fatalf("rebuild: status %d\n%s", r.status, r.body)
	}
	mustContain(t, r.body, `name="filters.0.terms"`, `data-autocomplete-path="/category/autocomplete?vocab=places"`, "data-autocomplete-tags")
	mustNotContain(t, r.body, `name="filters.0.choices"`, "Place 0001")
	// The small vocabulary keeps its select.
	small := c.formPost(add, "/admin/gather/add", with(trips("filters.0.field", "field_tags"), "refresh", "Update choices", "op", ""))
	mustContain(t, small.body, `name="filters.0.choices"`, ">Food</option>")
	mustNotContain(t, small.body, `name="filters.0.terms"`)

	// The autocomplete the input calls answers for the vocabulary.
	sugg := c.get("/category/autocomplete?vocab=places&q=lyo")
	mustContain(t, sugg.body, ids["Lyon"])

	// An unknown name: 422 at the input, the text kept, nothing saved.
	add = c.get("/admin/gather/add")
	bad := c.formPost(add, "/admin/gather/add", trips("filters.0.terms", "Lyon, Atlantis"))
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown term: status %d, want 422\n%s", bad.status, bad.body)
	}
	mustContain(t, bad.body, `data-testid="error-filters.0.terms"`, `There is no term &#34;Atlantis&#34; in this vocabulary`, `value="Lyon, Atlantis"`)
	if _, err := s.Gather.Get(ctx, "trips"); err == nil {
		t.Fatal("the listing was saved with an unknown term")
	}

	// Names resolve (case ignored; the id picks one of two Parises).
	good := c.formPost(add, "/admin/gather/add", trips("filters.0.terms", "lyon, Paris ("+ids["Paris 2"]+")"))
	if good.status != http.StatusSeeOther {
		t.Fatalf("save: status %d\n%s", good.status, good.body)
	}
	v, err := s.Gather.Get(ctx, "trips")
	if err != nil {
		t.Fatal(err)
	}
	var stored struct {
		Filters []struct {
			Value []string `json:"value"`
		} `json:"filters"`
	}
	if err := json.Unmarshal(v.Definition, &stored); err != nil {
		t.Fatal(err)
	}
	if len(stored.Filters) != 1 || strings.Join(stored.Filters[0].Value, ",") != ids["Lyon"]+","+ids["Paris 2"] {
		t.Fatalf("stored filter %s, want the ids of Lyon and the second Paris", v.Definition)
	}
	page := c.get("/trips")
	mustContain(t, page.body, "Trip to Lyon", "Trip to the other Paris")
	mustNotContain(t, page.body, "Trip to Paris<")

	// Editing shows the names again, the shared one with its id.
	edit := c.get("/admin/gather/trips/edit")
	mustContain(t, edit.body, `name="filters.0.terms"`, `value="Lyon, Paris (`+ids["Paris 2"]+`)"`)
	if _, err := uuid.Parse(ids["Paris"]); err != nil || strings.Contains(edit.body, ids["Paris"]) {
		t.Error("the edit form names the first Paris, which the filter does not hold")
	}
	// Emptying the input leaves the filter without a value: 422 at the input.
	cleared := c.formPost(edit, "/admin/gather/trips/edit", trips("filters.0.terms", ""))
	if cleared.status != http.StatusUnprocessableEntity {
		t.Fatalf("cleared: status %d, want 422", cleared.status)
	}
	mustContain(t, cleared.body, `data-testid="error-filters.0.terms"`, "needs a value")
}
