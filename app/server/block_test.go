package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/trovato/trovato/app/gather"
	"github.com/trovato/trovato/app/item"
	"github.com/trovato/trovato/app/server"
	"github.com/trovato/trovato/app/stage"
	"github.com/trovato/trovato/app/web"
)

// TestBlocks runs the block scenarios on one site: regions render only
// with blocks, the placement admin (422 with values kept, place, disable,
// delete), path visibility, and a listing block that shows each viewer
// only what the listing page would.
func TestBlocks(t *testing.T) {
	s := newSite(t)
	seedArticleSite(t, s)
	def := articlesListing
	def.Block = &gather.BlockDisplay{Items: 2, Title: "Latest articles", More: true, MoreText: "All articles"}
	if err := s.Gather.Save(t.Context(), "articles", "Articles", &def); err != nil {
		t.Fatal(err)
	}
	admin := newClient(t, s)
	admin.login("admin", adminPassword)
	t.Run("empty regions render nothing", func(t *testing.T) { blocksEmpty(t, s) })
	t.Run("admin form keeps values on 422", func(t *testing.T) { blocksInvalid(t, admin) })
	t.Run("custom text block", func(t *testing.T) { blocksText(t, s, admin) })
	t.Run("listing block", func(t *testing.T) { blocksListing(t, s, admin) })
	t.Run("anonymous may not administer", func(t *testing.T) {
		r := newClient(t, s).get("/admin/structure/blocks")
		if r.status != http.StatusSeeOther {
			t.Errorf("anonymous GET /admin/structure/blocks: status %d, want a redirect to the login", r.status)
		}
	})
}

func blocksEmpty(t *testing.T, s *server.Server) {
	r := newClient(t, s).get("/recent-pages")
	if r.status != http.StatusOK {
		t.Fatalf("status %d", r.status)
	}
	mustNotContain(t, r.body, `data-testid="region-`, "with-sidebar-first", `class="region`)
	mustContain(t, r.body, "Powered by Trovato")
}

func blocksInvalid(t *testing.T, admin *client) {
	page := admin.get("/admin/structure/blocks/add?region=sidebar_first")
	if page.status != http.StatusOK {
		t.Fatalf("add form: status %d\n%s", page.status, page.body)
	}
	mustContain(t, page.body, `<option value="listing:articles"`, "Listing: Articles", `value="sidebar_first" selected`)
	cases := []struct {
		name   string
		values url.Values
		want   []string
	}{
		{"custom text without body", url.Values{"block": {"text"}, "title": {"Kept title"}, "body": {""}, "format": {"plain_text"},
			"region": {"footer"}, "weight": {"3"}, "visibility": {"except"}, "pages": {"/kept/*"}},
			[]string{"A custom text block needs a body.", `value="Kept title"`, "/kept/*", `value="footer" selected`, `value="3"`}},
		{"bad pattern", url.Values{"block": {"text"}, "title": {"T"}, "body": {"Body kept"}, "format": {"plain_text"},
			"region": {"footer"}, "weight": {"0"}, "visibility": {"only"}, "pages": {"/a b"}},
			[]string{"is not a path pattern", "Body kept"}},
		{"only without pages", url.Values{"block": {"listing:articles"}, "region": {"header"}, "format": {"plain_text"},
			"weight": {"0"}, "visibility": {"only"}, "pages": {""}},
			[]string{"List the pages the block shows on", `value="listing:articles" selected`}},
		{"no region", url.Values{"block": {"text"}, "body": {"x"}, "format": {"plain_text"}, "region": {""},
			"weight": {"0"}, "visibility": {"except"}}, []string{"Region field is required.", `name="body">x</textarea>`}},
		{"unknown listing", url.Values{"block": {"listing:nope"}, "region": {"header"}, "format": {"plain_text"},
			"weight": {"0"}, "visibility": {"except"}}, []string{"An illegal choice"}},
	}
	for _, tc := range cases {
		tc.values.Set("op", "Save block")
		r := admin.formPost(page, "/admin/structure/blocks/add", tc.values)
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422\n%s", tc.name, r.status, r.body)
			continue
		}
		mustContain(t, r.body, tc.want...)
	}
	list := admin.get("/admin/structure/blocks")
	mustNotContain(t, list.body, `data-testid="block-row-`)
}

