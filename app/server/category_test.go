package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// termRow finds a term's id and depth in a vocabulary's term tree page.
var termRow = regexp.MustCompile(`data-testid="term-([0-9a-f-]{36})" data-depth="(\d+)">\s*<td[^>]*>(?:\s*<span[^>]*>— </span>)*\s*<a href="[^"]+">([^<]+)</a>`)

// terms returns the rows of a vocabulary's tree as "depth:name" in order,
// and the ids by name.
func terms(t *testing.T, c *client, vocab string) ([]string, map[string]string) {
	t.Helper()
	page := c.get("/admin/structure/categories/" + vocab)
	if page.status != http.StatusOK {
		t.Fatalf("term tree of %s: %d\n%s", vocab, page.status, page.body)
	}
	var rows []string
	ids := map[string]string{}
	for _, m := range termRow.FindAllStringSubmatch(page.body, -1) {
		rows = append(rows, m[2]+":"+m[3])
		ids[m[3]] = m[1]
	}
	return rows, ids
}

func addVocabulary(t *testing.T, c *client, label, hierarchy string) {
	t.Helper()
	r := c.formPost(c.get("/admin/structure/categories/add"), "/admin/structure/categories/add",
		url.Values{"label": {label}, "hierarchy": {hierarchy}, "weight": {"0"}, "op": {"Save vocabulary"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("add vocabulary %s: %d\n%s", label, r.status, r.body)
	}
}

func addTerm(t *testing.T, c *client, vocab, name string, parents ...string) {
	t.Helper()
	action := "/admin/structure/categories/" + vocab + "/add"
	r := c.formPost(c.get(action), action, url.Values{"name": {name}, "weight": {"0"}, "parents": parents, "op": {"Save term"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("add term %s: %d\n%s", name, r.status, r.body)
	}
}

// A site builder makes a vocabulary and a term hierarchy, tags pages with a
// category field, and visitors browse the term pages.
func TestCategories(t *testing.T) {
	s := newSite(t)
	c := newClient(t, s)
	c.login("admin", adminPassword)

	list := c.get("/admin/structure/categories")
	mustContain(t, list.body, "Add vocabulary", `data-testid="vocabularies-empty"`)

	// A missing name is refused with 422, the other values kept.
	r := c.formPost(c.get("/admin/structure/categories/add"), "/admin/structure/categories/add",
		url.Values{"label": {""}, "description": {"Kept description"}, "hierarchy": {"1"}, "weight": {"0"}, "op": {"Save vocabulary"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("vocabulary without name: %d", r.status)
	}
	mustContain(t, r.body, "Kept description", `data-testid="error-label"`)

	addVocabulary(t, c, "Topics", "1")
	addVocabulary(t, c, "Colours", "0")
	list = c.get("/admin/structure/categories")
	mustContain(t, list.body, `data-testid="vocabulary-topics"`, `data-testid="vocabulary-colours"`, "Single parent", "Flat")

	addTerm(t, c, "topics", "Science")
	_, ids := terms(t, c, "topics")
	addTerm(t, c, "topics", "Physics", ids["Science"])
	_, ids = terms(t, c, "topics")
	addTerm(t, c, "topics", "Quantum", ids["Physics"])
	addTerm(t, c, "topics", "Art")
	addTerm(t, c, "colours", "Red")
	rows, ids := terms(t, c, "topics")
	if got, want := strings.Join(rows, ", "), "0:Art, 0:Science, 1:Physics, 2:Quantum"; got != want {
		t.Fatalf("tree = %s, want %s", got, want)
	}
	_, colourIDs := terms(t, c, "colours")

	// The term form offers the vocabulary's terms as parents, indented; a
	// flat vocabulary offers none.
	form := c.get("/admin/structure/categories/topics/add")
	mustContain(t, form.body, `<label for="edit-parents">`, "--Quantum", "&lt;root&gt;")
	mustNotContain(t, c.get("/admin/structure/categories/colours/add").body, `name="parents"`)

	// Making Science a child of Quantum would make a cycle: 422, with the
	// reason and the values kept.
	editURL := "/category/" + ids["Science"] + "/edit"
	r = c.formPost(c.get(editURL), editURL, url.Values{"name": {"Science renamed"}, "weight": {"0"}, "parents": {ids["Quantum"]}, "op": {"Save term"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("cycle: %d\n%s", r.status, r.body)
	}
	mustContain(t, r.body, "would make a cycle", `value="Science renamed"`)
	r = c.formPost(c.get(editURL), editURL, url.Values{"name": {"Science"}, "description": {"All about science."}, "weight": {"0"}, "parents": {""}, "op": {"Save term"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("edit term: %d\n%s", r.status, r.body)
	}

	// A category field on pages, limited to Topics.
	addField(t, c, "page", "Topic", "category_reference", url.Values{"settings.vocabulary": {"topics"}})
	form = c.get("/item/add/page")
	mustContain(t, form.body, `name="field_topic.0.target_id"`, "--Quantum")
	mustNotContain(t, form.body, ">Red<")
	r = c.formPost(form, "/item/add/page", url.Values{"title": {"Entanglement explained"}, "field_topic.0.target_id": {ids["Quantum"]},
		"status": {"1"}, "op": {"Save"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("tagged page: %d\n%s", r.status, r.body)
	}
	view := c.get(r.header.Get("Location"))
	mustContain(t, view.body, `href="/category/`+ids["Quantum"]+`"`, ">Quantum<")

	// A term of another vocabulary is refused, through the API too.
	tok := token(t, s, "admin")
	r = c.postJSON("/item/add/page", tok, fmt.Sprintf(`{"title":"Wrong","fields":{"field_topic":[{"target_id":%q}]}}`, colourIDs["Red"]))
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "not in this field") {
		t.Fatalf("term of another vocabulary: %d %s", r.status, r.body)
	}
	// An unpublished page tagged Physics.
	r = c.postJSON("/item/add/page", tok, fmt.Sprintf(`{"title":"Draft on mechanics","status":false,"fields":{"field_topic":[{"target_id":%q}]}}`, ids["Physics"]))
	if r.status != http.StatusCreated {
		t.Fatalf("draft: %d %s", r.status, r.body)
	}

	anon := newClient(t, s)
	quantum := anon.get("/category/" + ids["Quantum"])
	if quantum.status != http.StatusOK {
		t.Fatalf("term page: %d\n%s", quantum.status, quantum.body)
	}
	mustContain(t, quantum.body, "<title>Quantum", `data-testid="breadcrumb"`, `href="/category/`+ids["Science"]+`">Science</a>`,
		`href="/category/`+ids["Physics"]+`">Physics</a>`, "Entanglement explained")
	if strings.Index(quantum.body, ">Science</a>") > strings.Index(quantum.body, ">Physics</a>") {
		t.Error("breadcrumbs are not farthest first")
	}

	// Science lists nothing of its own; with descendants it lists the page
	// (and, for the admin only, the unpublished one).
	science := anon.get("/category/" + ids["Science"])
	mustContain(t, science.body, "All about science.", "Include content tagged with narrower terms", "There is no content tagged")
	mustNotContain(t, science.body, "Entanglement explained")
	science = anon.get("/category/" + ids["Science"] + "?descendants=1")
	mustContain(t, science.body, "Entanglement explained")
	mustNotContain(t, science.body, "Draft on mechanics")
	science = c.get("/category/" + ids["Science"] + "?descendants=1")
	mustContain(t, science.body, "Entanglement explained", "Draft on mechanics", "Unpublished")
	if got := anon.get("/category/00000000-0000-0000-0000-000000000000"); got.status != http.StatusNotFound {
		t.Errorf("missing term: %d", got.status)
	}

	// Eleven more tagged pages: the term page shows ten and a pager.
	for i := range 11 {
		r = c.postJSON("/item/add/page", tok, fmt.Sprintf(`{"title":"Paged %02d","fields":{"field_topic":[{"target_id":%q}]}}`, i, ids["Art"]))
		if r.status != http.StatusCreated {
			t.Fatalf("paged %d: %d %s", i, r.status, r.body)
		}
	}
	art := anon.get("/category/" + ids["Art"])
	if n := strings.Count(art.body, `data-testid="term-item"`); n != 10 {
		t.Errorf("first page lists %d items, want 10", n)
	}
	mustContain(t, art.body, `href="/category/`+ids["Art"]+`?page=1"`)
	art = anon.get("/category/" + ids["Art"] + "?page=1")
	if n := strings.Count(art.body, `data-testid="term-item"`); n != 1 {
		t.Errorf("second page lists %d items, want 1", n)
	}

	// Admin pages need the permission.
	if got := anon.get("/admin/structure/categories"); got.status != http.StatusSeeOther {
		t.Errorf("anonymous admin list: %d", got.status)
	}

	// Deleting a term asks first; its child moves to the top level.
	confirm := c.get("/category/" + ids["Physics"] + "/delete")
	mustContain(t, confirm.body, "delete the term Physics", "Its 1 narrower term(s)")
	r = c.postForm("/category/"+ids["Physics"]+"/delete", url.Values{"csrf_token": {csrf(t, confirm)}, "confirm": {"1"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("delete term: %d", r.status)
	}
	rows, _ = terms(t, c, "topics")
	if got, want := strings.Join(rows, ", "), "0:Art, 0:Quantum, 0:Science"; got != want {
		t.Errorf("tree after delete = %s, want %s", got, want)
	}

	// Deleting a vocabulary says how many terms go with it.
	confirm = c.get("/admin/structure/categories/topics/delete")
	mustContain(t, confirm.body, "delete the vocabulary Topics and its 3 term(s)")
	r = c.postForm("/admin/structure/categories/topics/delete", url.Values{"csrf_token": {csrf(t, confirm)}, "confirm": {"1"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("delete vocabulary: %d", r.status)
	}
	mustNotContain(t, c.get("/admin/structure/categories").body, "vocabulary-topics")
	if got := anon.get("/category/" + ids["Quantum"]); got.status != http.StatusNotFound {
		t.Errorf("term of a deleted vocabulary: %d", got.status)
	}
}
