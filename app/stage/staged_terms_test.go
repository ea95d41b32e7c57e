package stage_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/category"
	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/field"
	"github.com/trovato/trovato/app/item"
	"github.com/trovato/trovato/app/stage"
)

// termSite adds to a fixture a "topics" vocabulary (single parent) with
// the Live terms Alpha, Beta (under Alpha) and Gamma, and a field_topics
// category field on pages.
type termSite struct {
	*fixture
	alpha, beta, gamma *category.Term
}

func newTermSite(t *testing.T, f *fixture) *termSite {
	t.Helper()
	ctx := context.Background()
	cats := f.s.Categories
	if err := cats.CreateVocabulary(ctx, category.Vocabulary{ID: "topics", Label: "Topics", Hierarchy: category.Single}); err != nil {
		t.Fatal(err)
	}
	mk := func(name string, parents ...uuid.UUID) *category.Term {
		t.Helper()
		tm, err := cats.CreateTerm(ctx, category.Term{VocabularyID: "topics", Name: name, Parents: parents})
		if err != nil {
			t.Fatalf("create term %s: %v", name, err)
		}
		return tm
	}
	ts := &termSite{fixture: f}
	ts.alpha = mk("Alpha")
	ts.beta = mk("Beta", ts.alpha.ID)
	ts.gamma = mk("Gamma")
	if err := f.s.Items.SaveField(ctx, "page", field.Def{Name: "field_topics", Label: "Topics", Type: category.TypeReference,
		Cardinality: -1, Settings: map[string]any{"vocabulary": "topics", "widget": category.WidgetTags, "auto_create": true}}); err != nil {
		t.Fatal(err)
	}
	page, err := f.s.Items.GetType(ctx, "page")
	if err != nil {
		t.Fatal(err)
	}
	f.page = page
	return ts
}

// tag saves it with field_topics set to the given term ids or names.
func (ts *termSite) tag(ctx context.Context, it *item.Item, title string, terms ...string) *item.Item {
	ts.t.Helper()
	var vals []map[string]any
	for _, x := range terms {
		vals = append(vals, map[string]any{"target_id": x})
	}
	next, err := ts.s.Items.Update(category.WithTagging(ctx, true), ts.admin, ts.page, it, item.Input{Title: title,
		Fields: item.Values{"field_topics": vals}})
	if err != nil {
		ts.t.Fatalf("tag %s: %v", title, err)
	}
	return next
}

