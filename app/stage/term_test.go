package stage_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/trovato/trovato/app/category"
	"github.com/trovato/trovato/app/field"
	"github.com/trovato/trovato/app/item"
)

// TestTermPageLeakMatrix: the category term page lists the items tagged
// with a term as the viewer's stage sees them. Anonymous visitors, accounts
// without "use stages" and editors in Live see Live's tagging; an editor or
// admin switched to a stage sees the stage's: items tagged there (edited or
// created in the stage), without the items the stage deleted, and never
// another stage's.
func TestTermPageLeakMatrix(t *testing.T) {
	t.Parallel()
	f, _, _ := stagedSite(t)
	ctx := context.Background()
	cats := f.s.Categories
	if err := cats.CreateVocabulary(ctx, category.Vocabulary{ID: "tags", Label: "Tags", Hierarchy: category.Flat}); err != nil {
		t.Fatal(err)
	}
	term, err := cats.CreateTerm(ctx, category.Term{VocabularyID: "tags", Name: "Campaign"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.Items.SaveField(ctx, "page", field.Def{Name: "field_tags", Label: "Tags", Type: category.TypeReference,
		Cardinality: -1, Settings: map[string]any{"vocabulary": "tags", "widget": category.WidgetSelect}}); err != nil {
		t.Fatal(err)
	}
	page, err := f.s.Items.GetType(ctx, "page")
	if err != nil {
		t.Fatal(err)
	}
	tag := func(in context.Context, it *item.Item, title string) {
		t.Helper()
		if _, err := f.s.Items.Update(in, f.admin, page, it, item.Input{Title: title,
			Fields: item.Values{"field_tags": {{"target_id": term.ID.String()}}}}); err != nil {
			t.Fatalf("tag %s: %v", title, err)
		}
	}
	spring, internal := f.in("spring"), f.in("internal")
	tag(ctx, f.mustFind(ctx, "Contact"), "Contact")
	tag(ctx, f.mustFind(ctx, "Plugins"), "Plugins")
	tag(spring, f.mustLoad(spring, f.mustFind(ctx, "About us").ID), "About us SECRETSTAGE")
	sale, ok := f.byTitle(spring, "Secret sale")
	if !ok {
		t.Fatal("no Secret sale in spring")
	}
	tag(spring, sale, "Secret sale")
	if err := f.s.Items.Delete(spring, f.mustFind(ctx, "Contact").ID); err != nil {
		t.Fatal(err)
	}
	tag(internal, f.mustLoad(internal, f.mustFind(ctx, "Themes").ID), "Themes INTERNALSECRET")
	termURL := category.TermURL(term.ID)

	users := map[string]*client{"anonymous": newClient(t, f.s), "vic": newClient(t, f.s), "ed": newClient(t, f.s), "admin": newClient(t, f.s)}
	users["vic"].login("vic", "vic-password")
	users["ed"].login("ed", "ed-password")
	users["admin"].login("admin", adminPassword)
	secrets := []string{"SECRETSTAGE", "Secret sale", "INTERNALSECRET"}
	for _, who := range []string{"anonymous", "vic", "ed", "admin"} {
		r := users[who].get(termURL)
		if r.status != http.StatusOK {
			t.Fatalf("%s in Live: term page status %d", who, r.status)
		}
		mustContain(t, who+" in Live term page", r.body, "Contact", "Plugins")
		mustNotContain(t, who+" in Live term page", r.body, secrets...)
	}
	for _, who := range []string{"ed", "admin"} {
		c := users[who]
		if r := c.postForm("/admin/stages/switch", url.Values{"csrf_token": {c.csrf()}, "stage": {"spring"}}); r.status != http.StatusSeeOther {
			t.Fatalf("%s switching to spring: %d", who, r.status)
		}
		r := c.get(termURL)
		if r.status != http.StatusOK {
			t.Fatalf("%s in spring: term page status %d", who, r.status)
		}
		mustContain(t, who+" in spring term page", r.body, "About us SECRETSTAGE", "Secret sale", "Plugins")
		mustNotContain(t, who+" in spring term page", r.body, "Contact", "INTERNALSECRET")
	}
	// Back in Live, the stage's tagging is gone again.
	c := users["ed"]
	c.postForm("/admin/stages/switch", url.Values{"csrf_token": {c.csrf()}, "stage": {"live"}})
	r := c.get(termURL)
	mustContain(t, "ed in Live again", r.body, "Contact")
	mustNotContain(t, "ed in Live again", r.body, secrets...)
}
