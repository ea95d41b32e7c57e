package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/category"
	"github.com/trovato/trovato/app/field"
	"github.com/trovato/trovato/app/gather"
	"github.com/trovato/trovato/app/item"
	"github.com/trovato/trovato/app/server"
)

// articlesListing is the Phase 4/5 gate listing: recent articles, newest
// first, 3 a page, with an exposed tag filter (term or its descendants) and
// an exposed year filter.
var articlesListing = gather.Definition{
	BaseTypes: []string{"article"},
	Fields:    []gather.Show{{Field: "title", Formatter: "link"}, {Field: "field_tags", Label: "Tags"}, {Field: "created", Formatter: "date"}},
	Filters: []gather.Filter{
		{Field: "field_tags", Op: "has_term_or_descendants", Expose: &gather.Expose{Identifier: "field_tags", Label: "Tag", Widget: "select", Vocabulary: "tags"}},
		{Field: "created", Op: "year", Expose: &gather.Expose{Identifier: "year", Label: "Year", Widget: "text"}},
	},
	Sorts:   []gather.Sort{{Field: "created", Direction: "desc"}},
	Pager:   gather.Pager{Type: "mini", ItemsPerPage: 3},
	Display: gather.Display{Path: "/articles", Title: "Articles", Header: "**Latest** articles", TextFormat: "markdown", Empty: "No articles match."},
}