// TestStagedTermLeakMatrix: a term renamed, a term created and a term
// deleted in a stage change the term pages, the vocabulary's term list and
// the autocomplete only for editors switched to that stage; anonymous
// visitors, accounts without "use stages", editors in Live and editors in
// another stage see Live's terms.
func TestStagedTermLeakMatrix(t *testing.T) {
	t.Parallel()
	f, _, _ := stagedSite(t)
	ts := newTermSite(t, f)
	spring := f.in("spring")
	cats := f.s.Categories
	if err := cats.SaveTerm(spring, category.Term{ID: ts.beta.ID, VocabularyID: "topics", Name: "Beta RENAMEDSECRET",
		Description: "DESCSECRET", Parents: []uuid.UUID{ts.alpha.ID}}); err != nil {
		t.Fatal(err)
	}
	delta, err := cats.CreateTerm(spring, category.Term{VocabularyID: "topics", Name: "Delta CREATEDSECRET", Parents: []uuid.UUID{ts.alpha.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if err := cats.DeleteTerm(spring, ts.gamma.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.s.Users.Grant(context.Background(), "editor", category.PermAdminister); err != nil {
		t.Fatal(err)
	}
	// Contact is tagged with Beta in Live; the stage tags it with Delta too.
	contact := ts.tag(context.Background(), f.mustFind(context.Background(), "Contact"), "Contact", ts.beta.ID.String())
	ts.tag(spring, contact, "Contact", ts.beta.ID.String(), delta.ID.String())
	contactURL := contact.URL()

	users := map[string]*client{"anonymous": newClient(t, f.s), "vic": newClient(t, f.s), "ed": newClient(t, f.s), "admin": newClient(t, f.s)}
	users["vic"].login("vic", "vic-password")
	users["ed"].login("ed", "ed-password")
	users["admin"].login("admin", adminPassword)
	switchTo := func(who, id string) {
		t.Helper()
		c := users[who]
		if r := c.postForm("/admin/stages/switch", url.Values{"csrf_token": {c.csrf()}, "stage": {id}}); r.status != http.StatusSeeOther {
			t.Fatalf("%s switching to %s: %d", who, id, r.status)
		}
	}
	secrets := []string{"RENAMEDSECRET", "DESCSECRET", "CREATEDSECRET"}
	vocabURL := "/admin/structure/categories/topics"
	deltaSuggest := "/category/autocomplete?vocab=topics&q=delta"

	// Live's view: anonymous, no stage permission, editor and admin in Live,
	// admin in another stage.
	switchTo("admin", "internal")
	for _, who := range []string{"anonymous", "vic", "ed", "admin"} {
		c := users[who]
		label := who + " (Live)"
		r := c.get(ts.beta.URL())
		if r.status != http.StatusOK {
			t.Fatalf("%s: renamed term page status %d", label, r.status)
		}
		mustContain(t, label+" renamed term page", r.body, "Beta", "Alpha")
		mustNotContain(t, label+" renamed term page", r.body, secrets...)
		if r := c.get(delta.URL()); r.status != http.StatusNotFound {
			t.Errorf("%s: stage-created term page status %d, want 404", label, r.status)
		}
		if r := c.get(ts.gamma.URL()); r.status != http.StatusOK || !strings.Contains(r.body, "Gamma") {
			t.Errorf("%s: stage-deleted term page status %d, want 200 with Gamma", label, r.status)
		}
		if r := c.get(contactURL); !strings.Contains(r.body, ">Beta<") {
			t.Errorf("%s: tagged item page lacks Live's term name", label)
		} else {
			mustNotContain(t, label+" tagged item page", r.body, secrets...)
		}
		if who == "ed" || who == "admin" {
			r := c.get(vocabURL)
			if r.status != http.StatusOK {
				t.Fatalf("%s: term list status %d", label, r.status)
			}
			mustContain(t, label+" term list", r.body, "Alpha", "Beta", "Gamma")
			mustNotContain(t, label+" term list", r.body, secrets...)
			if r := c.get(deltaSuggest); strings.Contains(r.body, "CREATEDSECRET") {
				t.Errorf("%s: autocomplete suggests the stage-created term: %s", label, r.body)
			}
		}
	}

	// The stage's view, for an editor switched to it.
	switchTo("ed", "spring")
	c := users["ed"]
	r := c.get(ts.beta.URL())
	if r.status != http.StatusOK {
		t.Fatalf("ed in spring: renamed term page status %d", r.status)
	}
	mustContain(t, "ed in spring, renamed term page", r.body, "Beta RENAMEDSECRET", "DESCSECRET", "Alpha")
	r = c.get(delta.URL())
	if r.status != http.StatusOK {
		t.Fatalf("ed in spring: created term page status %d", r.status)
	}
	mustContain(t, "ed in spring, created term page (with its breadcrumb)", r.body, "Delta CREATEDSECRET", ts.alpha.URL())
	if r := c.get(ts.gamma.URL()); r.status != http.StatusNotFound {
		t.Errorf("ed in spring: deleted term page status %d, want 404", r.status)
	}
	r = c.get(vocabURL)
	mustContain(t, "ed in spring, term list", r.body, "Alpha", "Beta RENAMEDSECRET", "Delta CREATEDSECRET")
	mustNotContain(t, "ed in spring, term list", r.body, "Gamma")
	if r := c.get(deltaSuggest); !strings.Contains(r.body, "CREATEDSECRET") {
		t.Errorf("ed in spring: autocomplete lacks the stage-created term: %s", r.body)
	}
	// The item page names the terms as the stage has them, and so does the
	// free-tagging input of the edit form (a save keeps both tags).
	mustContain(t, "ed in spring, tagged item page", c.get(contactURL).body, "Beta RENAMEDSECRET", "Delta CREATEDSECRET")
	edit := c.get(contactURL + "/edit")
	mustContain(t, "ed in spring, item edit form", edit.body, "Beta RENAMEDSECRET, Delta CREATEDSECRET")

	// Live itself is untouched.
	if tm, err := cats.Term(context.Background(), ts.beta.ID); err != nil || tm.Name != "Beta" {
		t.Errorf("Live Beta = %+v, %v", tm, err)
	}
	if _, err := cats.Term(context.Background(), delta.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("Live load of the stage-created term: %v, want NotFound", err)
	}
}

// recordHooks records the term events (the category_term_* taps).
type recordHooks struct {
	mu     sync.Mutex
	events []string
}

func (h *recordHooks) TermPresave(context.Context, *category.Term) {}
func (h *recordHooks) TermEvent(_ context.Context, event string, t category.Term) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, event+" "+t.Name)
}

func (h *recordHooks) list() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.events...)
}

