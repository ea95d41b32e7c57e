package server_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/gather"
	"github.com/trovato/trovato/app/item"
	"github.com/trovato/trovato/app/server"
)

// The §23 slice through the JSON API: create a page with a token, then see
// it rendered by the page plugin's tap_item_view inside the theme.
func TestCreatePageThroughAPIAndView(t *testing.T) {
	s := newSite(t)
	c := newClient(t, s)
	tok := token(t, s, "admin")

	r := c.postJSON("/item/add/page", tok, `{"title":"Hello World","fields":{"field_subtitle":{"value":"My first trovato page"}}}`)
	if r.status != http.StatusCreated {
		t.Fatalf("create: status %d: %s", r.status, r.body)
	}
	body := r.json(t)
	id, _ := body["id"].(string)
	if len(id) != 36 || id[14] != '7' {
		t.Fatalf("id %q is not a UUIDv7", id)
	}
	if body["url"] != "/item/"+id {
		t.Fatalf("url = %v, want /item/%s", body["url"], id)
	}

	page := c.get("/item/" + id)
	if page.status != http.StatusOK {
		t.Fatalf("view: status %d", page.status)
	}
	// The subtitle comes from the plugin's render element (class page-subtitle),
	// the title from the theme, escaped and sanitized.
	mustContain(t, page.body, `<h1 class="page-title" data-testid="page-title">Hello World</h1>`,
		`page-subtitle`, `My first trovato page`, `theme-default`)

	asJSON := c.do("GET", "/item/"+id, nil, map[string]string{"Accept": "application/json"})
	got := asJSON.json(t)
	fields := got["fields"].(map[string]any)
	sub := fields["field_subtitle"].([]any)[0].(map[string]any)["value"]
	if sub != "My first trovato page" || got["title"] != "Hello World" {
		t.Fatalf("JSON item = %v", got)
	}
	n, err := s.Items.Revisions(t.Context(), mustUUID(t, id))
	if err != nil || n != 1 {
		t.Fatalf("revisions = %d, %v; want one first revision", n, err)
	}
}

