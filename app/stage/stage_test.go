package stage_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/gather"
	"github.com/trovato/trovato/app/item"
	"github.com/trovato/trovato/app/server"
	"github.com/trovato/trovato/app/stage"
	"github.com/trovato/trovato/app/testenv"
	"github.com/trovato/trovato/app/user"
	"github.com/trovato/trovato/app/web"
)

const adminPassword = "correct horse battery"

// newSite returns a set-up server (admin, demo pages, /recent-pages) on a
// fresh database with the real plugins.
func newSite(t *testing.T) *server.Server {
	t.Helper()
	ctx := context.Background()
	cfg := server.Config{
		DatabaseURL: testenv.Database(t),
		RedisURL:    testenv.RedisURL(),
		PluginsDir:  testenv.Plugins(t),
		DataDir:     testenv.DataDir(t),
		SiteName:    "Test site",
	}
	s, err := server.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	if _, _, err := s.Setup(ctx, adminPassword, io.Discard); err != nil {
		t.Fatalf("Setup: %v", err)
	}
	return s
}

// fixture is a site with stages and helpers to write in them.
type fixture struct {
	t     *testing.T
	s     *server.Server
	admin *user.Account
	page  *item.Type
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	s := newSite(t)
	ctx := context.Background()
	admin, err := s.Users.LoadByName(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.Items.GetType(ctx, "page")
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, s: s, admin: admin, page: page}
}

func (f *fixture) addStage(id, label, parent string) {
	f.t.Helper()
	if err := f.s.Stages.Create(context.Background(), stage.Stage{ID: id, Label: label, ParentID: parent}); err != nil {
		f.t.Fatalf("create stage %s: %v", id, err)
	}
}

