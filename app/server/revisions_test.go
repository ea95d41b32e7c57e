package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/trovato/trovato/app/field"
	"github.com/trovato/trovato/app/item"
	"github.com/trovato/trovato/app/server"
)

// revisionPage creates a page through the JSON API and edits it twice, so
// it has three revisions; the page type gets a long text Body field first.
// It returns the item path and the revision ids, oldest first.
func revisionPage(t *testing.T, s *server.Server) (string, []uuid.UUID) {
	t.Helper()
	ctx := context.Background()
	if err := s.Items.SaveField(ctx, "page", field.Def{Name: "field_body", Type: field.TypeTextLong, Label: "Body"}); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, s)
	tok := token(t, s, "admin")
	r := c.postJSON("/item/add/page", tok, `{"title":"Revision one","log":"First draft",
		"fields":{"field_subtitle":{"value":"Kept subtitle"},"field_body":{"value":"The quick brown fox jumps over the lazy dog.\nSecond line stays.","format":"plain_text"}}}`)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	path := r.json(t)["url"].(string)
	edits := []string{
		`{"title":"Revision two","log":"Fixed the title",
			"fields":{"field_subtitle":{"value":"Kept subtitle"},"field_body":{"value":"The quick brown fox jumps over the lazy dog.\nSecond line stays.","format":"plain_text"}}}`,
		`{"title":"Revision <three>","log":"Rewrote the body",
			"fields":{"field_subtitle":{"value":"Kept subtitle"},"field_body":{"value":"The slow brown fox jumps over the sleepy dog.\nSecond line stays.","format":"plain_text"}}}`,
	}
	for i, body := range edits {
		if r := c.postJSON(path+"/edit", tok, body); r.status != http.StatusOK {
			t.Fatalf("edit %d: %d %s", i+1, r.status, r.body)
		}
	}
	revs, _, err := s.Items.ListRevisions(ctx, mustUUID(t, strings.TrimPrefix(path, "/item/")), 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 3 {
		t.Fatalf("%d revisions, want 3", len(revs))
	}
	return path, []uuid.UUID{revs[2].ID, revs[1].ID, revs[0].ID}
}

