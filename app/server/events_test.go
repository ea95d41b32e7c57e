package server_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/item"
	"github.com/trovato/trovato/app/render"
	"github.com/trovato/trovato/app/server"
	"github.com/trovato/trovato/app/testenv"
)

// syncBuf is a log destination safe for concurrent writes.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// eventsSite is newSite with the events test plugin added and the site log
// captured.
func eventsSite(t *testing.T) (*server.Server, *syncBuf) {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(testenv.Plugins(t))); err != nil {
		t.Fatal(err)
	}
	if err := testenv.BuildPlugin(filepath.Join(testenv.RepoRoot(), "app", "plugin", "testdata", "events"), dir); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuf{}
	ctx := context.Background()
	s, err := server.New(ctx, server.Config{
		DatabaseURL: testenv.Database(t), RedisURL: testenv.RedisURL(), PluginsDir: dir,
		DataDir: testenv.DataDir(t), SiteName: "Test site",
	}, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	if _, _, err := s.Setup(ctx, adminPassword, io.Discard); err != nil {
		t.Fatalf("Setup: %v", err)
	}
	return s, logs
}

// requireLogLine fails unless one log line holds every part.
func requireLogLine(t *testing.T, logs *syncBuf, parts ...string) {
	t.Helper()
	for _, line := range strings.Split(logs.String(), "\n") {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(line, p)
		}
		if ok {
			return
		}
	}
	t.Errorf("no log line holds all of %q; log:\n%s", parts, logs.String())
}