var blockIDRe = regexp.MustCompile(`data-testid="block-row-([0-9a-f-]{36})"`)

// placeBlock submits the add form and returns the new block's id.
func placeBlock(t *testing.T, admin *client, values url.Values) string {
	t.Helper()
	before := blockIDRe.FindAllStringSubmatch(admin.get("/admin/structure/blocks").body, -1)
	page := admin.get("/admin/structure/blocks/add")
	values.Set("op", "Save block")
	r := admin.formPost(page, "/admin/structure/blocks/add", values)
	if r.status != http.StatusSeeOther {
		t.Fatalf("place block: status %d\n%s", r.status, r.body)
	}
	after := blockIDRe.FindAllStringSubmatch(admin.get("/admin/structure/blocks").body, -1)
	seen := map[string]bool{}
	for _, m := range before {
		seen[m[1]] = true
	}
	for _, m := range after {
		if !seen[m[1]] {
			return m[1]
		}
	}
	t.Fatal("the placed block is not in the admin list")
	return ""
}

func blocksText(t *testing.T, s *server.Server, admin *client) {
	id := placeBlock(t, admin, url.Values{"block": {"text"}, "title": {"About us"},
		"body": {`<p>We <em>write</em> <script>alert(1)</script><a href="javascript:alert(2)">x</a></p>`}, "format": {"basic_html"},
		"region": {"sidebar_first"}, "weight": {"5"}, "visibility": {"except"}, "pages": {"/user/*\n/articles"}, "enabled": {"1"}})
	anon := newClient(t, s)
	r := anon.get("/recent-pages")
	mustContain(t, r.body, `data-testid="region-sidebar_first"`, "with-sidebar-first", `<h2 class="block-title">About us</h2>`,
		"We <em>write</em>", `data-block-id="`+id+`"`)
	mustNotContain(t, r.body, "<script>alert(1)", "javascript:alert", `data-testid="region-footer"`)
	// Excluded paths: /articles exactly, /user/* below /user.
	for _, p := range []string{"/articles", "/user/login"} {
		mustNotContain(t, anon.get(p).body, "About us")
	}

	// A second block, lighter, comes first in the region.
	placeBlock(t, admin, url.Values{"block": {"text"}, "title": {"Lighter"}, "body": {"first"}, "format": {"plain_text"},
		"region": {"sidebar_first"}, "weight": {"-5"}, "visibility": {"only"}, "pages": {"/recent-*"}, "enabled": {"1"}})
	r = anon.get("/recent-pages")
	if a, b := strings.Index(r.body, "Lighter"), strings.Index(r.body, "About us"); a < 0 || b < 0 || a > b {
		t.Errorf("the lighter block is not above the heavier one (at %d and %d)", a, b)
	}
	mustNotContain(t, anon.get("/articles").body, "Lighter")

	// The layout form: bad input answers 422 with what was typed, nothing
	// saved; then the weights swap the two blocks.
	lighter := blockIDRe.FindAllStringSubmatch(admin.get("/admin/structure/blocks").body, -1)
	var lighterID string
	for _, m := range lighter {
		if m[1] != id {
			lighterID = m[1]
		}
	}
	layout := admin.get("/admin/structure/blocks")
	mustContain(t, layout.body, `name="weight.`+id+`" value="5"`, `name="region.`+lighterID+`"`, "Save blocks")
	r = admin.postForm("/admin/structure/blocks/order", url.Values{"csrf_token": {csrf(t, layout)},
		"region." + id: {"sidebar_first"}, "weight." + id: {"abc"}, "region." + lighterID: {"nowhere"}, "weight." + lighterID: {"9"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid layout: status %d", r.status)
	}
	mustContain(t, r.body, `value="abc"`, "The weight must be a whole number.", `data-testid="form-errors"`)
	r = admin.postForm("/admin/structure/blocks/order", url.Values{"csrf_token": {csrf(t, layout)},
		"region." + id: {"sidebar_first"}, "weight." + id: {"1"}, "region." + lighterID: {"nowhere"}, "weight." + lighterID: {"9"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("layout with an unknown region: status %d", r.status)
	}
	mustContain(t, r.body, "Choose a region of the theme.", `value="9"`)
	body := anon.get("/recent-pages").body
	if strings.Index(body, "Lighter") > strings.Index(body, "About us") {
		t.Error("a refused layout changed the order")
	}
	r = admin.postForm("/admin/structure/blocks/order", url.Values{"csrf_token": {csrf(t, layout)},
		"region." + id: {"sidebar_first"}, "weight." + id: {"-10"}, "region." + lighterID: {"sidebar_first"}, "weight." + lighterID: {"10"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("save layout: status %d\n%s", r.status, r.body)
	}
	body = anon.get("/recent-pages").body
	if a, b := strings.Index(body, "About us"), strings.Index(body, "Lighter"); a < 0 || b < 0 || a > b {
		t.Errorf("after the layout save About us (at %d) is not above Lighter (at %d)", a, b)
	}
	// The second block leaves for the footer through the layout form.
	r = admin.postForm("/admin/structure/blocks/order", url.Values{"csrf_token": {csrf(t, layout)},
		"region." + id: {"sidebar_first"}, "weight." + id: {"-10"}, "region." + lighterID: {"footer"}, "weight." + lighterID: {"10"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("move to the footer: status %d", r.status)
	}
	body = anon.get("/recent-pages").body
	footer := body[strings.Index(body, `data-testid="region-footer"`):]
	mustContain(t, footer, "Lighter")

	// Disable: gone from pages, listed under Disabled; enable again.
	list := admin.get("/admin/structure/blocks")
	r = admin.postForm("/admin/structure/blocks/"+id+"/toggle", url.Values{"csrf_token": {csrf(t, list)}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("toggle: status %d\n%s", r.status, r.body)
	}
	mustNotContain(t, anon.get("/recent-pages").body, "About us")
	mustContain(t, admin.get("/admin/structure/blocks").body, `id="region-disabled"`)
	// Without the CSRF token a state change is refused.
	if r := admin.postForm("/admin/structure/blocks/"+id+"/toggle", url.Values{}); r.status != http.StatusForbidden {
		t.Errorf("toggle without CSRF token: status %d, want 403", r.status)
	}
	admin.postForm("/admin/structure/blocks/"+id+"/toggle", url.Values{"csrf_token": {csrf(t, list)}})
	mustContain(t, anon.get("/recent-pages").body, "About us")

	// Configure: move it to the footer.
	edit := admin.get("/admin/structure/blocks/" + id + "/edit")
	mustContain(t, edit.body, `value="About us"`, "/user/*")
	r = admin.formPost(edit, "/admin/structure/blocks/"+id+"/edit", url.Values{"block": {"text"}, "title": {"About us"},
		"body": {"Moved"}, "format": {"plain_text"}, "region": {"footer"}, "weight": {"0"}, "visibility": {"except"},
		"pages": {""}, "enabled": {"1"}, "op": {"Save block"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("edit: status %d\n%s", r.status, r.body)
	}
	r = anon.get("/articles")
	mustContain(t, r.body, `data-testid="region-footer"`, "Moved")

	// Delete after the confirmation.
	confirm := admin.get("/admin/structure/blocks/" + id + "/delete")
	mustContain(t, confirm.body, "Remove the block About us")
	r = admin.postForm("/admin/structure/blocks/"+id+"/delete", url.Values{"csrf_token": {csrf(t, confirm)}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("delete: status %d", r.status)
	}
	mustNotContain(t, anon.get("/articles").body, "About us")
}

func blocksListing(t *testing.T, s *server.Server, admin *client) {
	placeBlock(t, admin, url.Values{"block": {"listing:articles"}, "title": {""}, "format": {"plain_text"},
		"region": {"content_bottom"}, "weight": {"0"}, "visibility": {"except"}, "pages": {"/articles"}, "enabled": {"1"}})
	anon := newClient(t, s)
	r := anon.get("/recent-pages")
	mustContain(t, r.body, `data-testid="region-content_bottom"`, `<h2 class="block-title">Latest articles</h2>`,
		`data-testid="block-gather-articles"`, `href="/articles"`, "All articles")
	block := r.body[strings.Index(r.body, `data-testid="region-content_bottom"`):]
	// Only the first 2 rows, no exposed form, no pager; the newest
	// published articles.
	if got := strings.Join(rowTitles(block), ","); got != "Food 2,Food 1" {
		t.Errorf("anonymous block rows %q", got)
	}
	mustNotContain(t, block, "Go draft", "gather-exposed-form", "?page=1")
	// Not on the excluded path.
	mustNotContain(t, anon.get("/articles").body, "block-gather-articles")
	// The admin sees the unpublished draft (the newest article), as on the page.
	r = admin.get("/recent-pages")
	block = r.body[strings.Index(r.body, `data-testid="region-content_bottom"`):]
	if got := strings.Join(rowTitles(block), ","); got != "Go draft,Food 2" {
		t.Errorf("admin block rows %q", got)
	}
	// Query parameters of the page never reach the block's filters.
	r = anon.get("/recent-pages?year=2023&field_tags=x")
	block = r.body[strings.Index(r.body, `data-testid="region-content_bottom"`):]
	if got := strings.Join(rowTitles(block), ","); got != "Food 2,Food 1" {
		t.Errorf("block rows with a query string %q", got)
	}
	// Stage-aware like the page: an item created in a stage heads the
	// block for an editor working in that stage, and nobody else.
	ctx := t.Context()
	if err := s.Stages.Create(ctx, stage.Stage{ID: "spring", Label: "Spring"}); err != nil {
		t.Fatal(err)
	}
	chain, err := s.Stages.Chain(ctx, "spring")
	if err != nil {
		t.Fatal(err)
	}
	acct, err := s.Users.LoadByName(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	typ, err := s.Items.GetType(ctx, "article")
	if err != nil {
		t.Fatal(err)
	}
	published, created := true, time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	if _, err := s.Items.Create(web.WithStage(ctx, chain), acct, typ, item.Input{Title: "Staged news", Status: &published, Created: &created}); err != nil {
		t.Fatal(err)
	}
	editor := newClient(t, s)
	editor.login("admin", adminPassword)
	switched := editor.postForm("/admin/stages/switch", url.Values{"csrf_token": {csrf(t, editor.get("/admin/stages"))}, "stage": {"spring"}})
	if switched.status != http.StatusSeeOther {
		t.Fatalf("switch stage: %d", switched.status)
	}
	r = editor.get("/recent-pages")
	block = r.body[strings.Index(r.body, `data-testid="region-content_bottom"`):]
	if got := strings.Join(rowTitles(block), ","); got != "Staged news,Go draft" {
		t.Errorf("block rows in the stage %q", got)
	}
	mustNotContain(t, anon.get("/recent-pages").body, "Staged news")

	// The listing loses its block display: the block shows nothing at once.
	def := articlesListing
	if err := s.Gather.Save(t.Context(), "articles", "Articles", &def); err != nil {
		t.Fatal(err)
	}
	r = anon.get("/recent-pages")
	mustNotContain(t, r.body, "block-gather-articles", `data-testid="region-content_bottom"`)
	mustContain(t, admin.get("/admin/structure/blocks").body, "no block display")
}
