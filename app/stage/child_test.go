package stage_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/item"
	"github.com/trovato/trovato/app/stage"
)

// historyTitles lists the titles of an item's revisions as ctx's stage sees
// its history; every listed revision must load.
func (f *fixture) historyTitles(ctx context.Context, id uuid.UUID) []string {
	f.t.Helper()
	revs, _, err := f.s.Items.ListRevisions(ctx, id, 0, 50)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []string
	for _, r := range revs {
		out = append(out, r.Title)
		if _, err := f.s.Items.LoadRevision(ctx, id, r.ID); err != nil {
			f.t.Errorf("revision %q is listed but does not load: %v", r.Title, err)
		}
	}
	return out
}

// TestChildPublishConflicts: a child stage publishing into its parent runs
// the same conflict checks as a publish to Live, against what the parent
// reads now (its own copy, else Live): a change there since the child's
// copy was made stops the publish until the editor overwrites or skips the
// item; a resolution made against an older parent revision conflicts
// again. Published changes carry their revisions into the parent's history,
// and the parent then publishes them to Live.
func TestChildPublishConflicts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStage("spring", "Spring campaign", "")
	f.addStage("spring_fr", "Spring (French)", "spring")
	live, spring, child := context.Background(), f.in("spring"), f.in("spring_fr")

	about := f.mustFind(live, "About us")
	themes := f.mustFind(live, "Themes")
	plugins := f.mustFind(live, "Plugins")
	f.edit(spring, about, "About us (spring)", "parent")
	f.edit(child, f.mustLoad(child, about.ID), "À propos", "enfant")
	f.edit(child, themes, "Thèmes", "enfant")
	f.edit(child, plugins, "Extensions", "enfant")
	// Nothing changed in the parent yet: no conflict is flagged.
	for _, c := range mustChanges(t, f, "spring_fr") {
		if c.Conflicted() {
			t.Errorf("%s is flagged as a conflict before the parent changed", c.Title)
		}
	}

	// The parent saves About us again and Live changes Themes (which the
	// parent reads from Live): both are conflicts of the child's publish.
	parentAbout := f.edit(spring, f.mustLoad(spring, about.ID), "About us (spring 2)", "parent again")
	liveThemes := f.edit(live, themes, "Themes (live fix)", "live")

	_, err := f.s.Stages.Publish(live, "spring_fr", stage.PublishRequest{By: f.admin})
	var ce *stage.ConflictError
	if !errors.As(err, &ce) || !errs.Is(err, errs.Conflict) {
		t.Fatalf("child publish with conflicts: err = %v, want a ConflictError", err)
	}
	if ce.Target != "spring" || !strings.Contains(ce.Error(), "Stage spring changed") {
		t.Errorf("conflict target = %q, message %q; want the parent stage", ce.Target, ce.Error())
	}
	got := map[uuid.UUID]stage.Conflict{}
	for _, c := range ce.Conflicts {
		got[c.ItemID] = c
	}
	if c, ok := got[about.ID]; !ok || c.LiveRevision != parentAbout.RevisionID || !strings.Contains(c.Reason, "changed in stage spring by admin") {
		t.Errorf("About us conflict = %+v (present %v); want the parent's new revision, changed in stage spring", c, ok)
	}
	if c, ok := got[themes.ID]; !ok || c.LiveRevision != liveThemes.RevisionID || !strings.Contains(c.Reason, "changed in Live") {
		t.Errorf("Themes conflict = %+v (present %v); want Live's new revision", c, ok)
	}
	if len(ce.Conflicts) != 2 {
		t.Errorf("conflicts = %+v; want About us and Themes only", ce.Conflicts)
	}
	flagged := 0
	for _, c := range mustChanges(t, f, "spring_fr") {
		if c.Conflicted() {
			flagged++
		}
	}
	if flagged != 2 {
		t.Errorf("the review flags %d conflicts, want 2", flagged)
	}
	// Nothing moved.
	if it := f.mustLoad(spring, plugins.ID); it.Title != "Plugins" {
		t.Errorf("a conflicting child publish changed the parent: Plugins reads %q there", it.Title)
	}
	if n, _ := f.s.Stages.Changes(live, "spring_fr"); n != 3 {
		t.Errorf("child changes after the refused publish = %d, want 3", n)
	}

	// Skip About us, overwrite Themes: Themes and Plugins move up.
	res, err := f.s.Stages.Publish(live, "spring_fr", stage.PublishRequest{By: f.admin, Resolutions: map[uuid.UUID]stage.Resolution{
		about.ID:  {Overwrite: false, SeenLive: parentAbout.RevisionID},
		themes.ID: {Overwrite: true, SeenLive: liveThemes.RevisionID},
	}})
	if err != nil || res.Target != "spring" || len(res.Published) != 2 || len(res.Skipped) != 1 {
		t.Fatalf("child publish with choices = %+v, %v", res, err)
	}
	if it := f.mustLoad(spring, themes.ID); it.Title != "Thèmes" {
		t.Errorf("parent Themes = %q, want the child's", it.Title)
	}
	if it := f.mustLoad(spring, about.ID); it.Title != "About us (spring 2)" {
		t.Errorf("parent About us = %q, want the parent's own (skipped)", it.Title)
	}
	if it := f.mustLoad(child, about.ID); it.Title != "À propos" {
		t.Errorf("child About us = %q, want it kept in the child", it.Title)
	}
	// The moved revisions are the parent's now: its history shows them.
	if h := f.historyTitles(spring, plugins.ID); !contains(h, "Extensions") {
		t.Errorf("parent history of Plugins = %v, want the child's revision", h)
	}

	// The parent moves again: the old resolution no longer applies.
	newer := f.edit(spring, f.mustLoad(spring, about.ID), "About us (spring 3)", "parent")
	_, err = f.s.Stages.Publish(live, "spring_fr", stage.PublishRequest{By: f.admin, Resolutions: map[uuid.UUID]stage.Resolution{
		about.ID: {Overwrite: true, SeenLive: parentAbout.RevisionID}}})
	if !errors.As(err, &ce) || len(ce.Conflicts) != 1 || ce.Conflicts[0].LiveRevision != newer.RevisionID {
		t.Fatalf("overwrite against a stale parent revision: err = %v; want a conflict naming the newer one", err)
	}
	if _, err := f.s.Stages.Publish(live, "spring_fr", stage.PublishRequest{By: f.admin, Resolutions: map[uuid.UUID]stage.Resolution{
		about.ID: {Overwrite: true, SeenLive: newer.RevisionID}}}); err != nil {
		t.Fatalf("overwrite: %v", err)
	}
	if it := f.mustLoad(spring, about.ID); it.Title != "À propos" {
		t.Errorf("parent About us after overwrite = %q", it.Title)
	}

	// The parent publishes everything (the child's revisions included) to
	// Live. Live's change to Themes was decided on when the child published
	// (the parent read Live's copy then): no second warning.
	if _, err := f.s.Stages.Publish(live, "spring", stage.PublishRequest{By: f.admin}); err != nil {
		t.Fatalf("parent publish: %v", err)
	}
	for id, want := range map[uuid.UUID]string{about.ID: "À propos", themes.ID: "Thèmes", plugins.ID: "Extensions"} {
		if it := f.mustLoad(live, id); it.Title != want {
			t.Errorf("Live title = %q, want %q", it.Title, want)
		}
	}
}