// TestPublishTermsWithItems: an item tagged (by free tagging) in a stage
// with a term created there goes Live together with the term in one
// publish; a vetoed publish leaves both out of Live; term events fire on
// publish, not on the stage writes.
func TestPublishTermsWithItems(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStage("spring", "Spring campaign", "")
	ts := newTermSite(t, f)
	hooks := &recordHooks{}
	f.s.Categories.SetHooks(hooks)
	live, spring := context.Background(), f.in("spring")
	cats := f.s.Categories

	about := f.mustFind(live, "About us")
	tagged := ts.tag(spring, about, "About us (spring)", "Launch", ts.alpha.ID.String())
	launch, err := cats.TermByName(spring, "topics", "Launch")
	if err != nil {
		t.Fatalf("free-tagged term in the stage: %v", err)
	}
	if _, err := cats.TermByName(live, "topics", "Launch"); !errs.Is(err, errs.NotFound) {
		t.Fatalf("free-tagged term in Live before publish: %v, want NotFound", err)
	}
	if err := cats.SaveTerm(spring, category.Term{ID: ts.gamma.ID, VocabularyID: "topics", Name: "Gamma (spring)",
		Parents: []uuid.UUID{launch.ID}}); err != nil {
		t.Fatal(err)
	}
	if err := cats.DeleteTerm(spring, ts.beta.ID); err != nil {
		t.Fatal(err)
	}
	if ev := hooks.list(); len(ev) != 0 {
		t.Errorf("term events fired by stage writes: %v", ev)
	}

	// A veto stops the whole publish: neither the item nor the terms.
	f.s.Stages.SetVeto(func(context.Context, *stage.Stage, []uuid.UUID) error {
		return errs.New(errs.Forbidden, "not today")
	})
	if _, err := f.s.Stages.Publish(live, "spring", stage.PublishRequest{By: f.admin}); err == nil {
		t.Fatal("vetoed publish succeeded")
	}
	if _, err := cats.Term(live, launch.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("vetoed publish made the term Live: %v", err)
	}
	if it, _ := f.s.Items.Load(live, about.ID); it.Title != "About us" {
		t.Errorf("vetoed publish changed the item: %q", it.Title)
	}
	f.s.Stages.SetVeto(nil)

	res, err := f.s.Stages.Publish(live, "spring", stage.PublishRequest{By: f.admin})
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	if len(res.Terms) != 2 || len(res.TermsDeleted) != 1 || len(res.Published) != 1 {
		t.Errorf("publish result = %+v; want 2 terms, 1 term deletion, 1 item", res)
	}
	got, err := cats.Term(live, launch.ID)
	if err != nil || got.Name != "Launch" {
		t.Fatalf("Live Launch after publish = %+v, %v", got, err)
	}
	if g, err := cats.Term(live, ts.gamma.ID); err != nil || g.Name != "Gamma (spring)" || len(g.Parents) != 1 || g.Parents[0] != launch.ID {
		t.Errorf("Live Gamma after publish = %+v, %v; want renamed under Launch", g, err)
	}
	if _, err := cats.Term(live, ts.beta.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("Live Beta after publishing its deletion: %v", err)
	}
	it, err := f.s.Items.Load(live, tagged.ID)
	if err != nil || it.Title != "About us (spring)" {
		t.Fatalf("Live item after publish = %+v, %v", it, err)
	}
	ids := map[string]bool{}
	for _, d := range it.Fields["field_topics"] {
		ids[d["target_id"].(string)] = true
	}
	if !ids[launch.ID.String()] || !ids[ts.alpha.ID.String()] {
		t.Errorf("Live item's topics = %v; want Launch and Alpha", it.Fields["field_topics"])
	}
	items, err := cats.TaggedItems(live, "topics", []uuid.UUID{launch.ID}, false, 0, 10)
	if err != nil || len(items) != 1 || items[0].ID != about.ID {
		t.Errorf("Live term page items of Launch = %+v, %v", items, err)
	}
	ev := strings.Join(hooks.list(), "; ")
	for _, want := range []string{"insert Launch", "update Gamma (spring)", "delete Beta"} {
		if !strings.Contains(ev, want) {
			t.Errorf("term events after publish = %q; want %q", ev, want)
		}
	}
	if n, err := f.s.Stages.Changes(live, "spring"); err != nil || n != 0 {
		t.Errorf("stage changes after publish = %d, %v", n, err)
	}
}

