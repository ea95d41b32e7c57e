package stage_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/trovato/trovato/app/gather"
	"github.com/trovato/trovato/app/item"
	"github.com/trovato/trovato/app/server"
	"github.com/trovato/trovato/app/stage"
	"github.com/trovato/trovato/app/web"
)

// chainSource is the overlay Gather used before stage_effective: the chain
// resolved per row with a LATERAL probe of stage_association (nearest stage
// first), items deleted anywhere in the chain dropped, items created in the
// chain added. The listings built on stage_effective must return exactly
// what it returns.
const chainSource = `(SELECT it.id, it.type, COALESCE(r.title, it.title) AS title, it.author_id,
    COALESCE(r.status, it.status) AS status, it.created, COALESCE(r.fields, it.fields) AS fields
  FROM item it
  LEFT JOIN LATERAL (
    SELECT rv.title, rv.status, rv.fields
    FROM stage_association sa JOIN item_revision rv ON rv.id = sa.revision_id
    WHERE sa.item_id = it.id AND sa.entity_kind = 'item' AND sa.stage_id = ANY($1::text[])
    ORDER BY array_position($1::text[], sa.stage_id) LIMIT 1) r ON true
  WHERE (it.stage_id = 'live' OR it.stage_id = ANY($1::text[]))
    AND NOT EXISTS (SELECT 1 FROM stage_deletion d
      WHERE d.item_id = it.id AND d.entity_kind = 'item' AND d.stage_id = ANY($1::text[]))) i`

// listedRow is what the comparison looks at of a listing row.
type listedRow struct {
	ID       uuid.UUID
	Title    string
	Status   bool
	Subtitle string
}

// page is one page of a listing and whether the pager offers a next one.
type page struct {
	Rows    []listedRow
	HasNext bool
}

// overlayCase is a listing shape the comparison runs: its definition and
// the reference statement's condition and order.
type overlayCase struct {
	name  string
	def   gather.Definition
	order string
}

func overlayCases() []overlayCase {
	byCreated := server.RecentPages
	byCreated.Filters = nil
	byCreated.Pager.ItemsPerPage = 4
	byTitle := byCreated
	byTitle.Sorts = []gather.Sort{{Field: "title", Direction: "asc"}}
	return []overlayCase{
		{"created", byCreated, "i.created DESC, i.id DESC"},
		{"title", byTitle, "i.title ASC, i.id DESC"},
	}
}

// gatherPages pages through a listing as chain sees it.
func (f *fixture) gatherPages(c overlayCase, chain []string, anonymous bool) []page {
	f.t.Helper()
	v := gather.Viewer{SeesUnpublished: !anonymous, Stage: chain}
	var out []page
	for p := 0; ; p++ {
		res, err := f.s.Gather.Run(context.Background(), &c.def, v, p)
		if err != nil {
			f.t.Fatalf("%s page %d: %v", c.name, p, err)
		}
		pg := page{HasNext: res.HasNext}
		for _, r := range res.Rows {
			sub := ""
			if v := r.Fields["field_subtitle"]; len(v) > 0 {
				sub, _ = v[0]["value"].(string)
			}
			pg.Rows = append(pg.Rows, listedRow{r.ID, r.Title, r.Status, sub})
		}
		out = append(out, pg)
		if !res.HasNext || p > 50 {
			return out
		}
	}
}

// referencePages pages through the same listing with chainSource.
func (f *fixture) referencePages(c overlayCase, chain []string, anonymous bool) []page {
	f.t.Helper()
	n := c.def.Pager.ItemsPerPage
	var out []page
	for p := 0; ; p++ {
		q := `SELECT i.id, i.title, i.status, COALESCE(i.fields -> 'field_subtitle' -> 0 ->> 'value', '') FROM ` + chainSource + `
			WHERE i.type = 'page' AND (i.status OR NOT $2) ORDER BY ` + c.order + ` LIMIT $3 OFFSET $4`
		rows, err := f.s.Pool.Query(context.Background(), q, chain, anonymous, n+1, p*n)
		if err != nil {
			f.t.Fatal(err)
		}
		var pg page
		for rows.Next() {
			var r listedRow
			if err := rows.Scan(&r.ID, &r.Title, &r.Status, &r.Subtitle); err != nil {
				f.t.Fatal(err)
			}
			pg.Rows = append(pg.Rows, r)
		}
		if err := rows.Err(); err != nil {
			f.t.Fatal(err)
		}
		if len(pg.Rows) > n {
			pg.Rows, pg.HasNext = pg.Rows[:n], true
		}
		out = append(out, pg)
		if !pg.HasNext || p > 50 {
			return out
		}
	}
}