func TestItemAPIBadInput(t *testing.T) {
	s := newSite(t)
	c := newClient(t, s)
	tok := token(t, s, "admin")
	cases := []struct {
		name, path, token, body string
		status                  int
		want                    string
	}{
		{"unknown type", "/item/add/nosuchtype", tok, `{"title":"x"}`, 404, `"not_found"`},
		{"invalid JSON", "/item/add/page", tok, `{"title":`, 422, `"body"`},
		{"missing title", "/item/add/page", tok, `{"fields":{}}`, 422, `"title"`},
		{"blank title", "/item/add/page", tok, `{"title":"   "}`, 422, `"title"`},
		{"unknown field", "/item/add/page", tok, `{"title":"x","fields":{"field_nope":{"value":"y"}}}`, 422, `"fields.field_nope"`},
		{"field not an object", "/item/add/page", tok, `{"title":"x","fields":{"field_subtitle":"y"}}`, 422, `"fields.field_subtitle"`},
		{"too long subtitle", "/item/add/page", tok, `{"title":"x","fields":{"field_subtitle":{"value":"` + strings.Repeat("a", 256) + `"}}}`, 422, `"fields.field_subtitle"`},
		{"missing token", "/item/add/page", "", `{"title":"x"}`, 401, `"unauthorized"`},
		{"wrong token", "/item/add/page", "trv_not-a-real-token", `{"title":"x"}`, 401, `"unauthorized"`},
		{"malformed token", "/item/add/page", "abc", `{"title":"x"}`, 401, `"unauthorized"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := c.postJSON(tc.path, tc.token, tc.body)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			mustContain(t, r.body, tc.want)
		})
	}
	t.Run("nothing was created", func(t *testing.T) {
		admin, err := s.Users.LoadByName(t.Context(), "admin")
		if err != nil {
			t.Fatal(err)
		}
		rows, _, err := s.Items.AdminList(t.Context(), admin, item.AdminFilter{Sort: "changed", Descending: true}, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 12 { // the demo pages only
			t.Fatalf("%d items, want the 12 demo pages", len(rows))
		}
	})
	t.Run("unknown item", func(t *testing.T) {
		for _, p := range []string{"/item/0190f5b4-0000-7000-8000-000000000000", "/item/not-a-uuid"} {
			if r := c.get(p); r.status != 404 {
				t.Errorf("%s: status %d, want 404", p, r.status)
			}
		}
	})
}

func TestCreatePageThroughBrowserForm(t *testing.T) {
	s := newSite(t)
	c := newClient(t, s)

	// Anonymous visitors are sent to the login page.
	if r := c.get("/item/add/page"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/user/login?destination=") {
		t.Fatalf("anonymous add form: status %d location %q", r.status, r.header.Get("Location"))
	}
	c.login("admin", adminPassword)
	form := c.get("/item/add/page")
	if form.status != 200 {
		t.Fatalf("add form: %d", form.status)
	}
	mustContain(t, form.body, `<label for="edit-title">`, `<label for="edit-field-subtitle-0-value">`, `name="csrf_token"`)
	token := csrf(t, form)

	// Without the CSRF token nothing is saved.
	r := c.postForm("/item/add/page", url.Values{"title": {"No token"}, "op": {"Save"}})
	if r.status != http.StatusForbidden {
		t.Fatalf("no CSRF token: status %d", r.status)
	}

	// A missing title re-renders with 422, the subtitle kept, an inline
	// message and a summary linking to the field.
	r = c.postForm("/item/add/page", url.Values{"csrf_token": {token}, "op": {"Save"}, "title": {""}, "field_subtitle.0.value": {"Kept <value>"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("missing title: status %d", r.status)
	}
	mustContain(t, r.body, `value="Kept &lt;value&gt;"`, `data-testid="error-title"`, `href="#edit-title"`)

	// Request keys that name no element — Drupal-style "#" properties
	// included — have no effect.
	r = c.postForm("/item/add/page", url.Values{
		"csrf_token": {token}, "title": {"From the form"}, "field_subtitle.0.value": {"Typed by hand"}, "status": {"1"}, "op": {"Save"},
		"#type": {"markup"}, "#markup": {"<script>alert(1)</script>"}, "field_evil": {"x"}, "author_id": {"00000000-0000-0000-0000-000000000000"},
	})
	if r.status != http.StatusSeeOther {
		t.Fatalf("valid form: status %d: %s", r.status, r.body)
	}
	loc := r.header.Get("Location")
	view := c.get(loc)
	mustContain(t, view.body, "From the form", "Typed by hand", "Basic page From the form has been created.", "Submitted by admin")
	mustNotContain(t, view.body, "<script>alert(1)</script>", "field_evil")
}

func TestRecentPagesListing(t *testing.T) {
	s := newSite(t)
	c := newClient(t, s)
	tok := token(t, s, "admin")
	if r := c.postJSON("/item/add/page", tok, `{"title":"Hidden draft","status":false}`); r.status != 201 {
		t.Fatalf("create draft: %d %s", r.status, r.body)
	}
	if r := c.postJSON("/item/add/page", tok, `{"title":"Newest page","fields":{"field_subtitle":{"value":"fresh"}}}`); r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}

	first := c.get("/recent-pages")
	if first.status != 200 {
		t.Fatalf("status %d", first.status)
	}
	rows := strings.Count(first.body, `class="gather-row item--`)
	if rows != 10 {
		t.Fatalf("first page has %d rows, want 10", rows)
	}
	mustContain(t, first.body, `rel="next"`, `href="/recent-pages?page=1"`, "Newest page", "fresh")
	mustNotContain(t, first.body, "Hidden draft", `rel="prev"`)
	// Newest first: the page created last comes before the first demo page on page 1.
	if strings.Index(first.body, "Newest page") > strings.Index(first.body, "Frequently asked questions") {
		t.Error("listing is not newest first")
	}

	second := c.get("/recent-pages?page=1")
	if n := strings.Count(second.body, `class="gather-row item--`); n != 3 {
		t.Fatalf("second page has %d rows, want 3 (13 published pages)", n)
	}
	mustContain(t, second.body, `rel="prev"`, "Welcome to Trovato")
	mustNotContain(t, second.body, `rel="next"`)

	// An htmx pager request gets only the listing fragment.
	partial := c.do("GET", "/recent-pages?page=1", nil, map[string]string{"HX-Request": "true"})
	mustContain(t, partial.body, `id="gather-recent_pages"`)
	mustNotContain(t, partial.body, "<html")
	if partial.header.Get("Vary") == "" || !strings.Contains(partial.header.Get("Vary"), "HX-Request") {
		t.Errorf("Vary = %q, want HX-Request", partial.header.Get("Vary"))
	}

}

// Access is part of the listing's SQL: without a status filter in the
// definition, anonymous viewers still never get unpublished items, while
// their author and holders of "view unpublished content" do.
func TestListingAppliesAccessInSQL(t *testing.T) {
	s := newSite(t)
	c := newClient(t, s)
	r := c.postJSON("/item/add/page", token(t, s, "admin"), `{"title":"Hidden draft","status":false}`)
	if r.status != 201 {
		t.Fatalf("create draft: %d %s", r.status, r.body)
	}
	admin, err := s.Users.LoadByName(t.Context(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	def := server.RecentPages
	def.Filters = nil
	def.Pager.ItemsPerPage = 50
	titles := func(v gather.Viewer) []string {
		res, err := s.Gather.Run(t.Context(), &def, v, 0)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, row := range res.Rows {
			out = append(out, row.Title)
		}
		return out
	}
	if got := titles(gather.Viewer{}); len(got) != 12 || slices.Contains(got, "Hidden draft") {
		t.Errorf("anonymous sees %v", got)
	}
	if got := titles(gather.Viewer{ID: admin.ID}); len(got) != 13 || !slices.Contains(got, "Hidden draft") {
		t.Errorf("the author sees %v", got)
	}
	if got := titles(gather.Viewer{ID: uuid.Must(uuid.NewV7())}); len(got) != 12 {
		t.Errorf("another user sees %d items", len(got))
	}
	if got := titles(gather.Viewer{SeesUnpublished: true}); len(got) != 13 {
		t.Errorf("an editor sees %d items", len(got))
	}
}

// Editing writes a new revision; the item page offers View and Edit tabs
// to those who may edit.
func TestEditItemThroughForm(t *testing.T) {
	s := newSite(t)
	c := newClient(t, s)
	r := c.postJSON("/item/add/page", token(t, s, "admin"), `{"title":"Before","fields":{"field_subtitle":{"value":"old"}}}`)
	path := r.json(t)["url"].(string)
	mustNotContain(t, c.get(path).body, `data-testid="tabs"`)
	if r := c.get(path + "/edit"); r.status != http.StatusSeeOther {
		t.Fatalf("anonymous edit form: %d", r.status)
	}
	c.login("admin", adminPassword)
	view := c.get(path)
	mustContain(t, view.body, `data-testid="tabs"`, `href="`+path+`/edit"`)
	edit := c.get(path + "/edit")
	mustContain(t, edit.body, `value="Before"`, `value="old"`, "Revision log message")
	save := c.formPost(edit, path+"/edit", url.Values{"title": {"After"}, "field_subtitle.0.value": {"new"}, "status": {"1"}, "log": {"Retitled"}, "op": {"Save"}})
	if save.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", save.status, save.body)
	}
	mustContain(t, c.get(path).body, "After", "new", "has been updated")
	if n, _ := s.Items.Revisions(t.Context(), mustUUID(t, path[len("/item/"):])); n != 2 {
		t.Fatalf("%d revisions, want 2", n)
	}
}
