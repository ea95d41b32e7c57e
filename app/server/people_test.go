package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/server"
	"github.com/trovato/trovato/app/user"
)

// personID finds a user's id by name.
func personID(t *testing.T, s *server.Server, name string) string {
	t.Helper()
	acct, err := s.Users.LoadByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return acct.ID.String()
}

// addUser creates an account through the admin's Add user form.
func addUser(t *testing.T, admin *client, name, pass string, roles ...string) {
	t.Helper()
	v := url.Values{"name": {name}, "mail": {name + "@example.com"}, "pass": {pass}, "pass_confirm": {pass},
		"status": {"1"}, "roles": roles, "op": {"Create new account"}}
	r := admin.formPost(admin.get("/admin/people/add"), "/admin/people/add", v)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/admin/people" {
		t.Fatalf("add user %s: %d → %q\n%s", name, r.status, r.header.Get("Location"), r.body)
	}
}

// createPage makes a page through the browser form and returns its URL.
func createPage(t *testing.T, c *client, title string) string {
	t.Helper()
	r := c.formPost(c.get("/item/add/page"), "/item/add/page", url.Values{"title": {title}, "status": {"1"}, "op": {"Save"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("create page %q: %d\n%s", title, r.status, r.body)
	}
	return r.header.Get("Location")
}

// The admin adds an editor through the form; the editor logs in and writes
// a page; once blocked, their session stops working.
func TestPeopleAddEditorThenBlock(t *testing.T) {
	s := newSite(t)
	admin := newClient(t, s)
	admin.login("admin", adminPassword)

	add := admin.get("/admin/people/add")
	mustContain(t, add.body, `<label for="edit-name">`, `<label for="edit-pass-confirm">`, `name="roles"`, "Editor",
		`name="is_admin"`, `data-testid="people-tabs"`)
	mustNotContain(t, add.body, `value="anonymous"`, `value="authenticated"`)
	// Mismatched passwords: 422, values kept, nothing created.
	r := admin.formPost(add, "/admin/people/add", url.Values{"name": {"erin"}, "mail": {"erin@example.com"},
		"pass": {"erin-password"}, "pass_confirm": {"other-password"}, "status": {"1"}, "roles": {"editor"}, "op": {"Create new account"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("mismatched passwords: %d", r.status)
	}
	mustContain(t, r.body, "The specified passwords do not match.", `value="erin"`, `value="erin@example.com"`)
	// A taken name is reported on the field.
	r = admin.formPost(add, "/admin/people/add", url.Values{"name": {"Admin"}, "pass": {"erin-password"},
		"pass_confirm": {"erin-password"}, "status": {"1"}, "op": {"Create new account"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("taken name: %d", r.status)
	}
	mustContain(t, r.body, "The username Admin is already taken.")

	addUser(t, admin, "erin", "erin-password", "editor")
	list := admin.get("/admin/people")
	mustContain(t, list.body, `data-testid="people-list"`, `data-testid="person-erin"`, `data-testid="person-admin"`,
		`<label for="edit-role">`, `<label for="edit-status">`)

	// Filters: a partial under htmx, a full page when loaded directly.
	partial := admin.do("GET", "/admin/people?role=editor&status=active", nil, map[string]string{"HX-Request": "true"})
	mustContain(t, partial.body, `data-testid="person-erin"`, `hx-push-url="true"`)
	mustNotContain(t, partial.body, "<html", `data-testid="person-admin"`)
	if partial.header.Get("Vary") == "" {
		t.Error("the list does not say it varies by HX-Request")
	}
	full := admin.get("/admin/people?status=blocked")
	mustContain(t, full.body, "<html", "No people match these filters.")
	// Unknown filter values are ignored, not passed on.
	mustContain(t, admin.get("/admin/people?role=%27%3Bdrop&status=x").body, `data-testid="person-erin"`)

	erin := newClient(t, s)
	erin.login("erin", "erin-password")
	page := createPage(t, erin, "Erin was here")
	if r := erin.get(page); r.status != http.StatusOK {
		t.Fatalf("view own page: %d", r.status)
	}

	// Blocking needs the CSRF token.
	id := personID(t, s, "erin")
	if r := admin.postForm("/admin/people/"+id+"/block", nil); r.status != http.StatusForbidden {
		t.Fatalf("block without CSRF token: %d", r.status)
	}
	r = admin.postForm("/admin/people/"+id+"/block", url.Values{"csrf_token": {csrf(t, list)}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("block: %d\n%s", r.status, r.body)
	}
	mustContain(t, admin.get("/admin/people?status=blocked").body, `data-testid="person-erin"`, "Unblock erin")
	if r := erin.get("/item/add/page"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/user/login") {
		t.Errorf("blocked user's session still works: %d %q", r.status, r.header.Get("Location"))
	}
	blocked := newClient(t, s)
	if r := blocked.postForm("/user/login", url.Values{"csrf_token": {csrf(t, blocked.get("/user/login"))},
		"name": {"erin"}, "pass": {"erin-password"}}); r.status == http.StatusSeeOther {
		t.Error("a blocked user logged in")
	}
	// Unblocked, they log in again.
	r = admin.postForm("/admin/people/"+id+"/unblock", url.Values{"csrf_token": {csrf(t, list)}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("unblock: %d", r.status)
	}
	newClient(t, s).login("erin", "erin-password")

	// Nobody blocks or deletes themselves.
	adminID := personID(t, s, "admin")
	if r := admin.postForm("/admin/people/"+adminID+"/block", url.Values{"csrf_token": {csrf(t, list)}}); r.status != http.StatusForbidden {
		t.Errorf("block yourself: %d", r.status)
	}
	if r := admin.get("/admin/people/" + adminID + "/delete"); r.status != http.StatusForbidden {
		t.Errorf("delete yourself: %d", r.status)
	}
	mustNotContain(t, list.body, "Block admin", "Delete admin")
}

var checkedBox = regexp.MustCompile(`name="([^"]+)" value="1" checked`)

// Granting "access admin" to authenticated users in the matrix applies at
// once: a plain user then sees /admin.
func TestPermissionsMatrix(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	if _, err := s.Users.Create(ctx, "paul", "paul-password", false); err != nil {
		t.Fatal(err)
	}
	paul := newClient(t, s)
	paul.login("paul", "paul-password")
	if r := paul.get("/admin"); r.status != http.StatusForbidden {
		t.Fatalf("/admin before the grant: %d", r.status)
	}
	if r := paul.get("/admin/people"); r.status != http.StatusForbidden {
		t.Errorf("non-admin on /admin/people: %d, want 403", r.status)
	}
	if r := paul.get("/admin/people/permissions"); r.status != http.StatusForbidden {
		t.Errorf("non-admin on the matrix: %d, want 403", r.status)
	}
	if r := newClient(t, s).get("/admin/people"); r.status != http.StatusSeeOther {
		t.Errorf("anonymous on /admin/people: %d, want a redirect to log in", r.status)
	}

	admin := newClient(t, s)
	admin.login("admin", adminPassword)
	matrix := admin.get("/admin/people/permissions")
	mustContain(t, matrix.body, `data-testid="permissions-matrix"`, "<h2>System</h2>", "<h2>blog</h2>",
		"Promote blog posts to the front page", "Warning: give to trusted roles only", `data-testid="permission-access admin"`,
		`<label for="edit-authenticated-access-admin"`, "10 seconds")
	v := url.Values{"op": {"Save permissions"}}
	for _, m := range checkedBox.FindAllStringSubmatch(matrix.body, -1) {
		v.Add(m[1], "1")
	}
	if v.Get("editor.administer-content") != "1" || v.Get("anonymous.access-content") != "1" {
		t.Fatalf("the matrix does not show the seeded grants: %v", v)
	}
	v.Set("authenticated.access-admin", "1")
	v.Set("editor.promote-blog-posts", "1")
	v.Del("anonymous.access-content")
	r := admin.formPost(matrix, "/admin/people/permissions", v)
	if r.status != http.StatusSeeOther {
		t.Fatalf("save matrix: %d\n%s", r.status, r.body)
	}
	if r := paul.get("/admin"); r.status != http.StatusOK {
		t.Errorf("/admin right after the grant: %d", r.status)
	}
	// Anonymous visitors lose "access content" at once on this node, though
	// their account is cached.
	if r := newClient(t, s).get("/recent-pages"); r.status == http.StatusOK {
		t.Errorf("anonymous still sees content after the revoke: %d", r.status)
	}
	again := admin.get("/admin/people/permissions")
	mustContain(t, again.body, "The changes have been saved.", `name="editor.promote-blog-posts" value="1" checked`,
		`name="editor.administer-content" value="1" checked`)
	// Grants of permissions the matrix did not list are kept.
	var kept bool
	if err := s.Pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM role_permissions WHERE role = 'editor' AND permission = 'create page content')").Scan(&kept); err != nil || !kept {
		t.Errorf("an unlisted grant was dropped: %v, %v", kept, err)
	}
	mustNotContain(t, again.body, `name="anonymous.access-content" value="1" checked`)
}

// Roles: add (machine name from the label), rename, delete; the built-in
// roles cannot be deleted.
func TestRolesAdmin(t *testing.T) {
	s := newSite(t)
	admin := newClient(t, s)
	admin.login("admin", adminPassword)
	roles := admin.get("/admin/people/roles")
	mustContain(t, roles.body, `data-testid="role-anonymous"`, `data-testid="role-authenticated"`, `data-testid="role-editor"`,
		`data-testid="role-administrator"`)
	mustNotContain(t, roles.body, `href="/admin/people/roles/anonymous/delete"`)

	r := admin.formPost(admin.get("/admin/people/roles/add"), "/admin/people/roles/add", url.Values{"label": {""}, "op": {"Save role"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty label: %d", r.status)
	}
	r = admin.formPost(admin.get("/admin/people/roles/add"), "/admin/people/roles/add", url.Values{"label": {"Content reviewer"}, "op": {"Save role"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("add role: %d\n%s", r.status, r.body)
	}
	r = admin.formPost(admin.get("/admin/people/roles/add"), "/admin/people/roles/add", url.Values{"label": {"Content Reviewer"}, "op": {"Save role"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("duplicate role: %d", r.status)
	}
	mustContain(t, r.body, "content_reviewer is already in use", `value="Content Reviewer"`)
	r = admin.formPost(admin.get("/admin/people/roles/content_reviewer"), "/admin/people/roles/content_reviewer",
		url.Values{"label": {"Reviewer"}, "op": {"Save role"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("rename role: %d", r.status)
	}
	mustContain(t, admin.get("/admin/people/roles").body, `data-testid="role-content_reviewer"`, "Reviewer")
	mustContain(t, admin.get("/admin/people/add").body, "Reviewer")

	confirm := admin.get("/admin/people/roles/content_reviewer/delete")
	mustContain(t, confirm.body, `data-testid="confirm"`)
	if r := admin.postForm("/admin/people/roles/content_reviewer/delete", url.Values{"csrf_token": {csrf(t, confirm)}}); r.status != http.StatusSeeOther {
		t.Fatalf("delete role: %d", r.status)
	}
	mustNotContain(t, admin.get("/admin/people/roles").body, "content_reviewer")
	if r := admin.postForm("/admin/people/roles/authenticated/delete", url.Values{"csrf_token": {csrf(t, confirm)}}); r.status != http.StatusForbidden {
		t.Errorf("delete a built-in role: %d", r.status)
	}
}

// Deleting a user lets the admin keep their content (reassigned to the
// anonymous user) or delete it.
func TestDeleteUserWithContentChoice(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	admin := newClient(t, s)
	admin.login("admin", adminPassword)
	addUser(t, admin, "rita", "rita-password", "editor")
	addUser(t, admin, "dana", "dana-password", "editor")
	rita, dana := newClient(t, s), newClient(t, s)
	rita.login("rita", "rita-password")
	dana.login("dana", "dana-password")
	kept := createPage(t, rita, "Rita's page")
	gone := createPage(t, dana, "Dana's page")

	ritaID := personID(t, s, "rita")
	confirm := admin.get("/admin/people/" + ritaID + "/delete")
	mustContain(t, confirm.body, "They wrote 1 item(s).", `value="reassign"`, `value="delete"`, "Anonymous user")
	r := admin.formPost(confirm, "/admin/people/"+ritaID+"/delete", url.Values{"method": {"reassign"}, "op": {"Delete account"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("delete with reassign: %d\n%s", r.status, r.body)
	}
	if _, err := s.Users.LoadByName(ctx, "rita"); err == nil {
		t.Error("rita still exists")
	}
	var author uuid.UUID
	itemID := strings.TrimPrefix(kept, "/item/")
	if err := s.Pool.QueryRow(ctx, "SELECT author_id FROM item WHERE id = $1", itemID).Scan(&author); err != nil || author != user.AnonymousID {
		t.Errorf("reassigned item: author %v, %v; want anonymous", author, err)
	}
	if r := admin.get(kept); r.status != http.StatusOK {
		t.Errorf("the reassigned item: %d", r.status)
	}
	if r := rita.get("/item/add/page"); r.status != http.StatusSeeOther {
		t.Errorf("a deleted user's session still works: %d", r.status)
	}

	danaID := personID(t, s, "dana")
	confirm = admin.get("/admin/people/" + danaID + "/delete")
	r = admin.formPost(confirm, "/admin/people/"+danaID+"/delete", url.Values{"method": {"nonsense"}, "op": {"Delete account"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("an illegal choice: %d", r.status)
	}
	r = admin.formPost(confirm, "/admin/people/"+danaID+"/delete", url.Values{"method": {"delete"}, "op": {"Delete account"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("delete with content: %d\n%s", r.status, r.body)
	}
	if r := admin.get(gone); r.status != http.StatusNotFound {
		t.Errorf("the deleted user's item: %d, want 404", r.status)
	}
	var revs int
	if err := s.Pool.QueryRow(ctx, "SELECT count(*) FROM item_revision WHERE item_id = $1", strings.TrimPrefix(gone, "/item/")).Scan(&revs); err != nil || revs != 0 {
		t.Errorf("revisions of the deleted item: %d, %v", revs, err)
	}
}

// Users change their own password only with the correct current password;
// an admin edits anyone without it; others get 403.
func TestEditOwnAccount(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	for _, n := range []string{"uma", "val"} {
		if _, err := s.Users.Create(ctx, n, n+"-password", false); err != nil {
			t.Fatal(err)
		}
	}
	umaID, valID := personID(t, s, "uma"), personID(t, s, "val")
	uma := newClient(t, s)
	uma.login("uma", "uma-password")
	form := uma.get("/user/" + umaID + "/edit")
	if form.status != http.StatusOK {
		t.Fatalf("own edit form: %d", form.status)
	}
	mustContain(t, form.body, `<label for="edit-current-pass">`, `<label for="edit-pass">`, "You may not change your username.")
	mustNotContain(t, form.body, `name="roles"`, `name="is_admin"`, `name="status"`)
	if r := uma.get("/user/" + valID + "/edit"); r.status != http.StatusForbidden {
		t.Errorf("edit someone else's account: %d, want 403", r.status)
	}

	// A wrong current password changes nothing.
	r := uma.formPost(form, "/user/"+umaID+"/edit", url.Values{"mail": {"uma@example.com"}, "current_pass": {"wrong"},
		"pass": {"uma-new-password"}, "pass_confirm": {"uma-new-password"}, "op": {"Save"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("wrong current password: %d", r.status)
	}
	mustContain(t, r.body, "Your current password is missing or incorrect", `value="uma@example.com"`)
	if _, err := s.Users.Authenticate(ctx, "uma", "uma-new-password"); err == nil {
		t.Fatal("the password changed with a wrong current password")
	}
	// A name posted without "change own username" is ignored.
	r = uma.formPost(form, "/user/"+umaID+"/edit", url.Values{"name": {"boss"}, "current_pass": {"uma-password"},
		"pass": {"uma-new-password"}, "pass_confirm": {"uma-new-password"}, "op": {"Save"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("change password: %d\n%s", r.status, r.body)
	}
	if _, err := s.Users.Authenticate(ctx, "uma", "uma-new-password"); err != nil {
		t.Errorf("log in with the new password: %v", err)
	}
	if _, err := s.Users.LoadByName(ctx, "boss"); err == nil {
		t.Error("the username changed without the permission")
	}

	// The admin edits anyone without a current password, roles included.
	admin := newClient(t, s)
	admin.login("admin", adminPassword)
	form = admin.get("/user/" + valID + "/edit")
	mustContain(t, form.body, `name="roles"`, `name="status"`, `name="is_admin"`)
	mustNotContain(t, form.body, `name="current_pass"`)
	r = admin.formPost(form, "/user/"+valID+"/edit", url.Values{"name": {"valerie"}, "mail": {"v@example.com"},
		"pass": {"val-new-password"}, "pass_confirm": {"val-new-password"}, "status": {"1"}, "roles": {"editor"}, "op": {"Save"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("admin edits val: %d\n%s", r.status, r.body)
	}
	acct, err := s.Users.Authenticate(ctx, "valerie", "val-new-password")
	if err != nil || !acct.Can("administer content") {
		t.Errorf("after the admin's edit: %+v, %v", acct, err)
	}
	// The last administrator cannot drop their own flag.
	adminID := personID(t, s, "admin")
	form = admin.get("/user/" + adminID + "/edit")
	r = admin.formPost(form, "/user/"+adminID+"/edit", url.Values{"name": {"admin"}, "op": {"Save"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("demote the last administrator: %d", r.status)
	}
	mustContain(t, r.body, "last active administrator")
}
