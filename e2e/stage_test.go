package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/mxschmitt/playwright-go"
)

// addPage creates a page in whatever stage the browser's session is in and
// returns its URL.
func addPage(t *testing.T, page playwright.Page, title, subtitle string) string {
	t.Helper()
	_, err := page.Goto("/item/add/page")
	must(t, err)
	must(t, field(page, "Title").Fill(title))
	must(t, field(page, "Subtitle").Fill(subtitle))
	must(t, button(page, "Save").Click())
	must(t, page.WaitForURL(regexp.MustCompile(`/item/[0-9a-f-]{36}$`)))
	return page.URL()
}

func editSubtitle(t *testing.T, page playwright.Page, itemURL, subtitle string) {
	t.Helper()
	_, err := page.Goto(itemURL + "/edit")
	must(t, err)
	must(t, field(page, "Subtitle").Fill(subtitle))
	must(t, button(page, "Save").Click())
	must(t, expect.Locator(page.GetByTestId("message").Filter(playwright.LocatorFilterOptions{HasText: "has been updated"})).ToBeVisible())
}

// TestStageFlow is issue 7's story: an editor switches to "Spring
// campaign", edits a page and creates another; an anonymous visitor still
// sees Live; the preview link shows the stage; publishing with one item
// changed in Live meanwhile warns about it; after publish Live shows both
// changes.
func TestStageFlow(t *testing.T) {
	admin := newPage(t)
	login(t, admin, adminName, adminPass)
	createUser(t, admin, "stella", "stella-password-1", "Editor")

	// Editors may edit any page (the migration lets them use stages).
	_, err := admin.Goto("/admin/people/permissions")
	must(t, err)
	must(t, admin.GetByTestId("permission-edit any page content").GetByLabel("Editor", playwright.LocatorGetByLabelOptions{Exact: playwright.Bool(true)}).Check())
	must(t, button(admin, "Save permissions").Click())
	must(t, expect.Locator(admin.GetByTestId("message").Last()).ToBeVisible())

	// The site builder adds the stage.
	_, err = admin.Goto("/admin/stages/add")
	must(t, err)
	must(t, field(admin, "Label").Fill("Spring campaign"))
	must(t, admin.GetByLabel("Public preview", playwright.PageGetByLabelOptions{Exact: playwright.Bool(false)}).Check())
	must(t, button(admin, "Save stage").Click())
	must(t, expect.Locator(admin.GetByTestId("stage-spring_campaign")).ToContainText("Spring campaign"))

	landing := addPage(t, admin, "Spring landing", "Winter is here")
	hours := addPage(t, admin, "Opening times", "Nine to five")

	editor := newPage(t)
	login(t, editor, "stella", "stella-password-1")
	t.Run("editor switches to the stage, edits one page and creates another", func(t *testing.T) {
		_, err := editor.Goto("/admin/content")
		must(t, err)
		must(t, expect.Locator(editor.GetByTestId("stage-banner")).ToHaveCount(0))
		_, err = field(editor, "Stage").SelectOption(playwright.SelectOptionValues{Labels: &[]string{"Spring campaign"}})
		must(t, err)
		must(t, button(editor, "Switch stage").Click())
		must(t, expect.Locator(editor.GetByTestId("stage-banner")).ToContainText("You are editing in stage Spring campaign"))
		editSubtitle(t, editor, landing, "Now with tulips")
		editSubtitle(t, editor, hours, "Spring hours")
		addPage(t, editor, "Spring sale", "Everything green")
	})

	visitor := newPage(t)
	t.Run("an anonymous visitor still sees Live", func(t *testing.T) {
		_, err := visitor.Goto(landing)
		must(t, err)
		must(t, expect.Locator(visitor.Locator(".page-subtitle")).ToHaveText("Winter is here"))
		_, err = visitor.Goto("/recent-pages")
		must(t, err)
		must(t, expect.Locator(visitor.GetByTestId("main")).ToContainText("Opening times"))
		must(t, expect.Locator(visitor.GetByTestId("main")).Not().ToContainText("Spring sale"))
	})

	// Meanwhile someone fixes the opening times in Live.
	editSubtitle(t, admin, hours, "Nine to six")

	t.Run("the preview link shows the stage", func(t *testing.T) {
		_, err := admin.Goto("/admin/stages/spring_campaign")
		must(t, err)
		must(t, button(admin, "Create preview link").Click())
		link, err := admin.GetByTestId("preview-url").InputValue()
		must(t, err)
		guest := newPage(t)
		_, err = guest.Goto(link)
		must(t, err)
		_, err = guest.Goto(landing)
		must(t, err)
		must(t, expect.Locator(guest.Locator(".page-subtitle")).ToHaveText("Now with tulips"))
		must(t, expect.Locator(guest.Locator(`meta[name="robots"]`)).ToHaveAttribute("content", "noindex"))
		_, err = guest.Goto("/recent-pages")
		must(t, err)
		must(t, expect.Locator(guest.GetByTestId("main")).ToContainText("Spring sale"))
	})

	// A category term added in the stage exists only there until publish.
	var termURL string
	t.Run("a term added in the stage stays out of Live", func(t *testing.T) {
		goTo(t, admin, "/admin/structure/categories/add")
		must(t, field(admin, "Name").Fill("Seasons"))
		must(t, button(admin, "Save vocabulary").Click())
		must(t, admin.WaitForURL(regexp.MustCompile(`/admin/structure/categories(/seasons)?$`)))
		switchStage := func(label string) {
			goTo(t, admin, "/admin/content")
			_, err := field(admin, "Stage").SelectOption(playwright.SelectOptionValues{Labels: &[]string{label}})
			must(t, err)
			must(t, button(admin, "Switch stage").Click())
		}
		switchStage("Spring campaign")
		must(t, expect.Locator(admin.GetByTestId("stage-banner")).ToContainText("Spring campaign"))
		goTo(t, admin, "/admin/structure/categories/seasons/add")
		must(t, field(admin, "Name").Fill("Tulip season"))
		must(t, button(admin, "Save term").Click())
		must(t, admin.WaitForURL(regexp.MustCompile(`/admin/structure/categories/seasons$`)))
		link := admin.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Tulip season", Exact: playwright.Bool(true)})
		href, err := link.GetAttribute("href")
		must(t, err)
		termURL = href
		switchStage("Live")
		must(t, expect.Locator(admin.GetByTestId("stage-banner")).ToHaveCount(0))
		goTo(t, admin, "/admin/structure/categories/seasons")
		must(t, expect.Locator(admin.GetByTestId("main")).Not().ToContainText("Tulip season"))
		resp, err := visitor.Goto(termURL)
		must(t, err)
		if resp.Status() != 404 {
			t.Errorf("visitor on the stage's term page: status %d, want 404", resp.Status())
		}
		goTo(t, admin, "/admin/stages/spring_campaign")
		must(t, expect.Locator(admin.GetByTestId("stage-review")).ToContainText("Tulip season"))
	})

	t.Run("publish warns about the item changed in Live, then applies both changes", func(t *testing.T) {
		_, err := admin.Goto("/admin/stages/spring_campaign")
		must(t, err)
		must(t, expect.Locator(admin.GetByTestId("stage-review")).ToContainText("Now with tulips"))
		must(t, button(admin, "Publish whole stage to Live").Click())
		conflicts := admin.GetByTestId("stage-conflicts")
		must(t, expect.Locator(conflicts).ToContainText("Opening times"))
		must(t, expect.Locator(conflicts.Locator("fieldset")).ToHaveCount(1))
		must(t, admin.GetByLabel("Overwrite Live with the stage's version of Opening times").Check())
		must(t, button(admin, "Publish with these choices").Click())
		must(t, expect.Locator(admin.GetByTestId("message").Filter(playwright.LocatorFilterOptions{HasText: "Published 3 item(s)"})).ToBeVisible())

		_, err = visitor.Goto(landing)
		must(t, err)
		must(t, expect.Locator(visitor.Locator(".page-subtitle")).ToHaveText("Now with tulips"))
		_, err = visitor.Goto(hours)
		must(t, err)
		must(t, expect.Locator(visitor.Locator(".page-subtitle")).ToHaveText("Spring hours"))
		_, err = visitor.Goto("/recent-pages")
		must(t, err)
		must(t, expect.Locator(visitor.GetByTestId("main")).ToContainText("Spring sale"))
		resp, err := visitor.Goto(termURL)
		must(t, err)
		if resp.Status() != 200 {
			t.Errorf("visitor on the published term page: status %d, want 200", resp.Status())
		}
		must(t, expect.Locator(visitor.GetByTestId("main")).ToContainText("Tulip season"))
	})
}