// sameAsChain compares every listing shape, for anonymous and editor
// viewers, in each chain, with the reference overlay.
func (f *fixture) sameAsChain(step string, chains ...[]string) {
	f.t.Helper()
	for _, chain := range chains {
		for _, c := range overlayCases() {
			for _, anon := range []bool{false, true} {
				got, want := f.gatherPages(c, chain, anon), f.referencePages(c, chain, anon)
				if diff := cmp.Diff(want, got); diff != "" {
					f.t.Errorf("%s: chain %v, %s, anonymous %v: listing differs from the chain overlay (-want +got):\n%s",
						step, chain, c.name, anon, diff)
				}
			}
		}
	}
}

// TestEffectiveOverlayMatchesChain: listings read through stage_effective
// return the same rows, in the same order, on the same pages, as the
// per-row chain resolution they replaced, through edits, unpublishing,
// creations and deletions in a stage and its child, a child overriding its
// parent, a parent deleting what the child edited, re-parenting, move,
// discard and publish.
func TestEffectiveOverlayMatchesChain(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStage("spring", "Spring campaign", "")
	f.addStage("spring_fr", "Spring (French)", "spring")
	f.addStage("other", "Other", "")
	live, spring, child, other := context.Background(), f.in("spring"), f.in("spring_fr"), f.in("other")
	chains := [][]string{nil, {"spring"}, {"spring_fr", "spring"}, {"other"}}
	check := func(step string) {
		t.Helper()
		f.sameAsChain(step, chains...)
	}
	check("start")

	about := f.mustFind(live, "About us")
	f.edit(spring, about, "About us (spring)", "Now with flowers")
	stages := f.mustFind(live, "Stages")
	off := false
	if _, err := f.s.Items.Update(spring, f.admin, f.page, stages, item.Input{Title: "Stages (hidden)", Status: &off}); err != nil {
		t.Fatal(err)
	}
	sale := f.create(spring, "Spring sale")
	contact := f.mustFind(live, "Contact")
	if err := f.s.Items.Delete(spring, contact.ID); err != nil {
		t.Fatal(err)
	}
	check("parent stage changes")

	f.edit(child, f.mustLoad(child, about.ID), "À propos (printemps)", "Avec des fleurs")
	themes := f.mustFind(live, "Themes")
	f.edit(child, themes, "Thèmes", "Composants")
	plugins := f.mustFind(live, "Plugins")
	if err := f.s.Items.Delete(child, plugins.ID); err != nil {
		t.Fatal(err)
	}
	f.create(child, "Vente de printemps")
	f.edit(other, themes, "Themes (other)", "Elsewhere")
	check("child overrides its parent")

	// The parent deletes what the child edited: deleted in the chain wins.
	if err := f.s.Items.Delete(spring, themes.ID); err != nil {
		t.Fatal(err)
	}
	check("parent deletes the child's item")

	// A later save of the same item in the parent shows through the child
	// only where the child has no copy.
	f.edit(spring, f.mustLoad(spring, about.ID), "About us (spring 2)", "More flowers")
	check("parent saves again")

	// Re-parenting: the child stops (then starts again) seeing the parent.
	if err := f.s.Stages.Update(live, stage.Stage{ID: "spring_fr", Label: "Spring (French)"}); err != nil {
		t.Fatal(err)
	}
	f.sameAsChain("child moved under Live", []string{"spring_fr"})
	if err := f.s.Stages.Update(live, stage.Stage{ID: "spring_fr", Label: "Spring (French)", ParentID: "spring"}); err != nil {
		t.Fatal(err)
	}
	check("child back under its parent")

	if err := f.s.Stages.MoveItem(live, "spring", "other", sale.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.s.Stages.DiscardItem(live, "spring", about.ID); err != nil {
		t.Fatal(err)
	}
	check("move and discard one item")

	if err := f.s.Stages.Discard(live, "other"); err != nil {
		t.Fatal(err)
	}
	check("discard a stage")

	if _, err := f.s.Stages.Publish(live, "spring", stage.PublishRequest{By: f.admin}); err != nil {
		t.Fatalf("publish spring: %v", err)
	}
	check("parent published")

	if err := f.s.Stages.Delete(live, "spring_fr"); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := f.s.Pool.QueryRow(live, `SELECT count(*) FROM stage_effective WHERE stage_id = 'spring_fr'`).Scan(&left); err != nil || left != 0 {
		t.Errorf("rows of a deleted stage left in stage_effective: %d, %v", left, err)
	}
	f.sameAsChain("child deleted", nil, []string{"spring"})
}

func (f *fixture) mustLoad(ctx context.Context, id uuid.UUID) *item.Item {
	f.t.Helper()
	it, err := f.s.Items.Load(ctx, id)
	if err != nil {
		f.t.Fatalf("load %s in %s: %v", id, web.StageFrom(ctx).ID, err)
	}
	return it
}