func TestItemTapsFireFromTheItemService(t *testing.T) {
	s, logs := eventsSite(t)
	ctx := context.Background()
	c := newClient(t, s)
	tok := token(t, s, "admin")

	// Create through the API: presave changes the title and uppercases the
	// subtitle, and the kernel stores what it validated.
	r := c.postJSON("/item/add/page", tok, `{"title":"Hello [presave]","fields":{"field_subtitle":{"value":"quiet words"}}}`)
	if r.status != http.StatusCreated && r.status != http.StatusOK {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	id := r.json(t)["id"].(string)
	it, err := s.Items.Load(ctx, mustUUID(t, id))
	if err != nil {
		t.Fatal(err)
	}
	if it.Title != "Hello [presave] (presaved)" || it.Fields["field_subtitle"][0]["value"] != "QUIET WORDS" {
		t.Errorf("stored %q %v, want the presave changes", it.Title, it.Fields["field_subtitle"])
	}
	requireLogLine(t, logs, "events: item insert "+id+" page Hello [presave] (presaved)", "tap=item_insert")
	view := c.get("/item/" + id)
	mustContain(t, view.body, "QUIET WORDS", "Hello [presave] (presaved)")

	// Update through the service.
	admin, err := s.Users.LoadByName(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	typ, err := s.Items.GetType(ctx, "page")
	if err != nil {
		t.Fatal(err)
	}
	next, err := s.Items.Update(ctx, admin, typ, it, item.Input{Title: "Renamed", Fields: it.Fields})
	if err != nil {
		t.Fatal(err)
	}
	requireLogLine(t, logs, "events: item update "+id+" page Renamed", "tap=item_update")

	// Presave changes are validated like a submission: a blanked title fails.
	if _, err := s.Items.Update(ctx, admin, typ, next, item.Input{Title: "Bad [invalid]", Fields: next.Fields}); !errs.Is(err, errs.Invalid) {
		t.Errorf("invalid presave changes: err = %v, want Invalid", err)
	}

	// Delete through the service.
	if err := s.Items.Delete(ctx, next.ID); err != nil {
		t.Fatal(err)
	}
	requireLogLine(t, logs, "events: item delete "+id+" page Renamed", "tap=item_delete")
}

func TestItemViewAlterThroughTheService(t *testing.T) {
	s, _ := eventsSite(t)
	ctx := context.Background()
	c := newClient(t, s)
	r := c.postJSON("/item/add/page", token(t, s, "admin"), `{"title":"Viewed","fields":{"field_subtitle":{"value":"sub"}}}`)
	id := r.json(t)["id"].(string)
	it, err := s.Items.Load(ctx, mustUUID(t, id))
	if err != nil {
		t.Fatal(err)
	}
	root := render.Element{Type: render.TypeContainer, Classes: []string{"item"}, Children: []render.Element{{Type: render.TypeText, Text: "body"}}}
	got := s.Items.AlterView(ctx, it, "full", root)
	if len(got.Children) < 2 || got.Children[0].Text != "events altered Viewed" || got.Classes[len(got.Classes)-1] != "events-altered" {
		t.Fatalf("altered tree = %+v", got)
	}
	clean, dropped := render.Sanitize(got)
	if dropped == 0 {
		t.Errorf("the iframe element was not dropped: %+v", clean)
	}
	view := c.get("/item/" + id)
	mustContain(t, view.body, "events altered Viewed", "events-altered", "events markup")
	main := view.body[strings.Index(view.body, "<main"):strings.Index(view.body, "</main>")]
	mustNotContain(t, main, "<script", "evil.example")
}

func TestUserTapsFireOnLoginAndLogout(t *testing.T) {
	s, logs := eventsSite(t)
	admin, err := s.Users.LoadByName(context.Background(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	ev := s.AuthEvents()
	ev.Login(context.Background(), admin)
	requireLogLine(t, logs, "events: user login "+admin.ID.String()+" admin", "tap=user_login")
	before := len(logs.String())
	c := newClient(t, s)
	c.login("admin", adminPassword)
	if !strings.Contains(logs.String()[before:], "events: user login "+admin.ID.String()+" admin") {
		t.Errorf("HTTP login did not fire tap_user_login; log:\n%s", logs.String()[before:])
	}
	page := c.get("/admin/content")
	r := c.postForm("/user/logout", url.Values{"csrf_token": {csrf(t, page)}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.status)
	}
	requireLogLine(t, logs, "events: user logout "+admin.ID.String()+" admin", "tap=user_logout")
}

func TestUserInsertUpdateDeleteTapsFire(t *testing.T) {
	s, logs := eventsSite(t)
	admin := newClient(t, s)
	admin.login("admin", adminPassword)

	// People → Add user fires tap_user_insert.
	addUser(t, admin, "wanda", "wanda-password")
	id := personID(t, s, "wanda")
	requireLogLine(t, logs, "events: user insert "+id+" wanda", "tap=user_insert")

	// Editing the account fires tap_user_update with the new name.
	edit := admin.get("/user/" + id + "/edit")
	r := admin.formPost(edit, "/user/"+id+"/edit", url.Values{"name": {"wanda2"}, "mail": {"wanda@example.com"},
		"status": {"1"}, "op": {"Save"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", r.status, r.body)
	}
	requireLogLine(t, logs, "events: user update "+id+" wanda2", "tap=user_update")

	// Blocking is an update too.
	before := len(logs.String())
	list := admin.get("/admin/people")
	if r := admin.postForm("/admin/people/"+id+"/block", url.Values{"csrf_token": {csrf(t, list)}}); r.status != http.StatusSeeOther {
		t.Fatalf("block: %d", r.status)
	}
	if !strings.Contains(logs.String()[before:], "events: user update "+id+" wanda2") {
		t.Errorf("blocking did not fire tap_user_update")
	}

	// Deleting fires tap_user_delete.
	confirm := admin.get("/admin/people/" + id + "/delete")
	r = admin.formPost(confirm, "/admin/people/"+id+"/delete", url.Values{"method": {"reassign"}, "op": {"Delete account"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("delete: %d\n%s", r.status, r.body)
	}
	requireLogLine(t, logs, "events: user delete "+id+" wanda2", "tap=user_delete")

	// The command line's account creation (trovato user add) goes through
	// Users.Create, which fires tap_user_insert as well.
	cliID, err := s.Users.Create(context.Background(), "carl", "carl-password", false)
	if err != nil {
		t.Fatal(err)
	}
	requireLogLine(t, logs, "events: user insert "+cliID.String()+" carl", "tap=user_insert")
}
