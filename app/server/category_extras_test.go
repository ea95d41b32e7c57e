package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/trovato/trovato/app/server"
	"github.com/trovato/trovato/app/testenv"
)

// grant gives role a permission straight in the database, before any of
// its users logs in (so no cached account misses it).
func grant(t *testing.T, s *server.Server, role, perm string) {
	t.Helper()
	if _, err := s.Pool.Exec(context.Background(), "INSERT INTO role_permissions (role, permission) VALUES ($1, $2)", role, perm); err != nil {
		t.Fatal(err)
	}
}

// Term descriptions go through text formats like item bodies: formatted on
// the term page, a format select on the term form limited to the formats
// the user may use, and a description in a format the user may not use
// kept read-only.
func TestTermDescriptionFormats(t *testing.T) {
	s := newSite(t)
	admin := newClient(t, s)
	admin.login("admin", adminPassword)
	addVocabulary(t, admin, "Genres", "0")

	form := admin.get("/admin/structure/categories/genres/add")
	mustContain(t, form.body, `<label for="edit-format">Text format</label>`, `value="markdown"`, `value="full_html"`)
	action := "/admin/structure/categories/genres/add"
	r := admin.formPost(form, action, url.Values{"name": {"Jazz"}, "description": {"**Swing** and <script>alert(1)</script>"},
		"format": {"markdown"}, "weight": {"0"}, "op": {"Save term"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("add term: %d\n%s", r.status, r.body)
	}
	r = admin.formPost(admin.get(action), action, url.Values{"name": {"Blues"}, "description": {`<table><tr><td class="wide">Twelve bars</td></tr></table>`},
		"format": {"full_html"}, "weight": {"0"}, "op": {"Save term"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("add full HTML term: %d\n%s", r.status, r.body)
	}
	_, ids := terms(t, admin, "genres")

	anon := newClient(t, s)
	jazz := anon.get("/category/" + ids["Jazz"])
	mustContain(t, jazz.body, `data-testid="term-description"`, "<strong>Swing</strong>")
	mustNotContain(t, jazz.body, "<script>alert(1)</script>", "**Swing**")
	mustContain(t, anon.get("/category/"+ids["Blues"]).body, `<td class="wide">Twelve bars</td>`)

	// An editor who may manage categories but not write Full HTML.
	grant(t, s, "editor", "administer categories")
	addUser(t, admin, "edna", "edna-password", "editor")
	edna := newClient(t, s)
	edna.login("edna", "edna-password")
	add := edna.get(action)
	mustContain(t, add.body, `value="markdown"`)
	mustNotContain(t, add.body, `value="full_html"`)
	r = edna.formPost(add, action, url.Values{"name": {"Soul"}, "description": {"<b>x</b>"}, "format": {"full_html"}, "weight": {"0"}, "op": {"Save term"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("full HTML by an editor: %d", r.status)
	}
	mustContain(t, r.body, `value="Soul"`, "&lt;b&gt;x&lt;/b&gt;")

	// Blues' Full HTML description is read-only for her; renaming keeps it.
	editURL := "/category/" + ids["Blues"] + "/edit"
	edit := edna.get(editURL)
	mustContain(t, edit.body, "which you are not allowed to use; it is shown read-only")
	r = edna.formPost(edit, editURL, url.Values{"name": {"Delta blues"}, "weight": {"0"}, "op": {"Save term"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("rename by editor: %d\n%s", r.status, r.body)
	}
	blues := anon.get("/category/" + ids["Blues"])
	mustContain(t, blues.body, "<title>Delta blues", `<td class="wide">Twelve bars</td>`)
}

// weightSelect finds the selected weight of each term on the reorder form.
var weightSelect = regexp.MustCompile(`name="weight\.([0-9a-f-]{36})"[^>]*>(?:\s*<option value="-?\d+"(?: selected)?>-?\d+</option>)*`)

// Terms are reordered with weight selects and "Save order" (no script
// needed); the tree follows the weights, and the form carries what the
// drag-and-drop script needs.
func TestTermReorder(t *testing.T) {
	s := newSite(t)
	c := newClient(t, s)
	c.login("admin", adminPassword)
	addVocabulary(t, c, "Places", "1")
	for _, n := range []string{"Alpha", "Bravo", "Charlie"} {
		addTerm(t, c, "places", n)
	}
	_, ids := terms(t, c, "places")
	addTerm(t, c, "places", "Child", ids["Alpha"])
	rows, ids := terms(t, c, "places")
	if got := strings.Join(rows, ", "); got != "0:Alpha, 1:Child, 0:Bravo, 0:Charlie" {
		t.Fatalf("tree = %s", got)
	}
	page := c.get("/admin/structure/categories/places")
	mustContain(t, page.body, `data-testid="terms-order-form"`, `name="weight.`+ids["Charlie"]+`"`, "Save order",
		`data-parent="`+ids["Alpha"]+`"`, `src="/static/js/category-order.js"`, `<label style="position:absolute;left:-10000px" for="weight-`+ids["Bravo"])
	if n := len(weightSelect.FindAllString(page.body, -1)); n != 4 {
		t.Errorf("%d weight selects, want 4", n)
	}

	// Charlie first, then Bravo, then Alpha (with its child).
	r := c.postForm("/admin/structure/categories/places/order", url.Values{"csrf_token": {csrf(t, page)},
		"weight." + ids["Charlie"]: {"-5"}, "weight." + ids["Bravo"]: {"0"}, "weight." + ids["Alpha"]: {"3"}, "weight." + ids["Child"]: {"0"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/admin/structure/categories/places" {
		t.Fatalf("save order: %d %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	rows, _ = terms(t, c, "places")
	if got, want := strings.Join(rows, ", "), "0:Charlie, 0:Bravo, 0:Alpha, 1:Child"; got != want {
		t.Errorf("tree after reorder = %s, want %s", got, want)
	}
	page = c.get("/admin/structure/categories/places")
	mustContain(t, page.body, `<option value="-5" selected>-5</option>`)

	// A term of another vocabulary, or a weight that is not a number, is refused.
	addVocabulary(t, c, "Other", "0")
	addTerm(t, c, "other", "Stranger")
	_, other := terms(t, c, "other")
	r = c.postForm("/admin/structure/categories/places/order", url.Values{"csrf_token": {csrf(t, page)}, "weight." + other["Stranger"]: {"1"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Errorf("reorder a term of another vocabulary: %d", r.status)
	}
	r = c.postForm("/admin/structure/categories/places/order", url.Values{"csrf_token": {csrf(t, page)}, "weight." + ids["Alpha"]: {"heavy"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Errorf("non-numeric weight: %d", r.status)
	}
	// Without the permission, or without the CSRF token: no.
	if r := newClient(t, s).postForm("/admin/structure/categories/places/order", url.Values{"weight." + ids["Alpha"]: {"9"}}); r.status < 400 && r.status != http.StatusSeeOther {
		t.Errorf("anonymous reorder: %d", r.status)
	}
	rows, _ = terms(t, c, "places")
	if got := strings.Join(rows, ", "); got != "0:Charlie, 0:Bravo, 0:Alpha, 1:Child" {
		t.Errorf("tree changed by refused submissions: %s", got)
	}
}

// A free-tagging category field: a text input with suggestions from
// /category/autocomplete; existing names are matched, new ones become terms
// when the field allows it and the user has the permission, and are refused
// otherwise.
func TestFreeTagging(t *testing.T) {
	s := newSite(t)
	admin := newClient(t, s)
	admin.login("admin", adminPassword)
	addVocabulary(t, admin, "Tags", "0")
	addTerm(t, admin, "tags", "Go")
	addTerm(t, admin, "tags", "Golang tips")
	addTerm(t, admin, "tags", "Rust")
	_, ids := terms(t, admin, "tags")
	addField(t, admin, "page", "Tags", "category_reference", url.Values{"settings.vocabulary": {"tags"},
		"settings.widget": {"autocomplete"}, "settings.auto_create": {"1"}, "cardinality": {"-1"}})

	// Suggestions: names containing the text, those starting with it first.
	r := admin.get("/category/autocomplete?vocab=tags&q=go")
	if r.status != http.StatusOK {
		t.Fatalf("autocomplete: %d %s", r.status, r.body)
	}
	var sugg []struct{ ID, Label string }
	if err := json.Unmarshal([]byte(r.body), &sugg); err != nil {
		t.Fatal(err)
	}
	if len(sugg) != 2 || sugg[0].Label != "Go" || sugg[1].Label != "Golang tips" || sugg[0].ID != ids["Go"] {
		t.Errorf("suggestions for go = %+v", sugg)
	}
	if r := newClient(t, s).get("/category/autocomplete?vocab=tags&q=go"); r.status != http.StatusForbidden {
		t.Errorf("anonymous autocomplete: %d", r.status)
	}
	if r := admin.get("/category/autocomplete?vocab=nope&q=go"); r.status != http.StatusNotFound {
		t.Errorf("autocomplete of a missing vocabulary: %d", r.status)
	}

	form := admin.get("/item/add/page")
	mustContain(t, form.body, `name="field_tags"`, `data-autocomplete-path="/category/autocomplete?vocab=tags"`, `data-autocomplete-tags="1"`)
	r = admin.formPost(form, "/item/add/page", url.Values{"title": {"Tagged by name"}, "status": {"1"}, "op": {"Save"},
		"field_tags": {"go"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("tag by existing name: %d\n%s", r.status, r.body)
	}
	page := r.header.Get("Location")
	mustContain(t, admin.get(page).body, `href="/category/`+ids["Go"]+`"`)
	// The edit form shows the term's name, not its id.
	mustContain(t, admin.get(page+"/edit").body, `<input type="text" value="Go" aria-describedby="edit-field-tags--description"`)

	// A new name becomes a term of the vocabulary.
	r = admin.formPost(admin.get("/item/add/page"), "/item/add/page", url.Values{"title": {"New tag"}, "status": {"1"}, "op": {"Save"},
		"field_tags": {"Zig"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("tag with a new name: %d\n%s", r.status, r.body)
	}
	_, ids = terms(t, admin, "tags")
	if ids["Zig"] == "" {
		t.Fatal("Zig was not created")
	}
	mustContain(t, admin.get(r.header.Get("Location")).body, `href="/category/`+ids["Zig"]+`"`)

	// An editor without "create terms by tagging" may pick existing terms
	// but not create new ones.
	addUser(t, admin, "ed", "ed-password", "editor")
	ed := newClient(t, s)
	ed.login("ed", "ed-password")
	r = ed.formPost(ed.get("/item/add/page"), "/item/add/page", url.Values{"title": {"Editor new tag"}, "status": {"1"}, "op": {"Save"},
		"field_tags": {"Haskell"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("new tag without permission: %d", r.status)
	}
	mustContain(t, r.body, "there is no term &#34;Haskell&#34;", `value="Editor new tag"`)
	r = ed.formPost(ed.get("/item/add/page"), "/item/add/page", url.Values{"title": {"Editor old tag"}, "status": {"1"}, "op": {"Save"},
		"field_tags": {"rust"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("existing tag by editor: %d\n%s", r.status, r.body)
	}
	_, ids = terms(t, admin, "tags")
	if ids["Haskell"] != "" {
		t.Error("a term was created without the permission")
	}
}

// syncBuffer is a log destination tests can read while the server writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The category service dispatches the category_term_* taps from its real
// paths, the admin forms and free tagging alike, to the categories
// reference plugin (built to wasm with the other plugins): its presave
// tidies names, its events log.
func TestCategoryTapsThroughTheSite(t *testing.T) {
	ctx := context.Background()
	logs := &syncBuffer{}
	s, err := server.New(ctx, server.Config{DatabaseURL: testenv.Database(t), RedisURL: testenv.RedisURL(),
		PluginsDir: testenv.Plugins(t), DataDir: testenv.DataDir(t), SiteName: "Test site"}, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	if _, _, err := s.Setup(ctx, adminPassword, io.Discard); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, s)
	c.login("admin", adminPassword)
	addVocabulary(t, c, "Styles", "1")
	addTerm(t, c, "styles", "Jazz    standards")
	rows, ids := terms(t, c, "styles")
	if got := strings.Join(rows, ", "); got != "0:Jazz standards" {
		t.Fatalf("tree = %s, want the name tidied by the plugin", got)
	}
	id := ids["Jazz standards"]
	mustContain(t, logs.String(), "categories: term insert styles/Jazz standards ("+id+")")

	editURL := "/category/" + id + "/edit"
	r := c.formPost(c.get(editURL), editURL, url.Values{"name": {"Cool   jazz"}, "weight": {"0"}, "parents": {""}, "format": {"plain_text"}, "op": {"Save term"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", r.status, r.body)
	}
	mustContain(t, logs.String(), "categories: term update styles/Cool jazz ("+id+")")

	// Free tagging creates terms through the same path.
	addField(t, c, "page", "Style", "category_reference", url.Values{"settings.vocabulary": {"styles"},
		"settings.widget": {"autocomplete"}, "settings.auto_create": {"1"}})
	r = c.formPost(c.get("/item/add/page"), "/item/add/page", url.Values{"title": {"Tagged"}, "status": {"1"}, "op": {"Save"},
		"field_style.0.target_id": {"Free   jazz"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("free tagging: %d\n%s", r.status, r.body)
	}
	_, ids = terms(t, c, "styles")
	if ids["Free jazz"] == "" {
		t.Fatalf("free-tagged term not tidied or not created: %v", ids)
	}
	mustContain(t, logs.String(), "categories: term insert styles/Free jazz ("+ids["Free jazz"]+")")

	confirm := c.get("/category/" + id + "/delete")
	r = c.postForm("/category/"+id+"/delete", url.Values{"csrf_token": {csrf(t, confirm)}, "confirm": {"1"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.status)
	}
	mustContain(t, logs.String(), "categories: term delete styles/Cool jazz ("+id+")")
}