func mustChanges(t *testing.T, f *fixture, id string) []stage.Change {
	t.Helper()
	cs, err := f.s.Stages.ListChanges(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// TestMoveCarriesProvenance: moving an item's change to another stage moves
// the stage's revisions of it too, so the target's history shows them (and
// loads them), the source's does not, and the target publishes them.
func TestMoveCarriesProvenance(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStage("spring", "Spring campaign", "")
	f.addStage("summer", "Summer", "")
	live, spring, summer := context.Background(), f.in("spring"), f.in("summer")
	about := f.mustFind(live, "About us")
	contact := f.mustFind(live, "Contact")
	first := f.edit(spring, about, "About us (draft 1)", "one")
	f.edit(spring, contact, "Contact (spring)", "one")
	// Live changes Contact after spring's copy: the moved copy keeps its
	// base, so summer's publish still warns.
	liveContact := f.edit(live, contact, "Contact (live)", "live")
	f.edit(spring, first, "About us (draft 2)", "two")
	created := f.create(spring, "Spring sale")

	if h := f.historyTitles(summer, about.ID); contains(h, "About us (draft 2)") {
		t.Fatalf("summer history shows spring's revisions before the move: %v", h)
	}
	for _, id := range []uuid.UUID{about.ID, created.ID, contact.ID} {
		if err := f.s.Stages.MoveItem(live, "spring", "summer", id); err != nil {
			t.Fatal(err)
		}
	}
	h := f.historyTitles(summer, about.ID)
	if !contains(h, "About us (draft 1)") || !contains(h, "About us (draft 2)") || !contains(h, "About us") {
		t.Errorf("summer history after the move = %v; want both drafts over Live's revision", h)
	}
	if h := f.historyTitles(spring, about.ID); contains(h, "About us (draft 1)") || contains(h, "About us (draft 2)") {
		t.Errorf("spring history after the move = %v; want no drafts", h)
	}
	if h := f.historyTitles(summer, created.ID); !contains(h, "Spring sale") {
		t.Errorf("summer history of the moved created item = %v", h)
	}
	var stages []string
	rows, err := f.s.Pool.Query(live, `SELECT DISTINCT stage_id FROM item_revision WHERE item_id = ANY($1) AND NOT in_live`, []uuid.UUID{about.ID, created.ID})
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		stages = append(stages, s)
	}
	if len(stages) != 1 || stages[0] != "summer" {
		t.Errorf("provenance of the moved revisions = %v, want [summer]", stages)
	}
	if it := f.mustLoad(summer, about.ID); it.Title != "About us (draft 2)" || it.RevisionStage != "summer" {
		t.Errorf("summer About us = %q from %q; want draft 2 from summer", it.Title, it.RevisionStage)
	}
	_, err = f.s.Stages.Publish(live, "summer", stage.PublishRequest{By: f.admin})
	var ce *stage.ConflictError
	if !errors.As(err, &ce) || len(ce.Conflicts) != 1 || ce.Conflicts[0].ItemID != contact.ID {
		t.Fatalf("publish summer: err = %v; want the Contact conflict (Live changed after spring's copy)", err)
	}
	if _, err := f.s.Stages.Publish(live, "summer", stage.PublishRequest{By: f.admin, Resolutions: map[uuid.UUID]stage.Resolution{
		contact.ID: {Overwrite: true, SeenLive: liveContact.RevisionID}}}); err != nil {
		t.Fatalf("publish summer: %v", err)
	}
	if h := f.historyTitles(live, about.ID); !contains(h, "About us (draft 1)") || !contains(h, "About us (draft 2)") {
		t.Errorf("Live history after publishing the moved change = %v", h)
	}
}

// TestPublishValidates: publish re-validates the stage revisions against
// their type as it is now (a field became required after the copy): an
// invalid item stops the publish and nothing changes; skipping that item
// (it conflicts too) lets the rest go Live.
func TestPublishValidates(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStage("spring", "Spring campaign", "")
	live, spring := context.Background(), f.in("spring")
	about := f.mustFind(live, "About us")
	themes := f.mustFind(live, "Themes")
	f.edit(spring, themes, "Themes (spring)", "fine")
	if _, err := f.s.Items.Update(spring, f.admin, f.page, about, item.Input{Title: "About us (no subtitle)"}); err != nil {
		t.Fatal(err)
	}
	def, ok := f.page.Field("field_subtitle")
	if !ok {
		t.Fatal("page has no field_subtitle")
	}
	def.Required = true
	if err := f.s.Items.SaveField(live, "page", def); err != nil {
		t.Fatal(err)
	}

	_, err := f.s.Stages.Publish(live, "spring", stage.PublishRequest{By: f.admin})
	if !errs.Is(err, errs.Invalid) || !strings.Contains(errs.Public(err), "About us (no subtitle)") || strings.Contains(errs.Public(err), "Themes") {
		t.Fatalf("publish with an invalid item: %v; want Invalid naming About us only", err)
	}
	if it := f.mustLoad(live, themes.ID); it.Title != "Themes" {
		t.Errorf("a refused publish changed Live: %q", it.Title)
	}

	// Live changes About us: skipping the conflict leaves only valid items.
	liveAbout := f.edit(live, about, "About us (live)", "live")
	res, err := f.s.Stages.Publish(live, "spring", stage.PublishRequest{By: f.admin, Resolutions: map[uuid.UUID]stage.Resolution{
		about.ID: {Overwrite: false, SeenLive: liveAbout.RevisionID}}})
	if err != nil || len(res.Published) != 1 || res.Published[0] != themes.ID {
		t.Fatalf("publish skipping the invalid item = %+v, %v", res, err)
	}
	if it := f.mustLoad(live, themes.ID); it.Title != "Themes (spring)" {
		t.Errorf("Live Themes = %q", it.Title)
	}
}

// TestChildPublishAfterParentDeleted: the parent stage deleting an item the
// child edited is a conflict of the child's publish; overwriting brings the
// child's copy into the parent in place of the deletion.
func TestChildPublishAfterParentDeleted(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStage("spring", "Spring campaign", "")
	f.addStage("spring_fr", "Spring (French)", "spring")
	live, spring, child := context.Background(), f.in("spring"), f.in("spring_fr")
	plugins := f.mustFind(live, "Plugins")
	f.edit(child, plugins, "Extensions", "enfant")
	if err := f.s.Items.Delete(spring, plugins.ID); err != nil {
		t.Fatal(err)
	}
	// The review list warns before publish does.
	for _, c := range mustChanges(t, f, "spring_fr") {
		if c.ItemID == plugins.ID && !c.Conflicted() {
			t.Errorf("the child's change of an item its parent deleted is not flagged as a conflict: %+v", c)
		}
	}
	_, err := f.s.Stages.Publish(live, "spring_fr", stage.PublishRequest{By: f.admin})
	var ce *stage.ConflictError
	if !errors.As(err, &ce) || len(ce.Conflicts) != 1 || ce.Conflicts[0].LiveRevision != uuid.Nil ||
		!strings.Contains(ce.Conflicts[0].Reason, "Stage spring deleted this item") {
		t.Fatalf("child publish over a parent deletion: err = %v (%+v); want a deletion conflict", err, ce)
	}
	if _, err := f.s.Items.Load(spring, plugins.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("the refused publish undid the parent's deletion: %v", err)
	}
	if _, err := f.s.Stages.Publish(live, "spring_fr", stage.PublishRequest{By: f.admin, Resolutions: map[uuid.UUID]stage.Resolution{
		plugins.ID: {Overwrite: true, SeenLive: uuid.Nil}}}); err != nil {
		t.Fatalf("overwrite: %v", err)
	}
	if it := f.mustLoad(spring, plugins.ID); it.Title != "Extensions" {
		t.Errorf("parent Plugins after overwrite = %q, want the child's copy", it.Title)
	}
}

// TestParentSavesWaitForChildPublish: a child publishing into its parent
// holds the parent's stage row (FOR UPDATE) from its conflict check to its
// commit, and a save in the parent waits for it instead of landing between
// the check and the writes (where it would be overwritten without a
// conflict). Every save in a stage takes the stage row FOR SHARE as its
// first statement (the foreign keys of its inserts would take a weaker
// lock too, but later in the transaction, and a stage deletion would then
// deadlock with the publish instead of waiting).
func TestParentSavesWaitForChildPublish(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStage("autumn", "Autumn", "")
	f.addStage("autumn_de", "Autumn (German)", "autumn")
	live, parent, child := context.Background(), f.in("autumn"), f.in("autumn_de")
	about := f.mustFind(live, "About us")
	themes := f.mustFind(live, "Themes")
	f.edit(child, about, "Über uns", "kind")

	f.s.Stages.SetPublishItemDelay(700 * time.Millisecond)
	published := make(chan error, 1)
	go func() {
		_, err := f.s.Stages.Publish(live, "autumn_de", stage.PublishRequest{By: f.admin})
		published <- err
	}()
	// Wait until the publish has written (MoveCreatedItems is its last
	// statement) and sleeps before committing, holding the parent's row.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var waiting bool
		if err := f.s.Pool.QueryRow(live, `SELECT count(*) > 0 FROM pg_stat_activity
			WHERE datname = current_database() AND state = 'idle in transaction' AND query LIKE '%MoveCreatedItems%'`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the publish never reached its pause")
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.edit(parent, themes, "Themes (autumn)", "parent")
	select {
	case err := <-published:
		if err != nil {
			t.Fatalf("child publish: %v", err)
		}
	default:
		t.Fatal("a save in the parent finished while the child's publish into it had not committed")
	}
	if got := f.mustLoad(parent, about.ID).Title; got != "Über uns" {
		t.Errorf("parent's About us = %q after the child's publish", got)
	}
}
