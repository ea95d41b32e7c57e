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

// The listing admin: add (a bad definition is refused inline with the
// values kept), the page answers at once, edit, clone, export, the live
// preview with SQL, plan and index advice, and delete.
func gatherAdmin(t *testing.T, s *server.Server) {
	c := newClient(t, s)
	if r := c.get("/admin/gather"); r.status != http.StatusSeeOther && r.status != http.StatusFound && r.status != http.StatusForbidden {
		t.Fatalf("anonymous admin: %d", r.status)
	}
	c.login("admin", adminPassword)
	list := c.get("/admin/gather")
	mustContain(t, list.body, `data-testid="gather-row-articles"`, `data-testid="gather-row-recent_pages"`, `href="/articles"`)

	def := `{"base_types":["article"],"fields":[{"field":"title"}],"sorts":[{"field":"title","direction":"asc"}],` +
		`"pager":{"items_per_page":2},"display":{"path":"/a-z","title":"A to Z"}}`
	bad := c.formPost(c.get("/admin/gather/add"), "/admin/gather/add", url.Values{"name": {"a_z"}, "label": {"A to Z"},
		"definition": {strings.Replace(def, `"asc"`, `"up"`, 1)}, "op": {"Save listing"}})
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad definition: %d", bad.status)
	}
	mustContain(t, bad.body, "direction must be asc or desc", `value="A to Z"`)
	taken := c.formPost(c.get("/admin/gather/add"), "/admin/gather/add", url.Values{"name": {"a_z"}, "label": {"A to Z"},
		"definition": {strings.Replace(def, "/a-z", "/articles", 1)}, "op": {"Save listing"}})
	mustContain(t, taken.body, "The path /articles is already used by the listing")

	r := c.formPost(c.get("/admin/gather/add"), "/admin/gather/add", url.Values{"name": {"a_z"}, "label": {"A to Z"},
		"definition": {def}, "op": {"Save listing"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("add: %d\n%s", r.status, r.body)
	}
	page := c.get("/a-z")
	if got := strings.Join(rowTitles(page.body), ","); got != "Food 1,Food 2" {
		t.Errorf("new listing: %s", got)
	}

	edit := c.get("/admin/gather/a_z/edit")
	mustContain(t, edit.body, `hx-post="/admin/gather/preview"`, `data-testid="gather-preview"`, "&#34;/a-z&#34;")
	r = c.formPost(edit, "/admin/gather/a_z/edit", url.Values{"label": {"A to Z"}, "definition": {strings.Replace(def, `"asc"`, `"desc"`, 1)},
		"op": {"Save listing"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", r.status, r.body)
	}
	if got := strings.Join(rowTitles(c.get("/a-z").body), ","); got != "Tech in 2023,Go draft" {
		t.Errorf("edited listing: %s", got)
	}

	clone := c.get("/admin/gather/add?clone=a_z")
	mustContain(t, clone.body, `value="a_z_copy"`, "/a-z-copy")
	exp := c.get("/admin/gather/a_z/export")
	var exported gather.Definition
	if err := json.Unmarshal([]byte(exp.body), &exported); err != nil || exported.Display.Path != "/a-z" {
		t.Errorf("export: %v %s", err, exp.body)
	}
	if !strings.Contains(exp.header.Get("Content-Disposition"), "a_z.json") {
		t.Errorf("export is not a download: %q", exp.header.Get("Content-Disposition"))
	}

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

	del := c.get("/admin/gather/a_z/delete")
	if r := c.formPost(del, "/admin/gather/a_z/delete", nil); r.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.status)
	}
	if r := c.get("/a-z"); r.status != http.StatusNotFound {
		t.Errorf("deleted listing still answers: %d", r.status)
	}
}