// seedArticleSite makes a tags vocabulary (Tech > Go, and Food), an
// article type with a tags field, and articles: Go 1..5 tagged Go (2024,
// one a day from 1 March), "Tech in 2023" tagged Tech, Food 1..2 tagged
// Food (2024) and an unpublished Go draft. It returns the term ids by name.
func seedArticleSite(t testing.TB, s *server.Server) map[string]string {
	t.Helper()
	ctx := t.Context()
	cats := category.NewService(s.Pool)
	if err := cats.CreateVocabulary(ctx, category.Vocabulary{ID: "tags", Label: "Tags", Hierarchy: category.Single}); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	term := func(name string, parents ...uuid.UUID) {
		tm, err := cats.CreateTerm(ctx, category.Term{VocabularyID: "tags", Name: name, Parents: parents, Format: "plain_text"})
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = tm.ID.String()
	}
	term("Tech")
	term("Go", uuid.MustParse(ids["Tech"]))
	term("Food")
	err := s.Items.CreateType(ctx, item.Type{Type: "article", Label: "Article", Fields: []field.Def{
		{Name: "field_tags", Type: "category_reference", Label: "Tags", Cardinality: -1, Settings: map[string]any{"vocabulary": "tags"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	typ, err := s.Items.GetType(ctx, "article")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := s.Users.LoadByName(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	add := func(title, tag string, created time.Time, published bool) {
		t.Helper()
		_, err := s.Items.Create(ctx, admin, typ, item.Input{Title: title, Status: &published, Created: &created,
			Fields: item.Values{"field_tags": {{"target_id": ids[tag]}}}})
		if err != nil {
			t.Fatalf("create %s: %v", title, err)
		}
	}
	for i := 1; i <= 5; i++ {
		add(fmt.Sprintf("Go %d", i), "Go", time.Date(2024, 3, i, 12, 0, 0, 0, time.UTC), true)
	}
	add("Tech in 2023", "Tech", time.Date(2023, 6, 1, 12, 0, 0, 0, time.UTC), true)
	add("Food 1", "Food", time.Date(2024, 4, 1, 12, 0, 0, 0, time.UTC), true)
	add("Food 2", "Food", time.Date(2024, 4, 2, 12, 0, 0, 0, time.UTC), true)
	add("Go draft", "Go", time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC), false)
	def := articlesListing
	if err := s.Gather.Save(ctx, "articles", "Articles", &def); err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestGather runs the listing scenarios on one site (starting a site
// costs seconds): the gate, displays, and the admin builder.
func TestGather(t *testing.T) {
	s := newSite(t)
	ids := seedArticleSite(t, s)
	t.Run("gate", func(t *testing.T) { gatherGate(t, s, ids) })
	t.Run("displays", func(t *testing.T) { gatherDisplays(t, s, ids) })
	t.Run("admin", func(t *testing.T) { gatherAdmin(t, s) })
	t.Run("permission", func(t *testing.T) { gatherPermission(t, s) })
}

// gatherPermission: the listing admin answers to "administer listings" (in
// the permissions matrix), not to the content-type permission it borrowed.
func gatherPermission(t *testing.T, s *server.Server) {
	admin := newClient(t, s)
	admin.login("admin", adminPassword)
	if _, err := s.Pool.Exec(context.Background(), `INSERT INTO roles (name, label, weight) VALUES ('sitebuilder', 'Site builder', 5), ('typist', 'Typist', 6)`); err != nil {
		t.Fatal(err)
	}
	grant(t, s, "sitebuilder", "administer listings")
	grant(t, s, "typist", "administer content types")
	addUser(t, admin, "sam", "sam-password", "sitebuilder")
	addUser(t, admin, "tia", "tia-password", "typist")
	mustContain(t, admin.get("/admin/people/permissions").body, "Administer listings", "Administer blocks")

	sam := newClient(t, s)
	sam.login("sam", "sam-password")
	for _, path := range []string{"/admin/gather", "/admin/gather/add", "/admin/gather/columns"} {
		if r := sam.get(path); r.status != http.StatusOK {
			t.Errorf("%s for a site builder: %d", path, r.status)
		}
	}
	tia := newClient(t, s)
	tia.login("tia", "tia-password")
	if r := tia.get("/admin/gather"); r.status != http.StatusForbidden {
		t.Errorf("/admin/gather with only administer content types: %d", r.status)
	}
}

func rowTitles(body string) []string {
	var out []string
	for _, part := range strings.Split(body, `class="gather-field gather-field--title"`)[1:] {
		start := strings.Index(part, ">") + 1
		out = append(out, part[start:start+strings.Index(part[start:], "<")])
	}
	return out
}

// The Phase 4/5 gate: a listing of recent articles filtered by a category
// term with a pager renders correctly; it accepts ?field_tags=… in the URL;
// it renders a filter form above the results, and submitting it (a plain
// GET, as a browser without JavaScript does, or an htmx request) updates
// the results.
func gatherGate(t *testing.T, s *server.Server, ids map[string]string) {
	c := newClient(t, s)

	// Unfiltered: the newest 3 published articles, the header through its
	// text format, the form above the results.
	all := c.get("/articles")
	if all.status != http.StatusOK {
		t.Fatalf("status %d\n%s", all.status, all.body)
	}
	if got := strings.Join(rowTitles(all.body), ","); got != "Food 2,Food 1,Go 5" {
		t.Errorf("first page %s", got)
	}
	mustContain(t, all.body, `data-testid="gather-exposed-form"`, `method="get"`, `action="/articles"`, `hx-get="/articles"`,
		`hx-push-url="true"`, `<label for="edit-field-tags">Tag</label>`, `<label for="edit-year">Year</label>`,
		`>-Go</option>`, "<strong>Latest</strong> articles", `href="/articles?page=1"`)
	mustNotContain(t, all.body, "Go draft")
	if strings.Index(all.body, `data-testid="gather-exposed-form"`) > strings.Index(all.body, `data-testid="gather-articles"`) {
		t.Error("the filter form is not above the results")
	}

	// Filtered by a term through the URL: Tech includes its child Go; a
	// pager whose links keep the filter and drop unknown parameters.
	tech := c.get("/articles?field_tags=" + ids["Tech"] + "&utm_source=x&page=0")
	if got := strings.Join(rowTitles(tech.body), ","); got != "Go 5,Go 4,Go 3" {
		t.Errorf("Tech page 1: %s", got)
	}
	next := "/articles?field_tags=" + ids["Tech"] + "&amp;page=1"
	mustContain(t, tech.body, `href="`+next+`"`, `<option value="`+ids["Tech"]+`" selected`)
	mustNotContain(t, tech.body, "utm_source", "Food 1", "Food 2")
	page2 := c.get(strings.ReplaceAll(next, "&amp;", "&"))
	if got := strings.Join(rowTitles(page2.body), ","); got != "Go 2,Go 1,Tech in 2023" {
		t.Errorf("Tech page 2: %s", got)
	}
	mustContain(t, page2.body, `href="/articles?field_tags=`+ids["Tech"]+`"`) // previous: page 0 has no page parameter
	mustNotContain(t, page2.body, `rel="next"`)

	// Submitting the form: the two filters together.
	both := c.get("/articles?field_tags=" + ids["Tech"] + "&year=2023")
	if got := strings.Join(rowTitles(both.body), ","); got != "Tech in 2023" {
		t.Errorf("Tech in 2023: %s", got)
	}
	mustContain(t, both.body, `value="2023"`)
	none := c.get("/articles?field_tags=" + ids["Food"] + "&year=2023")
	mustContain(t, none.body, "No articles match.")

	// With htmx the same URL answers only the results region (which the
	// form and the pager swap), and says it varies by HX-Request; a history
	// restore gets the whole page.
	partial := c.do("GET", "/articles?field_tags="+ids["Go"], nil, map[string]string{"HX-Request": "true"})
	if got := strings.Join(rowTitles(partial.body), ","); got != "Go 5,Go 4,Go 3" {
		t.Errorf("htmx Go: %s", got)
	}
	mustContain(t, partial.body, `id="gather-articles"`, `hx-target="#gather-articles"`)
	mustNotContain(t, partial.body, "<html", "gather-exposed-form")
	if !strings.Contains(partial.header.Get("Vary"), "HX-Request") {
		t.Errorf("Vary = %q", partial.header.Get("Vary"))
	}
	restore := c.do("GET", "/articles?field_tags="+ids["Go"], nil, map[string]string{"HX-Request": "true", "HX-History-Restore-Request": "true"})
	mustContain(t, restore.body, "<html", "gather-exposed-form")

	// Invalid values: 422 with inline messages and the values kept, never a 500.
	bad := c.get("/articles?field_tags=five&year=soon")
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad filter values: %d", bad.status)
	}
	mustContain(t, bad.body, `data-testid="gather-errors"`, "Tag: Choose a category term.", "Year: Enter a year like 2024.", `value="soon"`)
	bad = c.do("GET", "/articles?year=soon", nil, map[string]string{"HX-Request": "true"})
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "Year: Enter a year like 2024.") {
		t.Errorf("htmx bad value: %d %s", bad.status, bad.body)
	}

	// The JSON display: the same page and filters, with a next link.
	js := c.get("/articles.json?field_tags=" + ids["Tech"])
	if js.status != http.StatusOK {
		t.Fatalf("json: %d %s", js.status, js.body)
	}
	var page gather.JSONPage
	if err := json.Unmarshal([]byte(js.body), &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Rows) != 3 || page.Rows[0].Title != "Go 5" || page.Next != "/articles.json?field_tags="+ids["Tech"]+"&page=1" {
		t.Errorf("json page: %+v", page)
	}

	// The editor sees the draft; a listing is a path at runtime: saving a
	// new one needs no restart.
	c.login("admin", adminPassword)
	mustContain(t, c.get("/articles?field_tags="+ids["Go"]).body, "Go draft")
}

// Display formats, a full pager, path arguments and a new listing
// appearing without a restart.
func gatherDisplays(t *testing.T, s *server.Server, ids map[string]string) {
	c := newClient(t, s)
	ctx := t.Context()

	byTag := gather.Definition{
		BaseTypes: []string{"article"},
		Fields:    []gather.Show{{Field: "title", Formatter: "link", Label: "Title"}, {Field: "author", Label: "By"}},
		Arguments: []gather.Argument{{Name: "tag", Field: "field_tags", Op: "has_term_or_descendants"}},
		Sorts:     []gather.Sort{{Field: "title", Direction: "asc"}},
		Pager:     gather.Pager{Type: "full", ItemsPerPage: 2},
		Display: gather.Display{Path: "/tagged/{tag}", Title: "Tagged", Format: "table",
			Footer: "<script>alert(1)</script>Thanks", TextFormat: "basic_html"},
	}
	if r := c.get("/tagged/" + ids["Go"]); r.status != http.StatusNotFound {
		t.Fatalf("before saving: %d", r.status)
	}
	if err := s.Gather.Save(ctx, "by_tag", "By tag", &byTag); err != nil {
		t.Fatal(err)
	}
	r := c.get("/tagged/" + ids["Go"] + "?page=1")
	if r.status != http.StatusOK {
		t.Fatalf("tagged: %d\n%s", r.status, r.body)
	}
	mustContain(t, r.body, `<table class="gather-table">`, `<th scope="col">Title</th>`, `<th scope="col">By</th>`,
		"Go 3", "Go 4", `aria-current="page">2</span>`, `href="/tagged/`+ids["Go"]+`?page=2"`, "Thanks")
	mustNotContain(t, r.body, "<script>alert", "Go 1<")
	if r := c.get("/tagged/not-a-term"); r.status != http.StatusNotFound {
		t.Errorf("bad argument: %d", r.status)
	}

	for _, format := range []string{"grid", "teasers", "list"} {
		def := articlesListing
		def.Display.Format = format
		def.Display.Path = "/articles-" + format
		if err := s.Gather.Save(ctx, "articles_"+format, "Articles", &def); err != nil {
			t.Fatal(err)
		}
		mustContain(t, c.get(def.Display.Path).body, map[string]string{
			"grid": `class="gather-grid"`, "teasers": `<article class="gather-row item--article teaser">`, "list": `<ul class="gather-rows">`}[format])
	}
}

// azValues is the "A to Z" listing as the builder form posts it.
func azValues(direction string) url.Values {
	return url.Values{"label": {"A to Z"}, "base_types": {"article"},
		"fields.0.field": {"title"}, "fields.0.formatter": {""}, "fields.0.label": {""},
		"sorts.0.field": {"title"}, "sorts.0.direction": {direction},
		"pager.type": {"mini"}, "pager.items_per_page": {"2"},
		"display.path": {"/a-z"}, "display.title": {"A to Z"}, "display.format": {"list"}, "display.text_format": {"plain_text"},
		"op": {"Save listing"}}
}

func with(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = vs
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = []string{kv[i+1]}
	}
	return out
}

// The listing admin: the point-and-click builder (rows added and removed
// with and without htmx, nothing saved; bad choices refused inline with
// every value kept), the page answers at once, edit, clone, export, JSON
// import and "edit as JSON", the live preview with SQL, plan and index
// advice, and delete.
func gatherAdmin(t *testing.T, s *server.Server) {
	c := newClient(t, s)
	if r := c.get("/admin/gather"); r.status != http.StatusSeeOther && r.status != http.StatusFound && r.status != http.StatusForbidden {
		t.Fatalf("anonymous admin: %d", r.status)
	}
	c.login("admin", adminPassword)
	list := c.get("/admin/gather")
	mustContain(t, list.body, `data-testid="gather-row-articles"`, `data-testid="gather-row-recent_pages"`, `href="/articles"`,
		`href="/admin/gather/import"`)

	add := c.get("/admin/gather/add")
	mustContain(t, add.body, `id="edit-filters-section"`, `name="base_types" value="article"`, `hx-post="/admin/gather/preview"`,
		`name="filters.0.field"`, `name="filters.add"`, `name="pager.items_per_page"`, `name="display.path"`, "Advanced: edit as JSON")
	azNew := with(azValues("asc"), "name", "a_z")

	// Add a filter without JavaScript: the whole page comes back with one
	// more row and every value kept; nothing is saved.
	more := c.formPost(add, "/admin/gather/add", with(azNew, "filters.add", "Add a filter", "filters.0.field", "title", "filters.0.op", "contains"))
	if more.status != http.StatusOK {
		t.Fatalf("add a filter: %d", more.status)
	}
	mustContain(t, more.body, `name="filters.0.field"`, `name="filters.1.field"`, `value="A to Z"`, `value="/a-z"`, `name="filters.remove-0"`, "<html")
	mustNotContain(t, more.body, `name="filters.2.field"`, `data-testid="form-errors"`)
	if strings.Contains(c.get("/admin/gather").body, "gather-row-a_z") {
		t.Fatal("adding a row saved the listing")
	}
	// With htmx only the builder comes back.
	partial := c.do("POST", "/admin/gather/add", strings.NewReader(with(azNew, "csrf_token", csrf(t, add), "filters.add", "Add a filter",
		"form_build_id", buildIDInput.FindStringSubmatch(add.body)[1]).Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"})
	if partial.status != http.StatusOK {
		t.Fatalf("htmx add: %d", partial.status)
	}
	mustContain(t, partial.body, `id="edit-builder"`, `name="filters.0.field"`)
	mustNotContain(t, partial.body, "<html", `name="label"`)
	// Remove the only filter: no filter row is left.
	add = c.get("/admin/gather/add")
	fewer := c.formPost(add, "/admin/gather/add", with(azNew, "filters.0.field", "title", "filters.0.op", "contains", "filters.remove-0", "Remove"))
	if fewer.status != http.StatusOK {
		t.Fatalf("remove a filter: %d", fewer.status)
	}
	mustNotContain(t, fewer.body, `name="filters.0.field"`)
	mustContain(t, fewer.body, `value="A to Z"`, `name="filters.add"`)

	// Bad choices: 422, the message at the element, every value kept.
	add = c.get("/admin/gather/add")
	bad := c.formPost(add, "/admin/gather/add", with(azNew, "filters.0.field", "created", "filters.0.op", "year", "filters.0.value", "soon",
		"display.path", "/a z"))
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad filter: %d", bad.status)
	}
	mustContain(t, bad.body, `data-testid="error-display.path"`, `value="soon"`, `value="A to Z"`, `value="/a z"`)
	bad = c.formPost(add, "/admin/gather/add", with(azNew, "filters.0.field", "created", "filters.0.op", "year", "filters.0.value", "soon"))
	mustContain(t, bad.body, `data-testid="error-filters.0.value"`, "Enter a year like 2024.")
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad year: %d", bad.status)
	}
	big := c.formPost(add, "/admin/gather/add", with(azNew, "pager.items_per_page", "500"))
	if big.status != http.StatusUnprocessableEntity {
		t.Fatalf("500 a page: %d", big.status)
	}
	mustContain(t, big.body, `data-testid="error-pager.items_per_page"`, `value="500"`)
	taken := c.formPost(add, "/admin/gather/add", with(azNew, "display.path", "/articles"))
	mustContain(t, taken.body, `data-testid="error-display.path"`, "The path /articles is already used by the listing")

	r := c.formPost(add, "/admin/gather/add", azNew)
	if r.status != http.StatusSeeOther {
		t.Fatalf("add: %d\n%s", r.status, r.body)
	}
	page := c.get("/a-z")
	if got := strings.Join(rowTitles(page.body), ","); got != "Food 1,Food 2" {
		t.Errorf("new listing: %s", got)
	}

	edit := c.get("/admin/gather/a_z/edit")
	mustContain(t, edit.body, `hx-post="/admin/gather/preview"`, `data-testid="gather-preview"`, `value="/a-z"`, "&#34;/a-z&#34;")
	r = c.formPost(edit, "/admin/gather/a_z/edit", azValues("desc"))
	if r.status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", r.status, r.body)
	}
	if got := strings.Join(rowTitles(c.get("/a-z").body), ","); got != "Tech in 2023,Go draft" {
		t.Errorf("edited listing: %s", got)
	}

	// Advanced: edit as JSON. Bad JSON stays with a message (422); good
	// JSON rebuilds the builder from it without saving.
	edit = c.get("/admin/gather/a_z/edit")
	badJSON := c.formPost(edit, "/admin/gather/a_z/edit", with(azValues("desc"), "json_apply", "Load", "definition_json", `{"base_types":`))
	if badJSON.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad JSON: %d", badJSON.status)
	}
	mustContain(t, badJSON.body, `data-testid="error-definition_json"`, "not valid JSON", "{&#34;base_types&#34;:")
	goodJSON := c.formPost(edit, "/admin/gather/a_z/edit", with(azValues("desc"), "json_apply", "Load", "definition_json",
		`{"base_types":["page"],"sorts":[{"field":"changed","direction":"asc"}],"pager":{"type":"full","items_per_page":4},"display":{"path":"/from-json"}}`))
	if goodJSON.status != http.StatusOK {
		t.Fatalf("good JSON: %d\n%s", goodJSON.status, goodJSON.body)
	}
	mustContain(t, goodJSON.body, `value="/from-json"`, `<option value="changed" selected`, `<option value="full" selected`)
	if got := strings.Join(rowTitles(c.get("/a-z").body), ","); got != "Tech in 2023,Go draft" {
		t.Errorf("loading JSON changed the saved listing: %s", got)
	}

	clone := c.get("/admin/gather/add?clone=a_z")
	mustContain(t, clone.body, `value="a_z_copy"`, `value="/a-z-copy"`)
	exp := c.get("/admin/gather/a_z/export")
	var exported gather.Definition
	if err := json.Unmarshal([]byte(exp.body), &exported); err != nil || exported.Display.Path != "/a-z" {
		t.Errorf("export: %v %s", err, exp.body)
	}
	if !strings.Contains(exp.header.Get("Content-Disposition"), "a_z.json") {
		t.Errorf("export is not a download: %q", exp.header.Get("Content-Disposition"))
	}

	// Import listing: bad JSON is refused inline; good JSON opens in the
	// builder, or saves at once.
	imp := c.get("/admin/gather/import")
	mustContain(t, imp.body, `name="definition"`, "Open in the builder")
	badImp := c.formPost(imp, "/admin/gather/import", url.Values{"name": {"az2"}, "label": {"AZ 2"}, "definition": {`{"pager":{}}`}, "import_edit": {"Open in the builder"}})
	if badImp.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad import: %d", badImp.status)
	}
	mustContain(t, badImp.body, `data-testid="error-definition"`, "name at least one content type", `value="az2"`)
	opened := c.formPost(imp, "/admin/gather/import", url.Values{"name": {"az2"}, "label": {"AZ 2"}, "definition": {exp.body}, "import_edit": {"Open in the builder"}})
	if opened.status != http.StatusSeeOther || !strings.HasPrefix(opened.header.Get("Location"), "/admin/gather/add?from=") {
		t.Fatalf("import to the builder: %d %s", opened.status, opened.header.Get("Location"))
	}
	mustContain(t, c.get(opened.header.Get("Location")).body, `value="az2"`, `value="AZ 2"`, `value="/a-z"`, `<option value="title" selected`)
	saved := c.formPost(imp, "/admin/gather/import", url.Values{"name": {"az3"}, "label": {"AZ 3"},
		"definition": {strings.Replace(exp.body, "/a-z", "/a-z-3", 1)}, "op": {"Save listing"}})
	if saved.status != http.StatusSeeOther {
		t.Fatalf("import and save: %d %s", saved.status, saved.body)
	}
	if got := strings.Join(rowTitles(c.get("/a-z-3").body), ","); got != "Tech in 2023,Go draft" {
		t.Errorf("imported listing: %s", got)
	}

	// The structured preview: the builder's values, the results, the
	// definition as JSON; a bad choice is named in words.
	prevHdr := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true", "X-CSRF-Token": csrf(t, edit)}
	sp := c.do("POST", "/admin/gather/preview", strings.NewReader(with(azValues("asc"), "form_id", "gather_listing").Encode()), prevHdr)
	mustContain(t, sp.body, `data-testid="gather-preview-sql"`, `data-testid="gather-preview-json"`, `class="gather-row item--article"`, "Food 1")
	sp = c.do("POST", "/admin/gather/preview", strings.NewReader(with(azValues("asc"), "form_id", "gather_listing",
		"filters.0.field", "created", "filters.0.op", "year", "filters.0.value", "soon").Encode()), prevHdr)
	mustContain(t, sp.body, `data-testid="gather-preview-error"`, "Filter 1, value: Enter a year like 2024.")

	// The preview: rendered rows, SQL with parameters, the plan; a numeric
	// sort on a JSONB field with no index gets the advice.
	prev := c.do("POST", "/admin/gather/preview", strings.NewReader(url.Values{"definition": {
		`{"base_types":["article"],"fields":[{"field":"title"}],"sorts":[{"field":"field_tags","direction":"asc"}],"pager":{"items_per_page":2}}`}}.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true", "X-CSRF-Token": csrf(t, edit)})
	if prev.status != http.StatusOK {
		t.Fatalf("preview: %d %s", prev.status, prev.body)
	}
	mustContain(t, prev.body, `data-testid="gather-preview-sql"`, "ORDER BY", "$2 = field_tags", `data-testid="gather-preview-plan"`,
		`class="gather-row item--article"`, `data-testid="gather-preview-advice"`, "Materialize field_tags",
		"exclusive lock", "ALTER TABLE item ADD COLUMN IF NOT EXISTS m_tags text[] GENERATED ALWAYS AS")

	// The button queues a River job that materializes the field; an unknown
	// field is refused. Once the job has run, the preview reads the column.
	hdr := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true", "X-CSRF-Token": csrf(t, edit)}
	if r := c.do("POST", "/admin/gather/index", strings.NewReader("field=field_nope"), hdr); r.status != http.StatusUnprocessableEntity {
		t.Errorf("materialize an unknown field: %d", r.status)
	}
	started := c.do("POST", "/admin/gather/index", strings.NewReader("field=field_tags"), hdr)
	if started.status != http.StatusAccepted {
		t.Fatalf("materialize: %d %s", started.status, started.body)
	}
	mustContain(t, started.body, `data-testid="gather-index-started"`, "m_tags", "queued")
	mustContain(t, c.get("/admin/gather/columns").body, `data-testid="gather-column-field_tags"`, "pending", "exclusive lock")
	if err := s.Jobs.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Jobs.Stop(context.Background()) })
	var status string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline) && status != gather.ColumnReady; time.Sleep(100 * time.Millisecond) {
		_ = s.Pool.QueryRow(t.Context(), `SELECT status FROM gather_column WHERE field = 'field_tags'`).Scan(&status)
	}
	if status != gather.ColumnReady {
		t.Fatalf("the column job did not finish: %q", status)
	}
	mustContain(t, c.get("/admin/gather/columns").body, `data-testid="gather-column-status-field_tags"`, "ready", `data-testid="gather-column-drop-field_tags"`)
	prev = c.do("POST", "/admin/gather/preview", strings.NewReader(url.Values{"definition": {
		`{"base_types":["article"],"fields":[{"field":"title"}],"sorts":[{"field":"field_tags","direction":"asc"}],"pager":{"items_per_page":2}}`}}.Encode()),
		hdr)
	mustContain(t, prev.body, "ORDER BY i.m_tags[1] ASC", `class="gather-row item--article"`)
	mustNotContain(t, prev.body, "Materialize field_tags")

	// Dropping needs the CSRF token; without htmx it answers with the columns
	// page, and listings stop reading the column at once.
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	if r := c.do("POST", "/admin/gather/index", strings.NewReader("field=field_tags&op=drop"), form); r.status != http.StatusForbidden {
		t.Errorf("drop without a CSRF token: %d", r.status)
	}
	form["X-CSRF-Token"] = csrf(t, edit)
	dropped := c.do("POST", "/admin/gather/index", strings.NewReader("field=field_tags&op=drop"), form)
	if dropped.status != http.StatusSeeOther || dropped.header.Get("Location") != "/admin/gather/columns" {
		t.Errorf("drop: %d %s", dropped.status, dropped.header.Get("Location"))
	}
	mustContain(t, c.get("/admin/gather/columns").body, `data-testid="gather-column-status-field_tags"`, "dropping", `hx-trigger="every 2s"`)
	prev = c.do("POST", "/admin/gather/preview", strings.NewReader(url.Values{"definition": {
		`{"base_types":["article"],"fields":[{"field":"title"}],"sorts":[{"field":"field_tags","direction":"asc"}],"pager":{"items_per_page":2}}`}}.Encode()),
		hdr)
	mustContain(t, prev.body, `class="gather-row item--article"`, "is being dropped")
	mustNotContain(t, prev.body, "i.m_tags")

	prev = c.do("POST", "/admin/gather/preview", strings.NewReader("definition=%7B"),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true", "X-CSRF-Token": csrf(t, edit)})
	mustContain(t, prev.body, `data-testid="gather-preview-error"`, "not valid JSON")

	for _, name := range []string{"az3", "a_z"} {
		del := c.get("/admin/gather/" + name + "/delete")
		if r := c.formPost(del, "/admin/gather/"+name+"/delete", nil); r.status != http.StatusSeeOther {
			t.Fatalf("delete %s: %d", name, r.status)
		}
	}
	if r := c.get("/a-z"); r.status != http.StatusNotFound {
		t.Errorf("deleted listing still answers: %d", r.status)
	}
}
