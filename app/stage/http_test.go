package stage_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/trovato/trovato/app/server"
	"github.com/trovato/trovato/app/stage"
)

// client drives the in-process app like a browser: it keeps cookies.
type client struct {
	t       *testing.T
	s       *server.Server
	cookies map[string]string
	bearer  string
}

func newClient(t *testing.T, s *server.Server) *client {
	return &client{t: t, s: s, cookies: map[string]string{}}
}

type response struct {
	status int
	header http.Header
	body   string
}

func (c *client) do(method, target string, body io.Reader, header map[string]string) response {
	c.t.Helper()
	req := httptest.NewRequest(method, target, body)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := c.s.App.Test(req, -1)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, ck := range resp.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" || (!ck.Expires.IsZero() && ck.Expires.Before(time.Now())) {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func (c *client) get(target string) response { return c.do("GET", target, nil, nil) }

func (c *client) getJSON(target string) response {
	return c.do("GET", target, nil, map[string]string{"Accept": "application/json"})
}

func (c *client) postForm(target string, values url.Values) response {
	return c.do("POST", target, strings.NewReader(values.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf returns a CSRF token of the client's session.
func (c *client) csrf() string {
	c.t.Helper()
	page := c.get("/user/login")
	if page.status != 200 {
		page = c.get("/admin/stages")
	}
	m := csrfInput.FindStringSubmatch(page.body)
	if m == nil {
		c.t.Fatalf("no csrf_token input in page:\n%s", page.body)
	}
	return m[1]
}

func (c *client) login(name, pass string) {
	c.t.Helper()
	r := c.postForm("/user/login", url.Values{"csrf_token": {c.csrf()}, "name": {name}, "pass": {pass}})
	if r.status != http.StatusSeeOther {
		c.t.Fatalf("login as %s: status %d\n%s", name, r.status, r.body)
	}
}

// post sends a form with the session's CSRF token.
func (c *client) post(target string, values url.Values) response {
	c.t.Helper()
	if values == nil {
		values = url.Values{}
	}
	values.Set("csrf_token", c.csrfFrom(target))
	return c.postForm(target, values)
}

func (c *client) csrfFrom(string) string {
	m := csrfInput.FindStringSubmatch(c.get("/admin/stages").body)
	if m == nil {
		return c.csrf()
	}
	return m[1]
}

func mustContain(t *testing.T, what string, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q:\n%.3000s", what, w, body)
		}
	}
}

func mustNotContain(t *testing.T, what string, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("%s contains %q", what, w)
		}
	}
}

