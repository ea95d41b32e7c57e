package user_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/pg"
	"github.com/trovato/trovato/app/testenv"
	"github.com/trovato/trovato/app/user"
)

// newStores returns both user stores on a fresh migrated database.
func newStores(t *testing.T) (*user.Store, *user.AdminStore, *pgxpool.Pool) {
	t.Helper()
	pool, err := pg.Connect(context.Background(), testenv.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return user.NewStore(pool), user.NewAdminStore(pool), pool
}

func mustCreate(t *testing.T, s *user.AdminStore, in user.AccountInput) uuid.UUID {
	t.Helper()
	if in.Password == "" {
		in.Password = "password-123"
	}
	id, err := s.CreateAccount(context.Background(), in)
	if err != nil {
		t.Fatalf("CreateAccount(%s): %v", in.Name, err)
	}
	return id
}

func TestCreateAccountValidates(t *testing.T) {
	_, s, _ := newStores(t)
	ctx := context.Background()
	mustCreate(t, s, user.AccountInput{Name: "taken", Email: "taken@example.com", Active: true})
	for _, tc := range []struct {
		name  string
		in    user.AccountInput
		field string
	}{
		{"empty name", user.AccountInput{Password: "password-123"}, "name"},
		{"reserved name", user.AccountInput{Name: "Anonymous", Password: "password-123"}, "name"},
		{"short password", user.AccountInput{Name: "x", Password: "short"}, "pass"},
		{"bad email", user.AccountInput{Name: "x", Email: "not an address", Password: "password-123"}, "mail"},
		{"taken email", user.AccountInput{Name: "x", Email: "TAKEN@example.com", Password: "password-123"}, "mail"},
		{"taken name", user.AccountInput{Name: "TAKEN", Password: "password-123"}, "name"},
		{"built-in role", user.AccountInput{Name: "x", Password: "password-123", Roles: []string{"authenticated"}}, "roles"},
		{"unknown role", user.AccountInput{Name: "x", Password: "password-123", Roles: []string{"nope"}}, "roles"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.CreateAccount(ctx, tc.in)
			if !errs.Is(err, errs.Invalid) || errs.FieldsOf(err)[tc.field] == "" {
				t.Fatalf("CreateAccount = %v (fields %v), want a message for %s", err, errs.FieldsOf(err), tc.field)
			}
		})
	}
}