// TestPublishChosenItemTakesItsTerms: publishing only an item takes along
// the terms the stage created that the item references, and their
// stage-created parents, so Live never holds a reference to a term it does
// not have; a stage-created term nothing chosen needs stays in the stage.
func TestPublishChosenItemTakesItsTerms(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStage("spring", "Spring campaign", "")
	ts := newTermSite(t, f)
	live, spring := context.Background(), f.in("spring")
	cats := f.s.Categories

	season, err := cats.CreateTerm(spring, category.Term{VocabularyID: "topics", Name: "Season"})
	if err != nil {
		t.Fatal(err)
	}
	sale, err := cats.CreateTerm(spring, category.Term{VocabularyID: "topics", Name: "Spring sale", Parents: []uuid.UUID{season.ID}})
	if err != nil {
		t.Fatal(err)
	}
	unrelated, err := cats.CreateTerm(spring, category.Term{VocabularyID: "topics", Name: "Unrelated"})
	if err != nil {
		t.Fatal(err)
	}
	about := f.mustFind(live, "About us")
	ts.tag(spring, about, "About us (spring)", "Launch", sale.ID.String())
	launch, err := cats.TermByName(spring, "topics", "Launch")
	if err != nil {
		t.Fatal(err)
	}

	res, err := f.s.Stages.Publish(live, "spring", stage.PublishRequest{By: f.admin, Items: []uuid.UUID{about.ID}})
	if err != nil {
		t.Fatalf("publish the item alone: %v", err)
	}
	if len(res.Published) != 1 || len(res.Terms) != 3 {
		t.Errorf("publish result = %+v; want the item and 3 terms (Launch, Spring sale, Season)", res)
	}
	for _, tm := range []*category.Term{launch, sale, season} {
		if _, err := cats.Term(live, tm.ID); err != nil {
			t.Errorf("Live %s after publishing the item that needs it: %v", tm.Name, err)
		}
	}
	if g, err := cats.Term(live, sale.ID); err == nil && (len(g.Parents) != 1 || g.Parents[0] != season.ID) {
		t.Errorf("Live Spring sale parents = %v; want Season", g.Parents)
	}
	if _, err := cats.Term(live, unrelated.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("Live Unrelated after publishing an item that does not reference it: %v, want NotFound", err)
	}
	if n, err := f.s.Stages.Changes(live, "spring"); err != nil || n != 1 {
		t.Errorf("stage changes after the partial publish = %d, %v; want 1 (Unrelated)", n, err)
	}
}

// TestTermPublishConflicts: a term Live changed since the stage copy stops
// the publish (items included) until the editor skips or overwrites it.
func TestTermPublishConflicts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStage("spring", "Spring campaign", "")
	ts := newTermSite(t, f)
	live, spring := context.Background(), f.in("spring")
	cats := f.s.Categories
	themes := f.mustFind(live, "Themes")
	f.edit(spring, themes, "Themes (spring)", "stage")
	if err := cats.SaveTerm(spring, category.Term{ID: ts.alpha.ID, VocabularyID: "topics", Name: "Alpha (spring)"}); err != nil {
		t.Fatal(err)
	}
	if err := cats.SaveTerm(live, category.Term{ID: ts.alpha.ID, VocabularyID: "topics", Name: "Alpha (live fix)"}); err != nil {
		t.Fatal(err)
	}

	_, err := f.s.Stages.Publish(live, "spring", stage.PublishRequest{By: f.admin})
	var ce *stage.ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("publish over a term changed in Live: %v, want a conflict", err)
	}
	if len(ce.Conflicts) != 1 || ce.Conflicts[0].ItemID != ts.alpha.ID || !ce.Conflicts[0].Term ||
		!strings.Contains(ce.Conflicts[0].Reason, "changed in Live") {
		t.Fatalf("conflicts = %+v; want the term Alpha", ce.Conflicts)
	}
	if it, _ := f.s.Items.Load(live, themes.ID); it.Title != "Themes" {
		t.Errorf("a conflicting publish changed Live's item: %q", it.Title)
	}
	// The review page flags it.
	changes, err := f.s.Stages.ListTermChanges(live, "spring")
	if err != nil || len(changes) != 1 || !changes[0].Conflicted() {
		t.Errorf("term changes = %+v, %v; want one conflicted", changes, err)
	}
	seen := ce.Conflicts[0].LiveRevision

	// Skip: the item goes Live, the term stays in the stage.
	res, err := f.s.Stages.Publish(live, "spring", stage.PublishRequest{By: f.admin,
		Resolutions: map[uuid.UUID]stage.Resolution{ts.alpha.ID: {Overwrite: false, SeenLive: seen}}})
	if err != nil || len(res.Skipped) != 1 || len(res.Published) != 1 {
		t.Fatalf("publish skipping the term = %+v, %v", res, err)
	}
	if tm, _ := cats.Term(live, ts.alpha.ID); tm.Name != "Alpha (live fix)" {
		t.Errorf("Live Alpha after skip = %q", tm.Name)
	}
	if tm, _ := cats.Term(spring, ts.alpha.ID); tm.Name != "Alpha (spring)" {
		t.Errorf("spring Alpha after skip = %q; want the stage's copy kept", tm.Name)
	}
	// Overwrite.
	if _, err := f.s.Stages.Publish(live, "spring", stage.PublishRequest{By: f.admin,
		Resolutions: map[uuid.UUID]stage.Resolution{ts.alpha.ID: {Overwrite: true, SeenLive: seen}}}); err != nil {
		t.Fatalf("overwrite: %v", err)
	}
	if tm, _ := cats.Term(live, ts.alpha.ID); tm.Name != "Alpha (spring)" {
		t.Errorf("Live Alpha after overwrite = %q", tm.Name)
	}
}

