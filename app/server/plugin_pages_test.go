package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"
)

// The Phase 2 gate, end to end through the HTTP server with the real blog
// wasm: the blog plugin registers /blog through tap_menu, its page callback
// lists recent posts through the item query host function (visitor access
// applied: drafts only for those who may see them), reads their fields by
// handle, and returns a render element the kernel sanitizes and renders in
// the visitor theme. Disabling the plugin removes the route at once;
// enabling it brings it back, without a restart.
func TestBlogRouteServedByThePlugin(t *testing.T) {
	s := newSite(t)
	admin := newClient(t, s)
	admin.login("admin", adminPassword)
	tok := token(t, s, "admin")
	for _, body := range []string{
		`{"title":"Published post","fields":{"field_summary":{"value":"What the post is about"},"field_tags_text":[{"value":"go"},{"value":"wasm"}]}}`,
		`{"title":"Draft post","status":false,"fields":{"field_summary":{"value":"Not yet"}}}`,
	} {
		if r := admin.postJSON("/item/add/blog", tok, body); r.status != http.StatusCreated && r.status != http.StatusOK {
			t.Fatalf("create blog post: %d %s", r.status, r.body)
		}
	}
	anon := newClient(t, s)
	r := anon.get("/blog")
	if r.status != http.StatusOK {
		t.Fatalf("GET /blog: %d\n%s", r.status, r.body)
	}
	mustContain(t, r.body, "<title>Blog", `class="plugin-page plugin-page--blog`, "blog-list", ">Published post</a>",
		"What the post is about", `href="/item/`)
	mustNotContain(t, r.body, "Draft post")
	// The blog's menu link is in the theme's main navigation on every page.
	menuLink := `<a href="/blog" data-testid="menu-link">Blog</a>`
	mustContain(t, anon.get("/recent-pages").body, menuLink)
	// The administrator sees drafts, as in listings.
	mustContain(t, admin.get("/blog").body, "Published post", "Draft post")

	// Path arguments reach the callback; a trailing slash is the same page.
	r = anon.get("/blog/tag/go")
	mustContain(t, r.body, "Blog posts about go", "Published post")
	mustContain(t, anon.get("/blog/tag/rust/").body, "No blog posts about rust yet.")
	// Unknown paths under the route's prefix are not the plugin's.
	if r := anon.get("/blog/tag"); r.status != http.StatusNotFound {
		t.Errorf("GET /blog/tag: %d, want 404", r.status)
	}

	// Disable: the route is gone at once; enable: it is back.
	list := admin.get("/admin/plugins")
	if r := admin.postForm("/admin/plugins/blog/disable", url.Values{"csrf_token": {csrf(t, list)}}); r.status != http.StatusSeeOther {
		t.Fatalf("disable blog: %d\n%s", r.status, r.body)
	}
	if r := anon.get("/blog"); r.status != http.StatusNotFound {
		t.Errorf("GET /blog with blog disabled: %d, want 404", r.status)
	}
	if links := s.Plugins.MenuLinks("main"); len(links) != 0 {
		t.Errorf("menu links with blog disabled: %+v", links)
	}
	mustNotContain(t, anon.get("/recent-pages").body, menuLink)
	if r := admin.postForm("/admin/plugins/blog/enable", url.Values{"csrf_token": {csrf(t, list)}}); r.status != http.StatusSeeOther {
		t.Fatalf("enable blog: %d\n%s", r.status, r.body)
	}
	mustContain(t, anon.get("/blog").body, "Published post")
	if links := s.Plugins.MenuLinks("main"); len(links) != 1 || links[0].Path != "/blog" || links[0].Title != "Blog" {
		t.Errorf("menu links = %+v, want the Blog link", links)
	}

	// tap_preprocess from the real item display: the blog plugin adds a
	// class, a data attribute and a "min read" child to full post pages.
	r = admin.postJSON("/item/add/blog", tok, `{"title":"Timed post","fields":{"field_summary":{"value":"Short"}}}`)
	itemURL, _ := r.json(t)["url"].(string)
	if itemURL == "" {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	page := anon.get(itemURL)
	mustContain(t, page.body, "1 min read", `class="blog-reading-time"`)
	if !readingMinutes.MatchString(page.body) {
		t.Errorf("the item element lacks the preprocess class and attribute:\n%s", page.body)
	}
	// Pages are not blog posts: nothing is added.
	r = admin.postJSON("/item/add/page", tok, `{"title":"Plain page"}`)
	mustNotContain(t, anon.get(r.json(t)["url"].(string)).body, "min read", "blog--reading-time")
}

var readingMinutes = regexp.MustCompile(`<div[^>]*class="item item--blog item--full[^"]*blog--reading-time"[^>]*data-reading-minutes="1"`)