// Issue 4: the revision list, the comparison of two revisions, and revert.
func TestRevisionListCompareRevert(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	path, revs := revisionPage(t, s)
	c := newClient(t, s)
	c.login("admin", adminPassword)

	t.Run("list", func(t *testing.T) {
		r := c.get(path + "/revisions")
		if r.status != http.StatusOK {
			t.Fatalf("status %d", r.status)
		}
		mustContain(t, r.body, "Revisions for Revision &lt;three&gt;", "First draft", "Fixed the title", "Rewrote the body",
			`data-testid="current-revision"`, "Compare selected revisions", `action="`+path+`/revisions/compare"`,
			`name="a" value="`+revs[1].String()+`" checked`, `name="b" value="`+revs[2].String()+`" checked`)
		// Newest first.
		i1, i2, i3 := strings.Index(r.body, "First draft"), strings.Index(r.body, "Fixed the title"), strings.Index(r.body, "Rewrote the body")
		if !(i3 < i2 && i2 < i1) {
			t.Errorf("revisions not newest first: %d %d %d", i3, i2, i1)
		}
		// Revert links for the older two only.
		mustContain(t, r.body, path+"/revisions/"+revs[0].String()+"/revert", path+"/revisions/"+revs[1].String()+"/revert")
		mustNotContain(t, r.body, path+"/revisions/"+revs[2].String()+"/revert")
		if n := strings.Count(r.body, `data-testid="current-revision"`); n != 1 {
			t.Errorf("%d current markers, want 1", n)
		}
	})

	t.Run("list as JSON", func(t *testing.T) {
		r := c.do("GET", path+"/revisions", nil, map[string]string{"Accept": "application/json"})
		list, _ := r.json(t)["revisions"].([]any)
		if r.status != 200 || len(list) != 3 {
			t.Fatalf("status %d, %d revisions: %s", r.status, len(list), r.body)
		}
		first := list[0].(map[string]any)
		if first["id"] != revs[2].String() || first["current"] != true || first["log"] != "Rewrote the body" {
			t.Errorf("newest revision = %v", first)
		}
	})

	t.Run("compare", func(t *testing.T) {
		// The order of a and b does not matter: older → newer.
		for _, q := range []string{"?a=" + revs[0].String() + "&b=" + revs[2].String(), "?a=" + revs[2].String() + "&b=" + revs[0].String()} {
			r := c.get(path + "/revisions/compare" + q)
			if r.status != http.StatusOK {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			mustContain(t, r.body,
				"<del>Revision one</del>", "<ins>Revision &lt;three&gt;</ins>", // the title, short: old → new, escaped
				`data-testid="diff-field_body"`, "<del>quick</del><ins>slow</ins>", "<del>lazy</del><ins>sleepy</ins>", // the body, a word diff
				"Second line stays.", "Not shown because they did not change", "Subtitle", "First draft", "Rewrote the body")
			mustNotContain(t, r.body, "<three>", "Kept subtitle")
			if strings.Index(r.body, "First draft") > strings.Index(r.body, "Rewrote the body") {
				t.Error("the older revision is not shown first")
			}
		}
		same := c.get(path + "/revisions/compare?a=" + revs[1].String() + "&b=" + revs[1].String())
		mustContain(t, same.body, "the same revision twice")
		for q, want := range map[string]int{
			"":                              422,
			"?a=" + revs[0].String():        422,
			"?a=nope&b=" + revs[0].String(): 404,
			"?a=" + uuid.NewString() + "&b=" + revs[0].String(): 404,
		} {
			if r := c.get(path + "/revisions/compare" + q); r.status != want {
				t.Errorf("compare%s: %d, want %d", q, r.status, want)
			}
		}
	})

	t.Run("revert", func(t *testing.T) {
		confirmURL := path + "/revisions/" + revs[0].String() + "/revert"
		page := c.get(confirmURL)
		if page.status != http.StatusOK {
			t.Fatalf("confirm: %d", page.status)
		}
		mustContain(t, page.body, "Revert to the revision from", "A new revision will be created", "Revision one")
		r := c.postForm(confirmURL, url.Values{"csrf_token": {csrf(t, page)}, "confirm": {"1"}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != path+"/revisions" {
			t.Fatalf("revert: %d → %q\n%s", r.status, r.header.Get("Location"), r.body)
		}
		list := c.get(path + "/revisions")
		mustContain(t, list.body, "has been reverted to the revision from", "Copy of the revision from")

		id := mustUUID(t, strings.TrimPrefix(path, "/item/"))
		all, _, err := s.Items.ListRevisions(ctx, id, 0, 50)
		if err != nil || len(all) != 4 {
			t.Fatalf("%d revisions (%v), want 4", len(all), err)
		}
		newest, err := s.Items.LoadRevision(ctx, id, all[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		first, err := s.Items.LoadRevision(ctx, id, revs[0])
		if err != nil {
			t.Fatal(err)
		}
		if newest.ID == first.ID || newest.Title != first.Title || newest.Status != first.Status {
			t.Errorf("revision 4 = %+v, want a copy of revision 1 %+v", newest, first)
		}
		if d := cmp.Diff(first.Fields, newest.Fields); d != "" {
			t.Errorf("revision 4 fields differ from revision 1 (-1 +4):\n%s", d)
		}
		if !strings.HasPrefix(newest.Log, "Copy of the revision from ") {
			t.Errorf("log = %q", newest.Log)
		}
		it, err := s.Items.Load(ctx, id)
		if err != nil || it.RevisionID != newest.ID || it.Title != "Revision one" {
			t.Fatalf("item after revert = %+v (%v)", it, err)
		}
		view := c.get(path)
		mustContain(t, view.body, "Revision one", "The quick brown fox")
		mustNotContain(t, view.body, "sleepy")
		// Older revisions are untouched.
		third, err := s.Items.LoadRevision(ctx, id, revs[2])
		if err != nil || third.Title != "Revision <three>" {
			t.Errorf("revision 3 after revert = %+v (%v)", third, err)
		}
		// The current revision cannot be "reverted to".
		if r := c.get(path + "/revisions/" + newest.ID.String() + "/revert"); r.status != http.StatusConflict {
			t.Errorf("revert to the current revision: %d, want 409", r.status)
		}
	})

	t.Run("unknown item or revision", func(t *testing.T) {
		for _, p := range []string{
			"/item/" + uuid.NewString() + "/revisions",
			"/item/not-a-uuid/revisions",
			path + "/revisions/" + uuid.NewString() + "/revert",
			path + "/revisions/nope/revert",
		} {
			if r := c.get(p); r.status != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", p, r.status)
			}
		}
		// A revision of another item is not found through this one.
		other := newClient(t, s).postJSON("/item/add/page", token(t, s, "admin"), `{"title":"Other"}`)
		otherPath := other.json(t)["url"].(string)
		if r := c.get(otherPath + "/revisions/" + revs[0].String() + "/revert"); r.status != http.StatusNotFound {
			t.Errorf("revision of another item: %d, want 404", r.status)
		}
	})
}

// Who may see and revert revisions: "view <type> revisions" and "revert
// <type> revisions" (with edit access), or "administer content".
func TestRevisionAccess(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	path, revs := revisionPage(t, s)
	if _, err := s.Pool.Exec(ctx, `INSERT INTO roles (name, label) VALUES ('reviewer', 'Reviewer')`); err != nil {
		t.Fatal(err)
	}
	if err := s.Users.Grant(ctx, "reviewer", item.ViewRevisionsPermission("page")); err != nil {
		t.Fatal(err)
	}
	for name, role := range map[string]string{"vic": "", "rita": "reviewer", "ed": "editor"} {
		id, err := s.Users.Create(ctx, name, name+"-password", false)
		if err != nil {
			t.Fatal(err)
		}
		if role != "" {
			if err := s.Users.AddRole(ctx, id, role); err != nil {
				t.Fatal(err)
			}
		}
	}
	clients := map[string]*client{"anonymous": newClient(t, s)}
	for _, u := range []string{"vic", "rita", "ed"} {
		clients[u] = newClient(t, s)
		clients[u].login(u, u+"-password")
	}
	list := path + "/revisions"
	compare := path + "/revisions/compare?a=" + revs[0].String() + "&b=" + revs[2].String()
	revert := path + "/revisions/" + revs[0].String() + "/revert"
	const ok, denied, login = 200, 403, 303
	want := map[string][3]int{ // list, compare, revert confirmation
		"anonymous": {login, login, login},
		"vic":       {denied, denied, denied},
		"rita":      {ok, ok, denied},
		"ed":        {ok, ok, ok},
	}
	for who, cells := range want {
		for i, p := range []string{list, compare, revert} {
			if got := clients[who].get(p).status; got != cells[i] {
				t.Errorf("%s GET %s: %d, want %d", who, p, got, cells[i])
			}
		}
	}
	// Rita sees no revert links; a forged POST is refused too.
	mustNotContain(t, clients["rita"].get(list).body, "/revert")
	page := clients["rita"].get(list)
	if r := clients["rita"].postForm(revert, url.Values{"csrf_token": {csrf(t, page)}}); r.status != denied {
		t.Errorf("rita POST revert: %d, want 403", r.status)
	}
	// API clients without access get 403 as JSON, not a login redirect.
	r := newClient(t, s).do("GET", list, nil, map[string]string{"Accept": "application/json", "Authorization": "Bearer " + token(t, s, "vic")})
	if r.status != denied || !strings.Contains(r.body, `"forbidden"`) {
		t.Errorf("vic's API call: %d %s", r.status, r.body)
	}
	n, err := s.Items.Revisions(ctx, mustUUID(t, strings.TrimPrefix(path, "/item/")))
	if err != nil || n != 3 {
		t.Errorf("%d revisions after refused reverts (%v), want 3", n, err)
	}

	// Reverting is saving: an editor may not bring back long text in a text
	// format they may not use (Full HTML, written by an administrator).
	tok := token(t, s, "admin")
	r = newClient(t, s).postJSON("/item/add/page", tok, `{"title":"Trusted","fields":{"field_body":{"value":"<p>trusted</p>","format":"full_html"}}}`)
	trusted := r.json(t)["url"].(string)
	if r := newClient(t, s).postJSON(trusted+"/edit", tok, `{"fields":{"field_body":{"value":"plain now","format":"plain_text"}}}`); r.status != 200 {
		t.Fatalf("edit trusted: %d %s", r.status, r.body)
	}
	trustedRevs, _, err := s.Items.ListRevisions(ctx, mustUUID(t, strings.TrimPrefix(trusted, "/item/")), 0, 50)
	if err != nil || len(trustedRevs) != 2 {
		t.Fatalf("trusted revisions: %d (%v)", len(trustedRevs), err)
	}
	revertTrusted := trusted + "/revisions/" + trustedRevs[1].ID.String() + "/revert"
	page = clients["ed"].get(revertTrusted)
	r = clients["ed"].postForm(revertTrusted, url.Values{"csrf_token": {csrf(t, page)}})
	if r.status != denied || !strings.Contains(r.body, "not allowed to use") {
		t.Errorf("ed reverting to Full HTML: %d, want 403 naming the format\n%s", r.status, r.body)
	}
}

// The revision list pages at 50, fetching one row more than it shows.
func TestRevisionListPager(t *testing.T) {
	s := newSite(t)
	c := newClient(t, s)
	tok := token(t, s, "admin")
	r := c.postJSON("/item/add/page", tok, `{"title":"Busy page","log":"rev 0"}`)
	path := r.json(t)["url"].(string)
	for i := 1; i <= 50; i++ {
		if r := c.postJSON(path+"/edit", tok, fmt.Sprintf(`{"title":"Busy page %d","log":"rev %d"}`, i, i)); r.status != 200 {
			t.Fatalf("edit %d: %d", i, r.status)
		}
	}
	c.login("admin", adminPassword)
	first := c.get(path + "/revisions")
	mustContain(t, first.body, "rev 50", "rev 1<", `rel="next"`, path+"/revisions?page=1")
	mustNotContain(t, first.body, "rev 0<", `rel="prev"`)
	second := c.get(path + "/revisions?page=1")
	mustContain(t, second.body, "rev 0<", `rel="prev"`)
	mustNotContain(t, second.body, "rev 1<", `rel="next"`)
}

// Retention: with keep=N, pruning leaves each item of the type its newest N
// revisions, never deletes an item's current revision, and leaves types
// without a limit alone.
func TestRevisionRetentionPruning(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	c := newClient(t, s)
	tok := token(t, s, "admin")
	mk := func(title string, edits int) uuid.UUID {
		t.Helper()
		r := c.postJSON("/item/add/page", tok, `{"title":"`+title+`"}`)
		path := r.json(t)["url"].(string)
		for i := range edits {
			if r := c.postJSON(path+"/edit", tok, fmt.Sprintf(`{"title":"%s %d"}`, title, i)); r.status != 200 {
				t.Fatalf("edit: %d %s", r.status, r.body)
			}
		}
		return mustUUID(t, strings.TrimPrefix(path, "/item/"))
	}
	busy, small, pinned := mk("Busy", 4), mk("Small", 0), mk("Pinned", 3)
	// Pinned's current revision is its oldest (as a stage publish may leave it).
	pinnedRevs, _, err := s.Items.ListRevisions(ctx, pinned, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	oldest := pinnedRevs[len(pinnedRevs)-1].ID
	if _, err := s.Pool.Exec(ctx, `UPDATE item SET current_revision_id = $1 WHERE id = $2`, oldest, pinned); err != nil {
		t.Fatal(err)
	}
	count := func(id uuid.UUID) int64 {
		t.Helper()
		n, err := s.Items.Revisions(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Keep-forever is the default: nothing to prune.
	if keep, err := s.Items.Retention(ctx, "page"); err != nil || keep != 0 {
		t.Fatalf("default retention = %d (%v), want 0", keep, err)
	}
	if n, err := s.Items.PruneRevisions(ctx, 100); err != nil || n != 0 {
		t.Fatalf("prune without limits: %d (%v), want 0", n, err)
	}
	if got := count(busy); got != 5 {
		t.Fatalf("busy has %d revisions, want 5", got)
	}

	// Set keep=2 through the admin form.
	admin := newClient(t, s)
	admin.login("admin", adminPassword)
	form := admin.get("/admin/structure/types/page/revisions")
	mustContain(t, form.body, "Revisions to keep per item", `value="0"`)
	if r := admin.formPost(form, "/admin/structure/types/page/revisions", url.Values{"keep": {"-1"}, "op": {"Save retention"}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("keep=-1: %d, want 422", r.status)
	}
	r := admin.formPost(admin.get("/admin/structure/types/page/revisions"), "/admin/structure/types/page/revisions", url.Values{"keep": {"2"}, "op": {"Save retention"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("save retention: %d\n%s", r.status, r.body)
	}
	mustContain(t, admin.get("/admin/structure/types/page/revisions").body, "keep their last 2 revision(s)", `value="2"`)
	if keep, err := s.Items.Retention(ctx, "page"); err != nil || keep != 2 {
		t.Fatalf("retention = %d (%v), want 2", keep, err)
	}
	if r := newClient(t, s).get("/admin/structure/types/page/revisions"); r.status != http.StatusSeeOther {
		t.Errorf("retention form for anonymous visitors: %d, want a login redirect", r.status)
	}

	// Batches of 1 exercise the loop: busy loses 3, pinned 1 (its newest two
	// and its current oldest one stay), small none.
	n, err := s.Items.PruneRevisions(ctx, 1)
	if err != nil || n != 4 {
		t.Fatalf("prune: %d (%v), want 4", n, err)
	}
	for _, tc := range []struct {
		name string
		id   uuid.UUID
		want int64
	}{{"busy", busy, 2}, {"small", small, 1}, {"pinned", pinned, 3}} {
		if got := count(tc.id); got != tc.want {
			t.Errorf("%s has %d revisions, want %d", tc.name, got, tc.want)
		}
	}
	left, _, err := s.Items.ListRevisions(ctx, busy, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	it, err := s.Items.Load(ctx, busy)
	if err != nil || left[0].ID != it.RevisionID || left[0].Title != "Busy 3" || left[1].Title != "Busy 2" {
		t.Errorf("busy kept %+v, current %v", left, it.RevisionID)
	}
	if _, err := s.Items.LoadRevision(ctx, pinned, oldest); err != nil {
		t.Errorf("pinned lost its current revision: %v", err)
	}
	// A second run finds nothing; the demo pages (one revision each) are intact.
	if n, err := s.Items.PruneRevisions(ctx, 100); err != nil || n != 0 {
		t.Errorf("second prune: %d (%v), want 0", n, err)
	}

	// The periodic job's batch prunes what a lowered retention leaves over.
	if err := s.Items.SetRetention(ctx, "page", 1); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Items.PruneRevisions(ctx, item.PruneBatch); err != nil || n != 2 {
		t.Errorf("prune after lowering retention: %d (%v), want 2", n, err)
	}
	if got := count(busy); got != 1 {
		t.Errorf("after pruning busy has %d revisions, want 1", got)
	}
	if err := s.Items.SetRetention(ctx, "page", -1); err == nil {
		t.Error("negative retention accepted")
	}
}