// stagedSite has a stage "spring" (public preview) in which About us was
// retitled "About us SECRETSTAGE" and "Secret sale" was created, and an
// internal stage "internal" with its own secret; ed is an editor who may
// use stages and edit pages, vic an account without stage permissions.
func stagedSite(t *testing.T) (*fixture, string, string) {
	f := newFixture(t)
	ctx := context.Background()
	if err := f.s.Stages.Create(ctx, stage.Stage{ID: "spring", Label: "Spring campaign", Visibility: stage.PublicPreview}); err != nil {
		t.Fatal(err)
	}
	f.addStage("internal", "Internal", "")
	about := f.mustFind(ctx, "About us")
	f.edit(f.in("spring"), about, "About us SECRETSTAGE", "x")
	created := f.create(f.in("spring"), "Secret sale")
	f.edit(f.in("internal"), f.mustFind(ctx, "Themes"), "Themes INTERNALSECRET", "x")
	for _, u := range []struct{ name, role string }{{"ed", "editor"}, {"vic", ""}} {
		id, err := f.s.Users.Create(ctx, u.name, u.name+"-password", false)
		if err != nil {
			t.Fatal(err)
		}
		if u.role != "" {
			if err := f.s.Users.AddRole(ctx, id, u.role); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, p := range []string{"edit any page content", "delete any page content"} {
		if err := f.s.Users.Grant(ctx, "editor", p); err != nil {
			t.Fatal(err)
		}
	}
	return f, about.URL(), created.URL()
}

// TestLeakMatrix: anonymous / account without stage permission / editor /
// admin × Live / stage × item page / admin list / Gather / JSON API. Stage
// content shows only to accounts that switched to the stage (and through
// valid preview links, TestPreviewLink).
func TestLeakMatrix(t *testing.T) {
	t.Parallel()
	f, aboutURL, createdURL := stagedSite(t)
	secrets := []string{"SECRETSTAGE", "Secret sale", "INTERNALSECRET"}

	users := map[string]*client{"anonymous": newClient(t, f.s), "vic": newClient(t, f.s), "ed": newClient(t, f.s), "admin": newClient(t, f.s)}
	users["vic"].login("vic", "vic-password")
	users["ed"].login("ed", "ed-password")
	users["admin"].login("admin", adminPassword)

	// Accounts without the permission cannot switch.
	for _, name := range []string{"anonymous", "vic"} {
		c := users[name]
		r := c.postForm("/admin/stages/switch", url.Values{"csrf_token": {c.csrf()}, "stage": {"spring"}})
		if r.status != http.StatusForbidden && r.status != http.StatusSeeOther {
			t.Errorf("%s switching stage: status %d", name, r.status)
		}
		if r.status == http.StatusSeeOther && !strings.HasPrefix(r.header.Get("Location"), "/user/login") {
			t.Errorf("%s switching stage went to %s", name, r.header.Get("Location"))
		}
	}

	check := func(who, where string, c *client, inStage bool) {
		t.Helper()
		label := who + " in " + where
		item := c.get(aboutURL)
		listing := c.get("/recent-pages")
		api := c.getJSON(aboutURL)
		created := c.get(createdURL)
		if inStage {
			mustContain(t, label+" item page", item.body, "About us SECRETSTAGE")
			// The newest item heads the listing (About us is on a later page).
			mustContain(t, label+" listing", listing.body, "Secret sale")
			mustContain(t, label+" JSON", api.body, "About us SECRETSTAGE")
			if created.status != 200 {
				t.Errorf("%s: created item status %d, want 200", label, created.status)
			}
			if item.header.Get("X-Robots-Tag") != "noindex" {
				t.Errorf("%s: stage page lacks X-Robots-Tag noindex", label)
			}
			mustNotContain(t, label+" item page", item.body+listing.body, "INTERNALSECRET")
		} else {
			for _, r := range []struct {
				what string
				resp response
			}{{"item page", item}, {"listing", listing}, {"JSON", api}} {
				mustNotContain(t, label+" "+r.what, r.resp.body, secrets...)
			}
			if created.status != http.StatusNotFound {
				t.Errorf("%s: stage-created item status %d, want 404", label, created.status)
			}
		}
		admin := c.get("/admin/content")
		switch who {
		case "anonymous":
			if admin.status != http.StatusSeeOther {
				t.Errorf("%s admin list status %d", label, admin.status)
			}
		case "vic":
			if admin.status != http.StatusForbidden {
				t.Errorf("%s admin list status %d", label, admin.status)
			}
		default:
			if inStage {
				mustContain(t, label+" admin list", admin.body, "About us SECRETSTAGE", "Secret sale", `data-testid="stage-banner"`)
			} else {
				mustNotContain(t, label+" admin list", admin.body, append(secrets, `data-testid="stage-banner"`)...)
				mustContain(t, label+" admin list", admin.body, "About us")
			}
		}
	}
	for _, who := range []string{"anonymous", "vic", "ed", "admin"} {
		check(who, "Live", users[who], false)
	}
	for _, who := range []string{"ed", "admin"} {
		c := users[who]
		r := c.postForm("/admin/stages/switch", url.Values{"csrf_token": {c.csrf()}, "stage": {"spring"}, "destination": {"/admin/content"}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/admin/content" {
			t.Fatalf("%s switching to spring: %d %s", who, r.status, r.header.Get("Location"))
		}
		check(who, "stage", c, true)
	}
	// An API token reads Live even for an account whose session is in a stage.
	tok, err := f.s.Users.CreateToken(context.Background(), mustID(t, f, "admin"), "test")
	if err != nil {
		t.Fatal(err)
	}
	api := &client{t: t, s: f.s, cookies: users["admin"].cookies, bearer: tok}
	r := api.getJSON(aboutURL)
	var body map[string]any
	if err := json.Unmarshal([]byte(r.body), &body); err != nil || body["title"] != "About us" {
		t.Errorf("token JSON read of About us = %s, want Live", r.body)
	}
	// Back to Live: secrets gone again.
	c := users["ed"]
	c.postForm("/admin/stages/switch", url.Values{"csrf_token": {c.csrf()}, "stage": {"live"}})
	check("ed", "Live again", c, false)
}

func mustID(t *testing.T, f *fixture, name string) [16]byte {
	acct, err := f.s.Users.LoadByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return acct.ID
}

// TestPreviewLink: a preview link lets a browser without an account read a
// public-preview stage (read-only, noindex); tampered links are 403,
// expired ones 410, internal stages need an account that may use stages.
func TestPreviewLink(t *testing.T) {
	t.Parallel()
	f, aboutURL, createdURL := stagedSite(t)
	admin := newClient(t, f.s)
	admin.login("admin", adminPassword)
	r := admin.post("/admin/stages/spring/preview-link", nil)
	m := regexp.MustCompile(`value="(http[^"]*/stage-preview/[^"]+)"`).FindStringSubmatch(r.body)
	if r.status != 200 || m == nil {
		t.Fatalf("preview link page: %d\n%s", r.status, r.body)
	}
	link, _ := url.Parse(m[1])

	anon := newClient(t, f.s)
	r = anon.get(link.Path)
	if r.status != http.StatusSeeOther || anon.cookies[stage.PreviewCookie] == "" {
		t.Fatalf("opening the preview link: %d, cookies %v", r.status, anon.cookies)
	}
	item := anon.get(aboutURL)
	mustContain(t, "preview item page", item.body, "About us SECRETSTAGE", `<meta name="robots" content="noindex"`, "Preview of stage Spring campaign")
	if item.header.Get("X-Robots-Tag") != "noindex" {
		t.Errorf("preview lacks X-Robots-Tag: %v", item.header)
	}
	mustContain(t, "preview listing", anon.get("/recent-pages").body, "Secret sale")
	if r := anon.get(createdURL); r.status != 200 {
		t.Errorf("preview of the created item: %d", r.status)
	}
	mustNotContain(t, "preview", item.body, "INTERNALSECRET")
	// Leaving the preview: Live again.
	anon.get("/stage-preview/exit")
	mustNotContain(t, "after leaving the preview", anon.get(aboutURL).body, "SECRETSTAGE")

	// A logged-in account without stage permissions may preview but not write.
	ed := newClient(t, f.s)
	ed.login("vic", "vic-password")
	ed.get(link.Path)
	mustContain(t, "vic's preview", ed.get(aboutURL).body, "SECRETSTAGE")

	// Bad links.
	bad := newClient(t, f.s)
	if r := bad.get(link.Path + "x"); r.status != http.StatusForbidden {
		t.Errorf("tampered link: %d", r.status)
	}
	past, err := f.s.Stages.PreviewToken(context.Background(), "spring", time.Now().Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if r := bad.get("/stage-preview/" + past); r.status != http.StatusGone || !strings.Contains(r.body, "expired") {
		t.Errorf("expired link: %d", r.status)
	}
	internal, _ := f.s.Stages.PreviewToken(context.Background(), "internal", time.Now().Add(time.Hour))
	if r := bad.get("/stage-preview/" + internal); r.status != http.StatusForbidden {
		t.Errorf("internal stage link for anonymous: %d", r.status)
	}
	mustNotContain(t, "after bad links", bad.get(aboutURL).body, "SECRETSTAGE", "INTERNALSECRET")
}

// TestStageAdminFlow: add a stage (bad input keeps values, 422), switch to
// it, edit an item, review the diff, publish with a conflict (409 and the
// per-item choice), overwrite, and refuse editing Live as a stage.
func TestStageAdminFlow(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := newClient(t, f.s)
	admin.login("admin", adminPassword)

	r := admin.post("/admin/stages/add", url.Values{"form_id": {"stage_add"}, "label": {"Spring campaign"}, "id": {"Bad Name!"},
		"description": {"kept value"}, "parent": {"live"}, "visibility": {"internal"}, "op": {"Save stage"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad machine name: %d\n%s", r.status, r.body)
	}
	mustContain(t, "422 form", r.body, "kept value", "machine name must start with a letter")
	addForm := admin.get("/admin/stages/add")
	build := regexp.MustCompile(`name="form_build_id" value="([^"]+)"`).FindStringSubmatch(addForm.body)
	v := url.Values{"form_id": {"stage_add"}, "label": {"Spring campaign"}, "id": {""}, "description": {""},
		"parent": {"live"}, "visibility": {"public_preview"}, "op": {"Save stage"}}
	if build != nil {
		v.Set("form_build_id", build[1])
	}
	if r := admin.post("/admin/stages/add", v); r.status != http.StatusSeeOther {
		t.Fatalf("add stage: %d\n%s", r.status, r.body)
	}
	mustContain(t, "stages list", admin.get("/admin/stages").body, "Spring campaign", "spring_campaign")

	admin.post("/admin/stages/switch", url.Values{"stage": {"spring_campaign"}})
	ctx := context.Background()
	about := f.mustFind(ctx, "About us")
	f.edit(f.in("spring_campaign"), about, "About us (spring)", "Spring subtitle")
	f.edit(ctx, about, "About us (live)", "Live subtitle")

	review := admin.get("/admin/stages/spring_campaign")
	mustContain(t, "review", review.body, "About us (spring)", "Spring subtitle", "Live changed since",
		"data-testid=\"diff-"+about.ID.String()+"-title\"")

	r = admin.post("/admin/stages/spring_campaign/publish", url.Values{"op": {"all"}})
	if r.status != http.StatusConflict {
		t.Fatalf("publish with a conflict: %d\n%s", r.status, r.body)
	}
	mustContain(t, "conflict page", r.body, "Live changed since these items were copied", "Overwrite Live", "edited in Live by admin")
	seen := regexp.MustCompile(`name="seen-` + about.ID.String() + `" value="([^"]+)"`).FindStringSubmatch(r.body)
	if seen == nil {
		t.Fatalf("conflict form lacks the seen revision")
	}
	r = admin.post("/admin/stages/spring_campaign/publish", url.Values{"op": {"publish"},
		"decision-" + about.ID.String(): {"overwrite"}, "seen-" + about.ID.String(): {seen[1]}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("publish with overwrite: %d\n%s", r.status, r.body)
	}
	if it, _ := f.s.Items.Load(ctx, about.ID); it.Title != "About us (spring)" {
		t.Errorf("Live title after publish = %q", it.Title)
	}
	if r := admin.get("/admin/stages/live/edit"); r.status != http.StatusNotFound {
		t.Errorf("editing Live as a stage: %d", r.status)
	}
	if r := admin.post("/admin/stages/live/delete", nil); r.status != http.StatusNotFound {
		t.Errorf("deleting Live: %d", r.status)
	}
	// Discard asks first, then empties the stage.
	f.edit(f.in("spring_campaign"), about, "About us (again)", "x")
	mustContain(t, "discard confirmation", admin.get("/admin/stages/spring_campaign/discard").body, "Discard all 1 change(s)")
	if r := admin.post("/admin/stages/spring_campaign/discard", url.Values{"confirm": {"1"}}); r.status != http.StatusSeeOther {
		t.Errorf("discard: %d", r.status)
	}
	if n, _ := f.s.Stages.Changes(ctx, "spring_campaign"); n != 0 {
		t.Errorf("changes after discard: %d", n)
	}
}