// TestDiscardTerms: discarding one term's change restores what the stage
// read; discarding the stage forgets created, changed and deleted terms.
func TestDiscardTerms(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStage("spring", "Spring campaign", "")
	ts := newTermSite(t, f)
	live, spring := context.Background(), f.in("spring")
	cats := f.s.Categories
	rename := func(tm *category.Term, name string) {
		t.Helper()
		if err := cats.SaveTerm(spring, category.Term{ID: tm.ID, VocabularyID: "topics", Name: name, Parents: tm.Parents}); err != nil {
			t.Fatal(err)
		}
	}
	rename(ts.alpha, "Alpha (spring)")
	rename(ts.beta, "Beta (spring)")
	created, err := cats.CreateTerm(spring, category.Term{VocabularyID: "topics", Name: "Created"})
	if err != nil {
		t.Fatal(err)
	}
	if err := cats.DeleteTerm(spring, ts.gamma.ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.s.Stages.Changes(live, "spring"); n != 4 {
		t.Errorf("stage changes = %d, want 4", n)
	}

	f.addStage("autumn", "Autumn", "")
	if err := f.s.Stages.MoveItem(live, "spring", "autumn", ts.alpha.ID); !errs.Is(err, errs.Invalid) {
		t.Errorf("moving a term change to another stage: %v, want Invalid", err)
	}
	if err := f.s.Stages.DiscardItem(live, "spring", ts.alpha.ID); err != nil {
		t.Fatal(err)
	}
	if tm, _ := cats.Term(spring, ts.alpha.ID); tm.Name != "Alpha" {
		t.Errorf("spring Alpha after discarding its change = %q", tm.Name)
	}
	if err := f.s.Stages.DiscardItem(live, "spring", created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := cats.Term(spring, created.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("created term after discarding it: %v, want NotFound", err)
	}

	if err := f.s.Stages.Discard(live, "spring"); err != nil {
		t.Fatal(err)
	}
	if tm, _ := cats.Term(spring, ts.beta.ID); tm.Name != "Beta" {
		t.Errorf("spring Beta after discard = %q", tm.Name)
	}
	if tm, err := cats.Term(spring, ts.gamma.ID); err != nil || tm.Name != "Gamma" {
		t.Errorf("spring Gamma after discarding its deletion = %+v, %v", tm, err)
	}
	if n, _ := f.s.Stages.Changes(live, "spring"); n != 0 {
		t.Errorf("stage changes after discard = %d", n)
	}
	tree, err := cats.Tree(live, "topics")
	if err != nil || len(tree) != 3 {
		t.Errorf("Live tree after discard = %+v, %v", tree, err)
	}
}

// TestChildStageTerms: a child stage sees its parent's term changes over
// Live and publishes its own into the parent, not Live.
func TestChildStageTerms(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStage("spring", "Spring campaign", "")
	f.addStage("week1", "Week 1", "spring")
	ts := newTermSite(t, f)
	live, spring, week1 := context.Background(), f.in("spring"), f.in("week1")
	cats := f.s.Categories
	made, err := cats.CreateTerm(spring, category.Term{VocabularyID: "topics", Name: "Spring only"})
	if err != nil {
		t.Fatal(err)
	}
	if tm, err := cats.Term(week1, made.ID); err != nil || tm.Name != "Spring only" {
		t.Fatalf("child's view of the parent's created term = %+v, %v", tm, err)
	}
	if err := cats.SaveTerm(week1, category.Term{ID: made.ID, VocabularyID: "topics", Name: "Spring only (week 1)"}); err != nil {
		t.Fatal(err)
	}
	if err := cats.SaveTerm(week1, category.Term{ID: ts.gamma.ID, VocabularyID: "topics", Name: "Gamma (week 1)"}); err != nil {
		t.Fatal(err)
	}
	if tm, _ := cats.Term(spring, made.ID); tm.Name != "Spring only" {
		t.Errorf("parent sees the child's change before publish: %q", tm.Name)
	}

	res, err := f.s.Stages.Publish(live, "week1", stage.PublishRequest{By: f.admin})
	if err != nil || res.Target != "spring" || len(res.Terms) != 2 {
		t.Fatalf("child publish = %+v, %v", res, err)
	}
	if tm, _ := cats.Term(spring, made.ID); tm.Name != "Spring only (week 1)" {
		t.Errorf("parent's created term after the child's publish = %q", tm.Name)
	}
	if tm, _ := cats.Term(spring, ts.gamma.ID); tm.Name != "Gamma (week 1)" {
		t.Errorf("parent's Gamma after the child's publish = %q", tm.Name)
	}
	if tm, _ := cats.Term(live, ts.gamma.ID); tm.Name != "Gamma" {
		t.Errorf("Live Gamma after the child's publish = %q", tm.Name)
	}
	if _, err := f.s.Stages.Publish(live, "spring", stage.PublishRequest{By: f.admin}); err != nil {
		t.Fatalf("parent publish: %v", err)
	}
	if tm, err := cats.Term(live, made.ID); err != nil || tm.Name != "Spring only (week 1)" {
		t.Errorf("Live created term after both publishes = %+v, %v", tm, err)
	}
}

// TestReviewTermsHTTP: the review page lists term changes with a diff of
// name, description and parents; a term's change is discarded through the
// per-item action; a term changed in Live meanwhile is flagged and offered
// in the conflict form, whose overwrite publishes it.
func TestReviewTermsHTTP(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStage("spring", "Spring campaign", "")
	ts := newTermSite(t, f)
	live, spring := context.Background(), f.in("spring")
	cats := f.s.Categories
	if err := cats.SaveTerm(spring, category.Term{ID: ts.beta.ID, VocabularyID: "topics", Name: "Beta (spring)",
		Description: "Spring words", Parents: []uuid.UUID{}}); err != nil {
		t.Fatal(err)
	}
	delta, err := cats.CreateTerm(spring, category.Term{VocabularyID: "topics", Name: "Delta"})
	if err != nil {
		t.Fatal(err)
	}
	if err := cats.DeleteTerm(spring, ts.gamma.ID); err != nil {
		t.Fatal(err)
	}
	admin := newClient(t, f.s)
	admin.login("admin", adminPassword)

	r := admin.get("/admin/stages/spring")
	if r.status != http.StatusOK {
		t.Fatalf("review page: %d", r.status)
	}
	for _, id := range []uuid.UUID{ts.beta.ID, delta.ID, ts.gamma.ID} {
		mustContain(t, "review page", r.body, `data-testid="change-`+id.String()+`"`)
	}
	diff := regexp.MustCompile(`(?s)data-testid="diff-` + ts.beta.ID.String() + `-(\w+)">(.*?)</dd>`)
	got := map[string]string{}
	for _, m := range diff.FindAllStringSubmatch(r.body, -1) {
		got[m[1]] = m[2]
	}
	if !strings.Contains(got["name"], "Beta") || !strings.Contains(got["name"], "Beta (spring)") ||
		!strings.Contains(got["description"], "Spring words") || !strings.Contains(got["parents"], "Alpha") {
		t.Errorf("Beta's diff = %v; want name, description and parents (Alpha → none)", got)
	}

	if r := admin.post("/admin/stages/spring/items/"+delta.ID.String()+"/discard", nil); r.status != http.StatusSeeOther {
		t.Fatalf("discard a term's change: %d", r.status)
	}
	if r := admin.get("/admin/stages/spring"); strings.Contains(r.body, `data-testid="change-`+delta.ID.String()+`"`) {
		t.Errorf("the discarded term is still listed")
	}

	if err := cats.SaveTerm(live, category.Term{ID: ts.beta.ID, VocabularyID: "topics", Name: "Beta (live)", Parents: []uuid.UUID{ts.alpha.ID}}); err != nil {
		t.Fatal(err)
	}
	mustContain(t, "review page after a Live edit", admin.get("/admin/stages/spring").body, `data-testid="conflict-flag-`+ts.beta.ID.String()+`"`)
	r = admin.post("/admin/stages/spring/publish", url.Values{"op": {"all"}})
	if r.status != http.StatusConflict {
		t.Fatalf("publish over a Live term edit: %d, want 409", r.status)
	}
	seen := regexp.MustCompile(`name="seen-` + ts.beta.ID.String() + `" value="([^"]+)"`).FindStringSubmatch(r.body)
	if seen == nil {
		t.Fatalf("conflict form lacks the term:\n%s", r.body)
	}
	r = admin.post("/admin/stages/spring/publish", url.Values{"decision-" + ts.beta.ID.String(): {"overwrite"},
		"seen-" + ts.beta.ID.String(): {seen[1]}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("publish with overwrite: %d\n%s", r.status, r.body)
	}
	if tm, err := cats.Term(live, ts.beta.ID); err != nil || tm.Name != "Beta (spring)" || len(tm.Parents) != 0 {
		t.Errorf("Live Beta after overwrite = %+v, %v", tm, err)
	}
	if _, err := cats.Term(live, ts.gamma.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("Live Gamma after publishing its deletion: %v", err)
	}
}

// TestPublishTermsHierarchy: a publish whose terms would close a cycle with
// a Live change made since, or break a hierarchy rule narrowed since, is
// refused as a whole (nothing Live changes) with the terms named.
func TestPublishTermsHierarchy(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStage("spring", "Spring campaign", "")
	ts := newTermSite(t, f)
	live, spring := context.Background(), f.in("spring")
	cats := f.s.Categories
	// Stage: Gamma under Beta. Live meanwhile: Beta under Gamma.
	if err := cats.SaveTerm(spring, category.Term{ID: ts.gamma.ID, VocabularyID: "topics", Name: "Gamma", Parents: []uuid.UUID{ts.beta.ID}}); err != nil {
		t.Fatal(err)
	}
	if err := cats.SaveTerm(live, category.Term{ID: ts.beta.ID, VocabularyID: "topics", Name: "Beta", Parents: []uuid.UUID{ts.gamma.ID}}); err != nil {
		t.Fatal(err)
	}
	_, err := f.s.Stages.Publish(live, "spring", stage.PublishRequest{By: f.admin})
	if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "Gamma") || !strings.Contains(err.Error(), "cycle") {
		t.Fatalf("publish closing a cycle: %v; want Invalid naming Gamma", err)
	}
	if g, _ := cats.Term(live, ts.gamma.ID); len(g.Parents) != 0 {
		t.Errorf("refused publish changed Live's Gamma: %+v", g)
	}
	if err := f.s.Stages.DiscardItem(live, "spring", ts.gamma.ID); err != nil {
		t.Fatal(err)
	}

	// A flat vocabulary now: a stage copy with a parent no longer fits.
	if err := cats.CreateVocabulary(live, category.Vocabulary{ID: "places", Label: "Places", Hierarchy: category.Single}); err != nil {
		t.Fatal(err)
	}
	x, err := cats.CreateTerm(live, category.Term{VocabularyID: "places", Name: "Europe"})
	if err != nil {
		t.Fatal(err)
	}
	y, err := cats.CreateTerm(live, category.Term{VocabularyID: "places", Name: "Paris"})
	if err != nil {
		t.Fatal(err)
	}
	if err := cats.SaveTerm(spring, category.Term{ID: y.ID, VocabularyID: "places", Name: "Paris", Parents: []uuid.UUID{x.ID}}); err != nil {
		t.Fatal(err)
	}
	if err := cats.SaveVocabulary(live, category.Vocabulary{ID: "places", Label: "Places", Hierarchy: category.Flat}); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.Stages.Publish(live, "spring", stage.PublishRequest{By: f.admin})
	if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "Paris") {
		t.Fatalf("publish breaking a narrowed hierarchy: %v; want Invalid naming Paris", err)
	}
}

// TestConcurrentTermPublish: two stages renaming one term publish at the
// same time; the term row lock serializes them and the second gets a
// conflict naming the first stage, publishing nothing.
func TestConcurrentTermPublish(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStage("a", "Stage A", "")
	f.addStage("b", "Stage B", "")
	ts := newTermSite(t, f)
	live := context.Background()
	cats := f.s.Categories
	for _, id := range []string{"a", "b"} {
		if err := cats.SaveTerm(f.in(id), category.Term{ID: ts.gamma.ID, VocabularyID: "topics", Name: "Gamma (" + id + ")"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := cats.SaveTerm(f.in("b"), category.Term{ID: ts.alpha.ID, VocabularyID: "topics", Name: "Alpha (b)"}); err != nil {
		t.Fatal(err)
	}
	if err := cats.SaveTerm(f.in("a"), category.Term{ID: ts.beta.ID, VocabularyID: "topics", Name: "Beta (a)", Parents: []uuid.UUID{ts.alpha.ID}}); err != nil {
		t.Fatal(err)
	}
	f.s.Stages.SetPublishItemDelay(200 * time.Millisecond)
	var wg sync.WaitGroup
	var mu sync.Mutex
	errsOf := map[string]error{}
	for _, id := range []string{"a", "b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.s.Stages.Publish(live, id, stage.PublishRequest{By: f.admin})
			mu.Lock()
			errsOf[id] = err
			mu.Unlock()
		}()
	}
	wg.Wait()
	var won, lost string
	switch {
	case errsOf["a"] == nil && errsOf["b"] != nil:
		won, lost = "a", "b"
	case errsOf["b"] == nil && errsOf["a"] != nil:
		won, lost = "b", "a"
	default:
		t.Fatalf("want exactly one publish to succeed: a=%v b=%v", errsOf["a"], errsOf["b"])
	}
	var ce *stage.ConflictError
	if !errors.As(errsOf[lost], &ce) || len(ce.Conflicts) != 1 || ce.Conflicts[0].ItemID != ts.gamma.ID ||
		!strings.Contains(ce.Conflicts[0].Reason, "in stage "+won) {
		t.Fatalf("second publish: %v (%+v); want a conflict on Gamma naming stage %s", errsOf[lost], ce, won)
	}
	if tm, _ := cats.Term(live, ts.gamma.ID); tm.Name != "Gamma ("+won+")" {
		t.Errorf("Live Gamma = %q, want the winner's", tm.Name)
	}
	other := map[string]uuid.UUID{"a": ts.beta.ID, "b": ts.alpha.ID}[lost]
	if tm, _ := cats.Term(live, other); strings.Contains(tm.Name, "(") {
		t.Errorf("the conflicting publish changed Live: %q", tm.Name)
	}
}

// TestStagedHierarchyMatchesLive: a stage without term changes reads the
// same tree, ancestors and descendants (order and depths included) as
// Live's recursive queries, for a multiple-parent vocabulary.
func TestStagedHierarchyMatchesLive(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStage("mirror", "Mirror", "")
	live, mirror := context.Background(), f.in("mirror")
	cats := f.s.Categories
	if err := cats.CreateVocabulary(live, category.Vocabulary{ID: "web", Label: "Web", Hierarchy: category.Multiple}); err != nil {
		t.Fatal(err)
	}
	var ids []uuid.UUID
	mk := func(name string, weight int, parents ...int) {
		t.Helper()
		var ps []uuid.UUID
		for _, p := range parents {
			ps = append(ps, ids[p])
		}
		tm, err := cats.CreateTerm(live, category.Term{VocabularyID: "web", Name: name, Weight: weight, Parents: ps})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		ids = append(ids, tm.ID)
	}
	mk("root b", 0)           // 0
	mk("Root a", 0)           // 1
	mk("heavy", -3)           // 2
	mk("child", 0, 0)         // 3
	mk("Child", 0, 0, 1)      // 4: two parents
	mk("grandchild", 1, 3, 4) // 5: under both children
	mk("éclair", 0, 5)        // 6
	mk("zeta", -1, 1)         // 7
	mk("deep", 0, 6, 7)       // 8: reached at depths 2 and 4
	mk("same", 0, 2)          // 9
	mk("same", 0, 2)          // 10: same name, id breaks the tie
	lt, err := cats.Tree(live, "web")
	if err != nil {
		t.Fatal(err)
	}
	st, err := cats.Tree(mirror, "web")
	if err != nil {
		t.Fatal(err)
	}
	if len(lt) < len(ids) || !slices.Equal(lt, st) {
		t.Fatalf("trees differ:\nLive  %+v\nstage %+v", lt, st)
	}
	for _, id := range ids {
		la, err1 := cats.Ancestors(live, id)
		sa, err2 := cats.Ancestors(mirror, id)
		ld, err3 := cats.Descendants(live, id)
		sd, err4 := cats.Descendants(mirror, id)
		if err := errors.Join(err1, err2, err3, err4); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(la, sa) || !slices.Equal(ld, sd) {
			t.Errorf("term %s: ancestors Live %+v stage %+v; descendants Live %+v stage %+v", id, la, sa, ld, sd)
		}
	}

	// Stage changes move the walks: zeta under heavy (instead of Root a),
	// a new term under éclair.
	if err := cats.SaveTerm(mirror, category.Term{ID: ids[7], VocabularyID: "web", Name: "zeta", Parents: []uuid.UUID{ids[2]}}); err != nil {
		t.Fatal(err)
	}
	tart, err := cats.CreateTerm(mirror, category.Term{VocabularyID: "web", Name: "tart", Parents: []uuid.UUID{ids[6]}})
	if err != nil {
		t.Fatal(err)
	}
	names := func(refs []category.Ref) []string {
		var out []string
		for _, r := range refs {
			out = append(out, fmt.Sprintf("%s@%d", r.Name, r.Depth))
		}
		return out
	}
	down, err := cats.Descendants(mirror, ids[2])
	if err != nil || !slices.Equal(names(down), []string{"same@1", "same@1", "zeta@1", "deep@2"}) {
		t.Errorf("stage descendants of heavy = %v, %v", names(down), err)
	}
	down, err = cats.Descendants(mirror, ids[1])
	if err != nil || !slices.Equal(names(down), []string{"Child@1", "grandchild@2", "éclair@3", "deep@4", "tart@4"}) {
		t.Errorf("stage descendants of Root a = %v, %v", names(down), err)
	}
	up, err := cats.Ancestors(mirror, tart.ID)
	if err != nil || len(up) != 6 || up[len(up)-1].Name != "éclair" {
		t.Errorf("stage ancestors of tart = %v, %v", names(up), err)
	}
	up, err = cats.Ancestors(mirror, ids[8])
	if err != nil || !slices.Contains(names(up), "heavy@2") || slices.Contains(names(up), "Root a@2") {
		t.Errorf("stage ancestors of deep = %v, %v", names(up), err)
	}
}
