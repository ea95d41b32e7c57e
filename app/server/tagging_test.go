package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The free-tagging widget of a multi-value category field is one input of
// comma-separated names: quotes keep a comma inside a name, repeated and
// blank names are dropped, the field's cardinality is enforced on the
// input before any term is created, new terms are created only for users
// allowed to, and a 422 shows the same text again.
func TestFreeTaggingOneInput(t *testing.T) {
	s := newSite(t)
	admin := newClient(t, s)
	admin.login("admin", adminPassword)
	addVocabulary(t, admin, "Tags", "0")
	addTerm(t, admin, "tags", "Go")
	addTerm(t, admin, "tags", "Rust")
	addField(t, admin, "page", "Tags", "category_reference", url.Values{"settings.vocabulary": {"tags"},
		"settings.widget": {"autocomplete"}, "settings.auto_create": {"1"}, "cardinality": {"3"}})

	form := admin.get("/item/add/page")
	mustContain(t, form.body, `name="field_tags"`, `data-autocomplete-tags="1"`, "At most 3 names.")
	mustNotContain(t, form.body, `name="field_tags.0.target_id"`, "Add another item")

	// Quotes, a repeated name in another case, blanks: three names.
	r := admin.formPost(form, "/item/add/page", url.Values{"title": {"Trip"}, "status": {"1"}, "op": {"Save"},
		"field_tags": {`"Paris, France", go, , GO,Zig`}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", r.status, r.body)
	}
	itemURL := r.header.Get("Location")
	_, ids := terms(t, admin, "tags")
	if ids["Paris, France"] == "" || ids["Zig"] == "" {
		t.Fatalf("new terms not created: %v", ids)
	}
	view := admin.get(itemURL).body
	for _, name := range []string{"Paris, France", "Go", "Zig"} {
		mustContain(t, view, `href="/category/`+ids[name]+`"`)
	}
	if n := strings.Count(view, `href="/category/`+ids["Go"]+`"`); n != 1 {
		t.Errorf("Go is linked %d times, want once", n)
	}
	// The edit form holds the names in one input, quoted where needed.
	mustContain(t, admin.get(itemURL+"/edit").body, `value="&#34;Paris, France&#34;, Go, Zig"`)

	// Too many names: 422 on the input, the text kept, nothing created.
	r = admin.formPost(admin.get("/item/add/page"), "/item/add/page", url.Values{"title": {"Too many"}, "status": {"1"}, "op": {"Save"},
		"field_tags": {"Go, Alpha, Beta, Gamma"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("too many names: %d", r.status)
	}
	mustContain(t, r.body, "Tags takes at most 3 names; you entered 4. Remove 1.", `value="Go, Alpha, Beta, Gamma"`,
		`data-testid="error-field_tags"`)
	if _, ids = terms(t, admin, "tags"); ids["Alpha"] != "" {
		t.Error("a term was created by a refused save")
	}

	// An editor without "create terms by tagging": existing names only.
	addUser(t, admin, "ed", "ed-password", "editor")
	ed := newClient(t, s)
	ed.login("ed", "ed-password")
	r = ed.formPost(ed.get("/item/add/page"), "/item/add/page", url.Values{"title": {"Editor"}, "status": {"1"}, "op": {"Save"},
		"field_tags": {"rust, Haskell"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("new name without permission: %d", r.status)
	}
	mustContain(t, r.body, "there is no term &#34;Haskell&#34;", `value="rust, Haskell"`, `value="Editor"`)
	if _, ids = terms(t, admin, "tags"); ids["Haskell"] != "" {
		t.Error("a term was created without the permission")
	}
	r = ed.formPost(ed.get("/item/add/page"), "/item/add/page", url.Values{"title": {"Editor"}, "status": {"1"}, "op": {"Save"},
		"field_tags": {"rust, zig"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("existing names by the editor: %d\n%s", r.status, r.body)
	}
	view = ed.get(r.header.Get("Location")).body
	mustContain(t, view, `href="/category/`+ids["Rust"]+`"`, `href="/category/`+ids["Zig"]+`"`)

	// Emptying the input removes every tag.
	edit := admin.get(itemURL + "/edit")
	r = admin.formPost(edit, itemURL+"/edit", url.Values{"title": {"Trip"}, "status": {"1"}, "op": {"Save"}, "field_tags": {"  "}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("clear tags: %d\n%s", r.status, r.body)
	}
	mustNotContain(t, admin.get(itemURL).body, `href="/category/`)
}