func TestPeopleFiltersAndPages(t *testing.T) {
	users, s, _ := newStores(t)
	ctx := context.Background()
	ed := mustCreate(t, s, user.AccountInput{Name: "ed", Active: true, Roles: []string{"editor", "editor"}})
	mustCreate(t, s, user.AccountInput{Name: "bo", Active: false})
	mustCreate(t, s, user.AccountInput{Name: "al", Active: true})

	names := func(f user.PeopleFilter) ([]string, bool) {
		t.Helper()
		ps, more, err := s.People(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range ps {
			out = append(out, p.Name)
		}
		return out, more
	}
	for _, tc := range []struct {
		name string
		f    user.PeopleFilter
		want []string
		more bool
	}{
		{"all, newest first", user.PeopleFilter{}, []string{"al", "bo", "ed"}, false},
		{"role", user.PeopleFilter{Role: "editor"}, []string{"ed"}, false},
		{"authenticated is everyone", user.PeopleFilter{Role: "authenticated"}, []string{"al", "bo", "ed"}, false},
		{"blocked", user.PeopleFilter{Status: "blocked"}, []string{"bo"}, false},
		{"active editors", user.PeopleFilter{Status: "active", Role: "editor"}, []string{"ed"}, false},
		{"first page", user.PeopleFilter{PerPage: 2}, []string{"al", "bo"}, true},
		{"second page", user.PeopleFilter{PerPage: 2, Page: 1}, []string{"ed"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, more := names(tc.f)
			if d := cmp.Diff(tc.want, got); d != "" || more != tc.more {
				t.Errorf("names (-want +got):\n%s more=%v", d, more)
			}
		})
	}
	acct, err := users.Load(ctx, ed)
	if err != nil || !acct.Can("administer content") {
		t.Errorf("the editor role did not reach the account: %+v, %v", acct, err)
	}
	if _, err := users.LoadByName(ctx, "bo"); err != nil {
		t.Fatal(err)
	}
	if _, err := users.Authenticate(ctx, "bo", "password-123"); err == nil {
		t.Error("a user created blocked can log in")
	}
}

func TestUpdateAccountAndPassword(t *testing.T) {
	users, s, _ := newStores(t)
	ctx := context.Background()
	id := mustCreate(t, s, user.AccountInput{Name: "pat", Active: true, Roles: []string{"editor"}})
	err := s.UpdateAccount(ctx, id, user.AccountInput{Name: "patricia", Email: "p@example.com", Password: "new-password", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Person(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "patricia" || p.Email != "p@example.com" || len(p.Roles) != 0 {
		t.Errorf("after update: %+v", p)
	}
	for pass, want := range map[string]bool{"new-password": true, "password-123": false} {
		if ok, err := s.CheckPassword(ctx, id, pass); err != nil || ok != want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", pass, ok, err, want)
		}
	}
	if _, err := users.Authenticate(ctx, "patricia", "new-password"); err != nil {
		t.Errorf("log in with the new password: %v", err)
	}
	// An empty password keeps the password.
	if err := s.UpdateAccount(ctx, id, user.AccountInput{Name: "patricia", Active: true}); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.CheckPassword(ctx, id, "new-password"); !ok {
		t.Error("an edit without a password changed the password")
	}
}

func TestLastAdministratorIsKept(t *testing.T) {
	users, s, _ := newStores(t)
	ctx := context.Background()
	root := mustCreate(t, s, user.AccountInput{Name: "root", Active: true, IsAdmin: true})
	other := mustCreate(t, s, user.AccountInput{Name: "other", Active: true})

	if err := s.UpdateAccount(ctx, root, user.AccountInput{Name: "root", Active: true}); !errs.Is(err, errs.Conflict) {
		t.Errorf("demoting the last administrator: %v, want conflict", err)
	}
	if err := s.SetActive(ctx, other, root, false); !errs.Is(err, errs.Conflict) {
		t.Errorf("blocking the last administrator: %v, want conflict", err)
	}
	if _, err := s.Delete(ctx, other, root, user.ReassignContent); !errs.Is(err, errs.Conflict) {
		t.Errorf("deleting the last administrator: %v, want conflict", err)
	}
	if err := s.SetActive(ctx, other, other, false); !errs.Is(err, errs.Forbidden) {
		t.Errorf("blocking yourself: %v, want forbidden", err)
	}
	if _, err := s.Delete(ctx, other, other, user.ReassignContent); !errs.Is(err, errs.Forbidden) {
		t.Errorf("deleting yourself: %v, want forbidden", err)
	}
	if _, err := s.Delete(ctx, other, user.AnonymousID, user.ReassignContent); !errs.Is(err, errs.Forbidden) {
		t.Errorf("deleting the anonymous user: %v, want forbidden", err)
	}
	// With a second administrator, the first may go.
	if err := s.UpdateAccount(ctx, other, user.AccountInput{Name: "other", Active: true, IsAdmin: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetActive(ctx, other, root, false); err != nil {
		t.Fatalf("block an administrator while another remains: %v", err)
	}
	if _, err := users.Load(ctx, root); !errs.Is(err, errs.Forbidden) {
		t.Errorf("a blocked account loads: %v", err)
	}
	if err := s.SetActive(ctx, other, root, true); err != nil {
		t.Fatal(err)
	}
	if _, err := users.Load(ctx, root); err != nil {
		t.Errorf("an unblocked account does not load: %v", err)
	}
}

// seedItem writes an item of author with one revision by revAuthor.
func seedItem(t *testing.T, pool *pgxpool.Pool, author, revAuthor uuid.UUID, title string) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	id, rev := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	_, err = tx.Exec(ctx, `INSERT INTO item_type (type, label) VALUES ('note', 'Note') ON CONFLICT DO NOTHING`)
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO item (id, type, title, author_id, current_revision_id) VALUES ($1, 'note', $2, $3, $4)`, id, title, author, rev)
	}
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO item_revision (id, item_id, author_id, title, status, fields) VALUES ($1, $2, $3, $4, true, '{}')`, rev, id, revAuthor, title)
	}
	if err == nil {
		err = tx.Commit(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestDeleteUserContent(t *testing.T) {
	_, s, pool := newStores(t)
	ctx := context.Background()
	admin := mustCreate(t, s, user.AccountInput{Name: "admin", Active: true, IsAdmin: true})
	keeper := mustCreate(t, s, user.AccountInput{Name: "keeper", Active: true})
	dropper := mustCreate(t, s, user.AccountInput{Name: "dropper", Active: true})
	kept := seedItem(t, pool, keeper, keeper, "kept")
	dropped := seedItem(t, pool, dropper, dropper, "dropped")
	othersItem := seedItem(t, pool, admin, dropper, "revised by dropper")

	if n, err := s.CountContent(ctx, dropper); err != nil || n != 1 {
		t.Fatalf("CountContent = %d, %v", n, err)
	}
	if _, err := s.Delete(ctx, admin, keeper, 0); !errs.Is(err, errs.Invalid) {
		t.Errorf("delete without a policy: %v", err)
	}
	if n, err := s.Delete(ctx, admin, keeper, user.ReassignContent); err != nil || n != 0 {
		t.Fatalf("reassign: %d, %v", n, err)
	}
	authorOf := func(id uuid.UUID) (uuid.UUID, bool) {
		var a uuid.UUID
		err := pool.QueryRow(ctx, `SELECT author_id FROM item WHERE id = $1`, id).Scan(&a)
		return a, err == nil
	}
	if a, ok := authorOf(kept); !ok || a != user.AnonymousID {
		t.Errorf("reassigned item: author %v, exists %v; want anonymous", a, ok)
	}
	if n, err := s.Delete(ctx, admin, dropper, user.DeleteContent); err != nil || n != 1 {
		t.Fatalf("delete with content: %d, %v", n, err)
	}
	if _, ok := authorOf(dropped); ok {
		t.Error("the deleted user's item remains")
	}
	var revs int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM item_revision WHERE item_id = $1`, dropped).Scan(&revs); err != nil || revs != 0 {
		t.Errorf("revisions of the deleted item: %d, %v", revs, err)
	}
	var revAuthor uuid.UUID
	if err := pool.QueryRow(ctx, `SELECT author_id FROM item_revision WHERE item_id = $1`, othersItem).Scan(&revAuthor); err != nil || revAuthor != user.AnonymousID {
		t.Errorf("the deleted user's revision of another item: author %v, %v; want anonymous", revAuthor, err)
	}
	if _, err := s.Person(ctx, dropper); !errs.Is(err, errs.NotFound) {
		t.Errorf("deleted user loads: %v", err)
	}
}

func TestRoles(t *testing.T) {
	_, s, _ := newStores(t)
	ctx := context.Background()
	name, err := s.CreateRole(ctx, "  Content Editor 2 ")
	if err != nil || name != "content_editor_2" {
		t.Fatalf("CreateRole = %q, %v", name, err)
	}
	if _, err := s.CreateRole(ctx, "content editor 2"); !errs.Is(err, errs.Invalid) || errs.FieldsOf(err)["label"] == "" {
		t.Errorf("duplicate machine name: %v", err)
	}
	if _, err := s.CreateRole(ctx, "!!!"); !errs.Is(err, errs.Invalid) {
		t.Errorf("label without letters: %v", err)
	}
	if err := s.RenameRole(ctx, name, "Copy editor"); err != nil {
		t.Fatal(err)
	}
	r, err := s.Role(ctx, name)
	if err != nil || r.Label != "Copy editor" {
		t.Errorf("renamed role: %+v, %v", r, err)
	}
	for _, builtIn := range []string{"anonymous", "authenticated"} {
		if err := s.DeleteRole(ctx, builtIn); !errs.Is(err, errs.Forbidden) {
			t.Errorf("DeleteRole(%s) = %v, want forbidden", builtIn, err)
		}
	}
	if err := s.DeleteRole(ctx, name); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRole(ctx, name); !errs.Is(err, errs.NotFound) {
		t.Errorf("deleting twice: %v", err)
	}
	roles, err := s.Roles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range roles {
		got = append(got, r.Name)
	}
	if d := cmp.Diff([]string{"anonymous", "authenticated", "editor", "administrator"}, got); d != "" {
		t.Errorf("seeded roles (-want +got):\n%s", d)
	}
}

func TestSavePermissions(t *testing.T) {
	users, s, _ := newStores(t)
	ctx := context.Background()
	// "access content" and "access admin" are on the form; "create page
	// content" (editor) is not, and must survive.
	listed := []string{"access content", "access admin"}
	err := s.SavePermissions(ctx, listed, map[string][]string{
		"authenticated": {"access content", "access admin"},
		"editor":        {"access content"},
	})
	if err != nil {
		t.Fatal(err)
	}
	g, err := s.Grants(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		role, perm string
		want       bool
	}{
		{"authenticated", "access admin", true},
		{"anonymous", "access content", false},
		{"editor", "access admin", false},
		{"editor", "create page content", true},
	} {
		if g[tc.role][tc.perm] != tc.want {
			t.Errorf("%s holds %q = %v, want %v", tc.role, tc.perm, !tc.want, tc.want)
		}
	}
	anon, err := users.Anonymous(ctx)
	if err != nil || anon.Can("access content") {
		t.Errorf("anonymous still has access content: %v", err)
	}
	if err := s.SavePermissions(ctx, listed, map[string][]string{"editor": {"not listed"}}); !errs.Is(err, errs.Invalid) {
		t.Errorf("granting an unlisted permission: %v", err)
	}
}

func TestRoleMachineName(t *testing.T) {
	for in, want := range map[string]string{
		"Editor":                "editor",
		"Content editor":        "content_editor",
		" 2nd-level  Support! ": "nd_level_support",
		"Ünïcode":               "n_code",
		"A very long role label that goes on and on": "a_very_long_role_label_that_goes",
	} {
		if got := user.RoleMachineName(in); got != want {
			t.Errorf("RoleMachineName(%q) = %q, want %q", in, got, want)
		}
	}
}