// in returns a context reading and writing in stage id ("" or "live": Live).
func (f *fixture) in(id string) context.Context {
	f.t.Helper()
	st, err := f.s.Stages.Chain(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return web.WithStage(context.Background(), st)
}

// byTitle finds a Live item by title through the admin list.
func (f *fixture) byTitle(ctx context.Context, title string) (*item.Item, bool) {
	f.t.Helper()
	rows, _, err := f.s.Items.AdminList(ctx, f.admin, item.AdminFilter{Title: title, Sort: "changed", Descending: true}, 0, 50)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, r := range rows {
		if r.Title == title {
			it, err := f.s.Items.Load(ctx, r.ID)
			if err != nil {
				f.t.Fatal(err)
			}
			return it, true
		}
	}
	return nil, false
}

func (f *fixture) mustFind(ctx context.Context, title string) *item.Item {
	f.t.Helper()
	it, ok := f.byTitle(ctx, title)
	if !ok {
		f.t.Fatalf("no item titled %q", title)
	}
	return it
}

func (f *fixture) edit(ctx context.Context, it *item.Item, title, subtitle string) *item.Item {
	f.t.Helper()
	next, err := f.s.Items.Update(ctx, f.admin, f.page, it, item.Input{Title: title,
		Fields: item.Values{"field_subtitle": {{"value": subtitle}}}})
	if err != nil {
		f.t.Fatalf("edit %s: %v", it.Title, err)
	}
	return next
}

func (f *fixture) create(ctx context.Context, title string) *item.Item {
	f.t.Helper()
	it, err := f.s.Items.Create(ctx, f.admin, f.page, item.Input{Title: title})
	if err != nil {
		f.t.Fatalf("create %s: %v", title, err)
	}
	return it
}

func (f *fixture) listing(ctx context.Context) []string {
	f.t.Helper()
	def := server.RecentPages
	def.Pager.ItemsPerPage = 50
	res, err := f.s.Gather.Run(ctx, &def, gather.Viewer{SeesUnpublished: true, Stage: web.StageFrom(ctx).Chain}, 0)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []string
	for _, r := range res.Rows {
		out = append(out, r.Title)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestOverlay: a stage sees its edits, creations and deletions over Live
// in item loads, the admin list and Gather; Live sees none of them; a
// child stage sees its parent's changes.
func TestOverlay(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStage("spring", "Spring campaign", "")
	f.addStage("spring_fr", "Spring (French)", "spring")
	live, spring, child := context.Background(), f.in("spring"), f.in("spring_fr")

	about := f.mustFind(live, "About us")
	f.edit(spring, about, "About us (spring)", "Now with flowers")
	created := f.create(spring, "Spring sale")
	contact := f.mustFind(live, "Contact")
	if err := f.s.Items.Delete(spring, contact.ID); err != nil {
		t.Fatal(err)
	}

	// Item loads.
	if it, err := f.s.Items.Load(live, about.ID); err != nil || it.Title != "About us" {
		t.Errorf("Live load of About us = %v, %v; want the Live title", it, err)
	}
	for name, ctx := range map[string]context.Context{"stage": spring, "child": child} {
		it, err := f.s.Items.Load(ctx, about.ID)
		if err != nil || it.Title != "About us (spring)" || it.Fields["field_subtitle"][0]["value"] != "Now with flowers" {
			t.Errorf("%s load of About us = %+v, %v; want the stage revision", name, it, err)
		}
		if _, err := f.s.Items.Load(ctx, created.ID); err != nil {
			t.Errorf("%s load of the created item: %v", name, err)
		}
		if _, err := f.s.Items.Load(ctx, contact.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("%s load of the deleted item: err = %v, want NotFound", name, err)
		}
	}
	if _, err := f.s.Items.Load(live, created.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("Live load of the stage-created item: err = %v, want NotFound", err)
	}
	if _, err := f.s.Items.Load(live, contact.ID); err != nil {
		t.Errorf("Live load of the item deleted in the stage: %v", err)
	}

	// Admin list and Gather, in SQL.
	for _, c := range []struct {
		name       string
		ctx        context.Context
		want, not  []string
		wantStaged bool
	}{
		{"live", live, []string{"About us", "Contact"}, []string{"About us (spring)", "Spring sale"}, false},
		{"stage", spring, []string{"About us (spring)", "Spring sale"}, []string{"About us", "Contact"}, true},
		{"child", child, []string{"About us (spring)", "Spring sale"}, []string{"About us", "Contact"}, true},
	} {
		rows, _, err := f.s.Items.AdminList(c.ctx, f.admin, item.AdminFilter{Sort: "title"}, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		staged := false
		for _, r := range rows {
			titles = append(titles, r.Title)
			staged = staged || r.Staged
		}
		listed := f.listing(c.ctx)
		for _, w := range c.want {
			if !contains(titles, w) {
				t.Errorf("%s admin list lacks %q: %v", c.name, w, titles)
			}
			if !contains(listed, w) {
				t.Errorf("%s listing lacks %q: %v", c.name, w, listed)
			}
		}
		for _, n := range c.not {
			if contains(titles, n) {
				t.Errorf("%s admin list shows %q: %v", c.name, n, titles)
			}
			if contains(listed, n) {
				t.Errorf("%s listing shows %q: %v", c.name, n, listed)
			}
		}
		if staged != c.wantStaged {
			t.Errorf("%s admin list staged flag = %v, want %v", c.name, staged, c.wantStaged)
		}
	}

	// A Gather filter on the overlaid title finds the stage's value.
	def := server.RecentPages
	def.Filters = append(def.Filters, gather.Filter{Field: "title", Op: "contains", Value: "(spring)"})
	res, err := f.s.Gather.Run(spring, &def, gather.Viewer{SeesUnpublished: true, Stage: []string{"spring"}}, 0)
	if err != nil || len(res.Rows) != 1 {
		t.Errorf("stage listing filtered on the staged title: %v rows, %v; want 1", res, err)
	}
	res, err = f.s.Gather.Run(live, &def, gather.Viewer{SeesUnpublished: true}, 0)
	if err != nil || len(res.Rows) != 0 {
		t.Errorf("Live listing filtered on the staged title: %v, %v; want none", res, err)
	}
}

// TestPublish: publishing applies every change to Live at once and empties
// the stage.
func TestPublish(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStage("spring", "Spring campaign", "")
	live, spring := context.Background(), f.in("spring")
	about := f.mustFind(live, "About us")
	f.edit(spring, about, "About us (spring)", "Now with flowers")
	created := f.create(spring, "Spring sale")
	contact := f.mustFind(live, "Contact")
	if err := f.s.Items.Delete(spring, contact.ID); err != nil {
		t.Fatal(err)
	}

	res, err := f.s.Stages.Publish(live, "spring", stage.PublishRequest{By: f.admin})
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	if len(res.Published) != 2 || len(res.Deleted) != 1 || len(res.Created) != 1 {
		t.Errorf("publish result = %+v; want 2 published (1 created), 1 deleted", res)
	}
	if it, err := f.s.Items.Load(live, about.ID); err != nil || it.Title != "About us (spring)" || it.Fields["field_subtitle"][0]["value"] != "Now with flowers" {
		t.Errorf("Live About us after publish = %+v, %v", it, err)
	}
	if it, err := f.s.Items.Load(live, created.ID); err != nil || it.StageID != "live" {
		t.Errorf("Live load of the created item after publish = %+v, %v", it, err)
	}
	if _, err := f.s.Items.Load(live, contact.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("Live load of the deleted item after publish: %v, want NotFound", err)
	}
	if n, err := f.s.Stages.Changes(live, "spring"); err != nil || n != 0 {
		t.Errorf("stage changes after publish = %d, %v; want 0", n, err)
	}
	if !contains(f.listing(live), "Spring sale") {
		t.Errorf("Live listing lacks the published item")
	}
}

// TestPublishConflicts: an item Live changed since the stage copy stops the
// publish (nothing applied) until the editor overwrites or skips it; a
// resolution made against an older Live revision conflicts again.
func TestPublishConflicts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStage("spring", "Spring campaign", "")
	live, spring := context.Background(), f.in("spring")
	about := f.mustFind(live, "About us")
	themes := f.mustFind(live, "Themes")
	f.edit(spring, about, "About us (spring)", "stage")
	f.edit(spring, themes, "Themes (spring)", "stage")
	liveAbout := f.edit(live, about, "About us (live fix)", "live")

	_, err := f.s.Stages.Publish(live, "spring", stage.PublishRequest{By: f.admin})
	var ce *stage.ConflictError
	if !errors.As(err, &ce) || !errs.Is(err, errs.Conflict) {
		t.Fatalf("publish with a conflict: err = %v, want a ConflictError of class Conflict", err)
	}
	if len(ce.Conflicts) != 1 || ce.Conflicts[0].ItemID != about.ID || ce.Conflicts[0].LiveRevision != liveAbout.RevisionID ||
		!strings.Contains(ce.Conflicts[0].Reason, "edited in Live by admin") {
		t.Errorf("conflicts = %+v; want About us, edited in Live", ce.Conflicts)
	}
	if it := f.mustFind(live, "Themes"); it.ID != themes.ID {
		t.Errorf("a conflicting publish changed Live: %+v", it)
	}

	// Skip: Themes goes Live, About us stays in the stage.
	res, err := f.s.Stages.Publish(live, "spring", stage.PublishRequest{By: f.admin, Resolutions: map[uuid.UUID]stage.Resolution{
		about.ID: {Overwrite: false, SeenLive: liveAbout.RevisionID}}})
	if err != nil || len(res.Published) != 1 || len(res.Skipped) != 1 {
		t.Fatalf("publish skipping the conflict = %+v, %v", res, err)
	}
	if it, _ := f.s.Items.Load(live, themes.ID); it.Title != "Themes (spring)" {
		t.Errorf("Live Themes = %q, want the stage title", it.Title)
	}
	if it, _ := f.s.Items.Load(live, about.ID); it.Title != "About us (live fix)" {
		t.Errorf("Live About us = %q, want Live's own edit kept", it.Title)
	}

	// Live moves again: the old resolution no longer applies.
	newer := f.edit(live, liveAbout, "About us (live fix 2)", "live")
	_, err = f.s.Stages.Publish(live, "spring", stage.PublishRequest{By: f.admin, Resolutions: map[uuid.UUID]stage.Resolution{
		about.ID: {Overwrite: true, SeenLive: liveAbout.RevisionID}}})
	if !errors.As(err, &ce) {
		t.Fatalf("overwrite against a stale Live revision: err = %v, want a conflict", err)
	}
	// Overwrite against the current one wins explicitly.
	if _, err := f.s.Stages.Publish(live, "spring", stage.PublishRequest{By: f.admin, Resolutions: map[uuid.UUID]stage.Resolution{
		about.ID: {Overwrite: true, SeenLive: newer.RevisionID}}}); err != nil {
		t.Fatalf("overwrite: %v", err)
	}
	if it, _ := f.s.Items.Load(live, about.ID); it.Title != "About us (spring)" {
		t.Errorf("Live About us after overwrite = %q", it.Title)
	}
}

// TestConcurrentPublish: two stages changing one item publish at the same
// time; the row lock serializes them and the second gets a conflict that
// names the first stage.
func TestConcurrentPublish(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStage("a", "Stage A", "")
	f.addStage("b", "Stage B", "")
	live := context.Background()
	about := f.mustFind(live, "About us")
	themes := f.mustFind(live, "Themes")
	plugins := f.mustFind(live, "Plugins")
	f.edit(f.in("a"), about, "About us (A)", "a")
	f.edit(f.in("a"), themes, "Themes (A)", "a")
	f.edit(f.in("b"), about, "About us (B)", "b")
	f.edit(f.in("b"), plugins, "Plugins (B)", "b")
	// Both publishes hold their locks a while, so they overlap.
	f.s.Stages.SetPublishItemDelay(200 * time.Millisecond)

	var wg sync.WaitGroup
	errsOf := map[string]error{}
	var mu sync.Mutex
	for _, id := range []string{"a", "b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.s.Stages.Publish(live, id, stage.PublishRequest{By: f.admin})
			mu.Lock()
			errsOf[id] = err
			mu.Unlock()
		}()
	}
	wg.Wait()
	var won, lost string
	switch {
	case errsOf["a"] == nil && errsOf["b"] != nil:
		won, lost = "a", "b"
	case errsOf["b"] == nil && errsOf["a"] != nil:
		won, lost = "b", "a"
	default:
		t.Fatalf("want exactly one publish to succeed: a=%v b=%v", errsOf["a"], errsOf["b"])
	}
	var ce *stage.ConflictError
	if !errors.As(errsOf[lost], &ce) || len(ce.Conflicts) != 1 || ce.Conflicts[0].ItemID != about.ID ||
		!strings.Contains(ce.Conflicts[0].Reason, "published from stage "+won) {
		t.Fatalf("second publish: %v (%+v); want a conflict on About us naming stage %s", errsOf[lost], ce, won)
	}
	if it, _ := f.s.Items.Load(live, about.ID); it.Title != "About us ("+strings.ToUpper(won)+")" {
		t.Errorf("Live About us = %q, want the winner's", it.Title)
	}
	// The loser published nothing (its other item stays staged).
	other := map[string]uuid.UUID{"a": themes.ID, "b": plugins.ID}[lost]
	if it, _ := f.s.Items.Load(live, other); strings.Contains(it.Title, "(") {
		t.Errorf("the conflicting publish changed Live: %q", it.Title)
	}
}

// TestDiscard: discarding a stage drops its edits, deletions and created
// items; Live is untouched. Per-item discard and move work on one item.
func TestDiscard(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStage("spring", "Spring campaign", "")
	f.addStage("summer", "Summer", "")
	live, spring := context.Background(), f.in("spring")
	about := f.mustFind(live, "About us")
	themes := f.mustFind(live, "Themes")
	f.edit(spring, about, "About us (spring)", "x")
	f.edit(spring, themes, "Themes (spring)", "x")
	created := f.create(spring, "Spring sale")
	if err := f.s.Items.Delete(spring, f.mustFind(live, "Contact").ID); err != nil {
		t.Fatal(err)
	}

	// Move one change to another stage, discard one.
	if err := f.s.Stages.MoveItem(live, "spring", "summer", themes.ID); err != nil {
		t.Fatal(err)
	}
	if it, _ := f.s.Items.Load(f.in("summer"), themes.ID); it.Title != "Themes (spring)" {
		t.Errorf("summer sees Themes as %q after the move", it.Title)
	}
	if it, _ := f.s.Items.Load(spring, themes.ID); it.Title != "Themes" {
		t.Errorf("spring sees Themes as %q after moving it away", it.Title)
	}
	if err := f.s.Stages.DiscardItem(live, "spring", about.ID); err != nil {
		t.Fatal(err)
	}
	if it, _ := f.s.Items.Load(spring, about.ID); it.Title != "About us" {
		t.Errorf("spring sees About us as %q after discarding the change", it.Title)
	}
	if n, _ := f.s.Stages.Changes(live, "spring"); n != 2 {
		t.Errorf("spring has %d changes, want 2 (created, deleted)", n)
	}

	if err := f.s.Stages.Discard(live, "spring"); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.s.Stages.Changes(live, "spring"); n != 0 {
		t.Errorf("spring has %d changes after discard", n)
	}
	if _, err := f.s.Items.Load(spring, created.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("the created item survived discard: %v", err)
	}
	if _, ok := f.byTitle(spring, "Contact"); !ok {
		t.Errorf("the stage still hides the item it had deleted")
	}
	if err := f.s.Stages.Discard(live, "live"); !errs.Is(err, errs.Forbidden) {
		t.Errorf("discard Live: %v, want Forbidden", err)
	}
	if err := f.s.Stages.Delete(live, "live"); !errs.Is(err, errs.Forbidden) {
		t.Errorf("delete Live: %v, want Forbidden", err)
	}
}

// TestPublishVetoAndPreviewWrites: the publish veto (tap_stage_publish)
// stops a publish with its message and nothing changes; a preview context
// cannot write.
func TestPublishVetoAndPreviewWrites(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStage("spring", "Spring campaign", "")
	live, spring := context.Background(), f.in("spring")
	about := f.mustFind(live, "About us")
	f.edit(spring, about, "About us (spring)", "x")
	f.s.Stages.SetVeto(func(_ context.Context, st *stage.Stage, items []uuid.UUID) error {
		return errs.New(errs.Invalid, "legal has not approved %s (%d items)", st.Label, len(items))
	})
	_, err := f.s.Stages.Publish(live, "spring", stage.PublishRequest{By: f.admin})
	if !errs.Is(err, errs.Invalid) || !strings.Contains(errs.Public(err), "legal has not approved Spring campaign (1 items)") {
		t.Errorf("vetoed publish: %v", err)
	}
	if it, _ := f.s.Items.Load(live, about.ID); it.Title != "About us" {
		t.Errorf("a vetoed publish changed Live: %q", it.Title)
	}

	st := web.StageFrom(spring)
	st.Preview = true
	preview := web.WithStage(live, st)
	if _, err := f.s.Items.Update(preview, f.admin, f.page, about, item.Input{Title: "sneaky"}); !errs.Is(err, errs.Forbidden) {
		t.Errorf("write in a preview: %v, want Forbidden", err)
	}
}

// TestPreviewToken: links verify, tampered ones are refused (403) and
// expired ones are gone (410).
func TestPreviewToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStage("spring", "Spring campaign", "")
	ctx := context.Background()
	now := time.Now()
	tok, err := f.s.Stages.PreviewToken(ctx, "spring", now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if id, _, err := f.s.Stages.VerifyPreview(ctx, tok, now); err != nil || id != "spring" {
		t.Errorf("verify = %q, %v", id, err)
	}
	if _, _, err := f.s.Stages.VerifyPreview(ctx, tok, now.Add(2*time.Hour)); !errors.Is(err, stage.ErrPreviewExpired) {
		t.Errorf("expired: %v", err)
	}
	other, _ := f.s.Stages.PreviewToken(ctx, "live", now.Add(time.Hour))
	forged := strings.SplitN(other, ".", 2)[0] + "." + strings.SplitN(tok, ".", 2)[1]
	for _, bad := range []string{forged, tok + "x", "nonsense", ""} {
		if _, _, err := f.s.Stages.VerifyPreview(ctx, bad, now); !errs.Is(err, errs.Forbidden) {
			t.Errorf("verify %q: %v, want Forbidden", bad, err)
		}
	}
}

// TestRevisionsFollowTheStage: a revision made in a stage appears in the
// item's history (and loads) only in that stage until publish, then in
// Live's history too.
func TestRevisionsFollowTheStage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStage("spring", "Spring campaign", "")
	live, spring := context.Background(), f.in("spring")
	it := f.mustFind(live, "About us")
	f.edit(spring, it, "About us (spring)", "staged")

	titles := func(ctx context.Context) []string {
		revs, _, err := f.s.Items.ListRevisions(ctx, it.ID, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range revs {
			out = append(out, r.Title)
			if _, err := f.s.Items.LoadRevision(ctx, it.ID, r.ID); err != nil {
				t.Errorf("a listed revision does not load: %v", err)
			}
		}
		return out
	}
	if got := titles(live); contains(got, "About us (spring)") {
		t.Errorf("Live history shows the stage's revision: %v", got)
	}
	if got := titles(spring); !contains(got, "About us (spring)") || !contains(got, "About us") {
		t.Errorf("stage history = %v, want the stage revision over Live's", got)
	}
	if _, err := f.s.Stages.Publish(live, "spring", stage.PublishRequest{By: f.admin}); err != nil {
		t.Fatal(err)
	}
	if got := titles(live); !contains(got, "About us (spring)") {
		t.Errorf("after publish Live history = %v, want the published revision", got)
	}
}
