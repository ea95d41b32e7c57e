package stage_test

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/category"
	"github.com/trovato/trovato/app/gather"
	"github.com/trovato/trovato/app/web"
)

// TestStagedTermsInListingsAndReview: Gather listings and the stage review
// name terms as the stage sees them, and a stage listing's "has the term or
// a narrower one" follows the stage's hierarchy. In stage spring Beta is
// renamed, Delta created under Alpha and Gamma moved under Alpha (a root in
// Live); Contact is tagged Beta in Live and Beta, Delta in spring; Plugins
// is tagged Delta in spring only; Listings is tagged Gamma (Live and
// spring).
func TestStagedTermsInListingsAndReview(t *testing.T) {
	t.Parallel()
	f, _, _ := stagedSite(t)
	ts := newTermSite(t, f)
	live := context.Background()
	spring := f.in("spring")
	cats := f.s.Categories
	if err := cats.SaveTerm(spring, category.Term{ID: ts.beta.ID, VocabularyID: "topics", Name: "Beta STAGENAME",
		Parents: []uuid.UUID{ts.alpha.ID}}); err != nil {
		t.Fatal(err)
	}
	delta, err := cats.CreateTerm(spring, category.Term{VocabularyID: "topics", Name: "Delta STAGECHILD", Parents: []uuid.UUID{ts.alpha.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if err := cats.SaveTerm(spring, category.Term{ID: ts.gamma.ID, VocabularyID: "topics", Name: "Gamma",
		Parents: []uuid.UUID{ts.alpha.ID}}); err != nil {
		t.Fatal(err)
	}
	contact := ts.tag(live, f.mustFind(live, "Contact"), "Contact", ts.beta.ID.String())
	ts.tag(spring, contact, "Contact", ts.beta.ID.String(), delta.ID.String())
	ts.tag(spring, f.mustFind(live, "Plugins"), "Plugins", delta.ID.String())
	ts.tag(live, f.mustFind(live, "Listings"), "Listings", ts.gamma.ID.String())

	// The batch name lookup the listing cells use.
	ids := []uuid.UUID{ts.beta.ID, delta.ID, ts.gamma.ID}
	names, err := cats.Names(spring, ids)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[uuid.UUID]string{ts.beta.ID: "Beta STAGENAME", delta.ID: "Delta STAGECHILD", ts.gamma.ID: "Gamma"}; !maps.Equal(names, want) {
		t.Errorf("Names in spring = %v, want %v", names, want)
	}
	if names, err = cats.Names(live, ids); err != nil {
		t.Fatal(err)
	}
	if want := map[uuid.UUID]string{ts.beta.ID: "Beta", ts.gamma.ID: "Gamma"}; !maps.Equal(names, want) {
		t.Errorf("Names in Live = %v, want %v", names, want)
	}

	// has_term_or_descendants Alpha: in spring Delta and Gamma are below
	// Alpha; in Live only Beta is.
	def := gather.Definition{BaseTypes: []string{"page"}, Fields: []gather.Show{{Field: "title"}, {Field: "field_topics"}},
		Filters: []gather.Filter{{Field: "field_topics", Op: "has_term_or_descendants", Value: []any{ts.alpha.ID.String()}}},
		Sorts:   []gather.Sort{{Field: "title", Direction: "asc"}},
		Pager:   gather.Pager{Type: "mini", ItemsPerPage: 50}}
	titles := func(ctx context.Context, def gather.Definition) []string {
		t.Helper()
		res, err := f.s.Gather.Run(ctx, &def, gather.Viewer{SeesUnpublished: true, Stage: web.StageFrom(ctx).Chain}, 0)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range res.Rows {
			out = append(out, r.Title)
		}
		return out
	}
	if got, want := titles(spring, def), []string{"Contact", "Listings", "Plugins"}; !slices.Equal(got, want) {
		t.Errorf("spring, has Alpha or narrower: %v, want %v", got, want)
	}
	if got, want := titles(live, def), []string{"Contact"}; !slices.Equal(got, want) {
		t.Errorf("Live, has Alpha or narrower: %v, want %v", got, want)
	}
	// Delta's family in spring is Delta alone; Gamma's holds Gamma only.
	def.Filters[0].Value = []any{delta.ID.String(), ts.gamma.ID.String()}
	if got, want := titles(spring, def), []string{"Contact", "Listings", "Plugins"}; !slices.Equal(got, want) {
		t.Errorf("spring, has Delta or Gamma or narrower: %v, want %v", got, want)
	}
	if got, want := titles(live, def), []string{"Listings"}; !slices.Equal(got, want) {
		t.Errorf("Live, has Delta or Gamma or narrower: %v, want %v", got, want)
	}

	// The listing page's cells and its exposed select.
	page := gather.Definition{BaseTypes: []string{"page"}, Fields: []gather.Show{{Field: "title"}, {Field: "field_topics"}},
		Filters: []gather.Filter{{Field: "field_topics", Op: "has_term_or_descendants",
			Expose: &gather.Expose{Identifier: "topic", Label: "Topic", Widget: "select", Vocabulary: "topics"}}},
		Sorts:   []gather.Sort{{Field: "title", Direction: "asc"}},
		Pager:   gather.Pager{Type: "mini", ItemsPerPage: 50},
		Display: gather.Display{Path: "/topic-pages", Title: "Topic pages"}}
	if err := f.s.Gather.Save(live, "topic_pages", "Topic pages", &page); err != nil {
		t.Fatal(err)
	}
	admin := newClient(t, f.s)
	admin.login("admin", adminPassword)
	r := admin.get("/topic-pages")
	if r.status != http.StatusOK {
		t.Fatalf("Live listing status %d", r.status)
	}
	mustContain(t, "Live listing", r.body, ">Beta<", ">Gamma<")
	mustNotContain(t, "Live listing", r.body, "STAGENAME", "STAGECHILD")
	if r := admin.postForm("/admin/stages/switch", url.Values{"csrf_token": {admin.csrf()}, "stage": {"spring"}}); r.status != http.StatusSeeOther {
		t.Fatalf("switching to spring: %d", r.status)
	}
	r = admin.get("/topic-pages")
	if r.status != http.StatusOK {
		t.Fatalf("spring listing status %d", r.status)
	}
	// Cells (Contact: both terms; Plugins: Delta) and the select's options.
	mustContain(t, "spring listing", r.body, ">Beta STAGENAME<", ">Delta STAGECHILD<", ">-Delta STAGECHILD<")
	mustNotContain(t, "spring listing", r.body, ">Beta<")

	// The review of spring, by an admin whose active stage is another one,
	// names the terms of the item diffs as spring has them.
	if r := admin.postForm("/admin/stages/switch", url.Values{"csrf_token": {admin.csrf()}, "stage": {"internal"}}); r.status != http.StatusSeeOther {
		t.Fatalf("switching to internal: %d", r.status)
	}
	r = admin.get("/admin/stages/spring")
	if r.status != http.StatusOK {
		t.Fatalf("review status %d", r.status)
	}
	mustContain(t, "spring review", r.body, "Beta STAGENAME, Delta STAGECHILD")
	mustNotContain(t, "spring review", r.body, delta.ID.String()+"<", "Beta, ")
}