// TestPublishKilledMidway proves publish is atomic: a server whose publish
// pauses after its writes, before the commit (TROVATO_TEST_PUBLISH_DELAY), is
// killed with SIGKILL while Live's rows are written but not committed; Live is
// then entirely old and the stage intact. A restarted server publishes the
// whole stage.
func TestPublishKilledMidway(t *testing.T) {
	startApp(t) // builds bin/trovato and the plugins
	a := &app{
		adminDBURL: getenv("TROVATO_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"),
		log:        &syncBuffer{},
		exited:     make(chan struct{}),
	}
	dbURL, err := a.createDatabase()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.stop() })
	if a.dataDir, err = os.MkdirTemp("", "trovato-e2e-kill-"); err != nil {
		t.Fatal(err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	env := append(os.Environ(), "DATABASE_URL="+dbURL, "REDIS_URL="+getenv("REDIS_URL", "redis://127.0.0.1:6379/0"),
		"TROVATO_ADDR="+addr, "TROVATO_ADMIN_PASSWORD="+adminPass,
		"TROVATO_PLUGINS_DIR="+filepath.Join(repoRoot, "bin", "plugins"), "TROVATO_DATA_DIR="+a.dataDir)
	bin := filepath.Join(repoRoot, "bin", "trovato")
	setup := exec.Command(bin, "setup")
	setup.Dir, setup.Env = repoRoot, env
	if out, err := setup.CombinedOutput(); err != nil {
		t.Fatalf("setup: %v\n%s", err, out)
	}

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// Stage three demo pages the way the item service does: a stage
	// revision each and an association based on Live's current revision.
	if _, err := conn.Exec(ctx, `INSERT INTO stage (id, label) VALUES ('spring', 'Spring')`); err != nil {
		t.Fatal(err)
	}
	titles := []string{"About us", "Contact", "Themes"}
	for _, title := range titles {
		if _, err := conn.Exec(ctx, `
			WITH i AS (SELECT id, author_id, status, fields, current_revision_id FROM item WHERE title = $1 AND stage_id = 'live'),
			r AS (INSERT INTO item_revision (id, item_id, author_id, title, status, fields, log, stage_id)
			      SELECT gen_random_uuid(), id, author_id, $1 || ' (spring)', status, fields, 'staged', 'spring' FROM i
			      RETURNING id, item_id, author_id)
			INSERT INTO stage_association (stage_id, item_id, revision_id, base_revision_id, author_id)
			SELECT 'spring', r.item_id, r.id, i.current_revision_id, r.author_id FROM r JOIN i ON i.id = r.item_id`, title); err != nil {
			t.Fatal(err)
		}
	}

	serve := func(delay string) *http.Client {
		t.Helper()
		a.exited = make(chan struct{})
		a.cmd = exec.Command(bin, "serve")
		a.cmd.Dir, a.cmd.Env = repoRoot, append(env, "TROVATO_TEST_PUBLISH_DELAY="+delay)
		a.cmd.Stdout, a.cmd.Stderr = a.log, a.log
		a.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := a.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := a.exited
		go func() { a.cmd.Wait(); close(exited) }()
		if err := a.waitHealthy("http://" + addr); err != nil {
			t.Fatalf("%v\n%s", err, a.log.String())
		}
		jar, _ := cookiejar.New(nil)
		hc := &http.Client{Jar: jar, Timeout: time.Minute,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		token := csrfOf(t, hc, "http://"+addr+"/user/login")
		resp, err := hc.PostForm("http://"+addr+"/user/login", url.Values{"csrf_token": {token}, "name": {"admin"}, "pass": {adminPass}})
		if err != nil || resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login: %v %v", resp, err)
		}
		resp.Body.Close()
		return hc
	}
	publish := func(hc *http.Client) (*http.Response, error) {
		token := csrfOf(t, hc, "http://"+addr+"/admin/stages/spring")
		return hc.PostForm("http://"+addr+"/admin/stages/spring/publish", url.Values{"csrf_token": {token}, "op": {"all"}})
	}
	liveTitles := func() []string {
		rows, err := conn.Query(ctx, `SELECT title FROM item WHERE id IN (SELECT item_id FROM stage_association WHERE stage_id = 'spring')
			OR title LIKE '% (spring)' ORDER BY title`)
		if err != nil {
			t.Fatal(err)
		}
		out, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	hc := serve("3s")
	done := make(chan error, 1)
	go func() {
		resp, err := publish(hc)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	// Wait until the publish transaction has written the first item (its
	// update, then the removal of its association) and sleeps before the
	// next one, then kill the server.
	deadline := time.Now().Add(time.Minute)
	for {
		var n int
		err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND state = 'idle in transaction' AND query LIKE '%DELETE FROM stage_association%'`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the publish transaction never paused after an item update\n%s", a.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := syscall.Kill(-a.cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-a.exited
	<-done // the request fails: the server is gone

	// Postgres rolls the transaction back when its connection dies.
	var staged int
	deadline = time.Now().Add(time.Minute)
	for {
		var open int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
			AND state LIKE 'idle in transaction%'`).Scan(&open); err != nil {
			t.Fatal(err)
		}
		if open == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the killed server's transaction is still open")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := strings.Join(liveTitles(), ", "); got != "About us, Contact, Themes" {
		t.Errorf("Live after the killed publish = %s; want entirely old", got)
	}
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM stage_association WHERE stage_id = 'spring'`).Scan(&staged); err != nil || staged != 3 {
		t.Errorf("stage associations after the killed publish = %d, %v; want 3", staged, err)
	}

	// A restarted server (no delay) publishes everything at once.
	hc = serve("")
	resp, err := publish(hc)
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish after restart: %v %v\n%s", resp, err, a.log.String())
	}
	resp.Body.Close()
	rows, err := conn.Query(ctx, `SELECT title FROM item WHERE title LIKE '% (spring)' ORDER BY title`)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := pgx.CollectRows(rows, pgx.RowTo[string])
	if strings.Join(got, ", ") != "About us (spring), Contact (spring), Themes (spring)" {
		t.Errorf("Live after publish = %v; want entirely new", got)
	}
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrfOf loads a page with hc and returns its form's CSRF token.
func csrfOf(t *testing.T, hc *http.Client, page string) string {
	t.Helper()
	resp, err := hc.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := csrfField.FindSubmatch(b)
	if m == nil {
		t.Fatalf("no CSRF token on %s (%d)", page, resp.StatusCode)
	}
	return string(m[1])
}
