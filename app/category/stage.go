package category

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/trovato/trovato/app/db"
	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/pg"
	"github.com/trovato/trovato/app/user"
	"github.com/trovato/trovato/app/web"
)

// Staged terms (migrations/00017, app/stage doc). The request's stage
// (web.StageFrom) decides where a term write goes, as for items: in Live
// it changes category_term as always (and records a Live revision, the
// base later stage copies are compared with); in a stage it writes an
// immutable category_term_revision marked with the stage and points the
// stage's stage_term row at it (a deletion is a row without revision).
// A term created in a stage has no category_term row until publish. Reads
// in a stage chain go through stage_terms(chain, vocabulary) and
// stage_terms_by_id(chain, ids) (migrations/00017), the term overlay in
// SQL, used by queries/category_stage.sql; the hierarchy (tree, ancestors,
// descendants) is walked in Go over it (overlay below). Reads in Live keep
// their Live queries. Vocabularies are configuration, not content:
// they are not staged.
//
// Presave runs on every save, in a stage too, so the stage copy holds what
// Live will get; the insert/update/delete events fire when a change reaches
// Live: a Live save, or a publish into Live (NotifyPublished).

// errPreviewReadOnly refuses writes made while previewing a stage through a
// share link.
var errPreviewReadOnly = errs.New(errs.Forbidden, "You are previewing a stage through a share link; previews are read-only.")

type authorKey struct{}

// WithAuthor returns ctx naming the account that writes terms, recorded on
// term revisions (Live and stage) and on stage changes.
func WithAuthor(ctx context.Context, acct *user.Account) context.Context {
	if acct == nil || acct.ID == uuid.Nil {
		return ctx
	}
	id := acct.ID
	return context.WithValue(ctx, authorKey{}, &id)
}

func authorOf(ctx context.Context) *uuid.UUID {
	id, _ := ctx.Value(authorKey{}).(*uuid.UUID)
	return id
}

// chainOf is the stage chain ctx reads in (nil for Live).
func chainOf(ctx context.Context) []string { return web.StageFrom(ctx).Chain }

// writeChain is the stage chain a write goes to (nil for Live); a preview
// cannot write.
func writeChain(ctx context.Context) ([]string, error) {
	st := web.StageFrom(ctx)
	if st.Preview {
		return nil, errPreviewReadOnly
	}
	return st.Chain, nil
}

// LiveContext returns ctx reading and writing Live, whatever stage it
// carried.
func LiveContext(ctx context.Context) context.Context { return web.WithStage(ctx, web.Stage{}) }

// stagedTerm is a term as a stage chain sees it, with where it comes from.
type stagedTerm struct {
	Term
	source    string // the stage whose copy is read, or 'live'
	termStage string // the stage that created the term, or 'live'
}

func termStaged(ctx context.Context, q *db.Queries, chain []string, id uuid.UUID) (*stagedTerm, error) {
	r, err := q.GetTermStaged(ctx, db.GetTermStagedParams{Chain: chain, ID: id})
	if err != nil {
		return nil, pg.Classify(err, "There is no such term.")
	}
	return &stagedTerm{Term: Term{ID: r.ID, VocabularyID: r.VocabularyID, Name: r.Name, Description: r.Description,
		Format: r.Format, Weight: int(r.Weight), Parents: r.Parents, Created: r.Created, Changed: r.Changed},
		source: r.Source, termStage: r.TermStage}, nil
}

// stageHead is what the stage's parent chain (chain[1:]; Live for a stage
// under Live) reads of a term: the base of a first stage copy.
func stageHead(ctx context.Context, q *db.Queries, chain []string, id uuid.UUID) (*uuid.UUID, error) {
	rows, err := q.TermHeads(ctx, db.TermHeadsParams{Ids: []uuid.UUID{id}, Chain: chain[1:]})
	if err != nil {
		return nil, fmt.Errorf("read the base of term %s: %w", id, err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return rows[0].RevisionID, nil
}

// writeStagedCopy stores t as stage chain[0]'s copy of the term: a new
// revision and the stage's association. termStage is the stage that
// created the term ('live' for a Live term); base is set by a first copy
// only.
func writeStagedCopy(ctx context.Context, q *db.Queries, chain []string, t Term, termStage string, created bool) error {
	var base *uuid.UUID
	if !created {
		var err error
		if base, err = stageHead(ctx, q, chain, t.ID); err != nil {
			return err
		}
	}
	rev := uuid.Must(uuid.NewV7())
	parents := t.Parents
	if parents == nil {
		parents = []uuid.UUID{}
	}
	if err := q.InsertStageTermRevision(ctx, db.InsertStageTermRevisionParams{ID: rev, TermID: t.ID, VocabularyID: t.VocabularyID,
		Name: t.Name, Description: t.Description, Format: formatOr(t.Format), Weight: int32(t.Weight), Parents: parents,
		AuthorID: authorOf(ctx), StageID: chain[0]}); err != nil {
		return fmt.Errorf("save stage revision of term %s: %w", t.Name, err)
	}
	if err := q.UpsertStageTerm(ctx, db.UpsertStageTermParams{StageID: chain[0], TermID: t.ID, VocabularyID: t.VocabularyID,
		TermStage: termStage, RevisionID: &rev, BaseRevisionID: base, AuthorID: authorOf(ctx)}); err != nil {
		return fmt.Errorf("point stage %s at term %s: %w", chain[0], t.Name, err)
	}
	return nil
}

// writeStaged validates t against the chain's overlay and saves it as a
// stage copy (created: a new term, existing only in the stage until
// publish). Like the Live write it locks the vocabulary, and takes the
// stage row FOR SHARE first as item saves in a stage do (a publish into or
// out of the stage waits for it).
func (s *Service) writeStaged(ctx context.Context, chain []string, t Term, created bool) error {
	if err := normalize(&t); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if _, err := q.ShareStage(ctx, chain[0]); err != nil {
			return pg.Classify(err, fmt.Sprintf("There is no stage %q.", chain[0]))
		}
		hierarchy, err := q.LockVocabulary(ctx, t.VocabularyID)
		if err != nil {
			return pg.Classify(err, fmt.Sprintf("There is no vocabulary %q.", t.VocabularyID))
		}
		termStage := chain[0]
		if !created {
			cur, err := termStaged(ctx, q, chain, t.ID)
			if err != nil {
				return err
			}
			if cur.VocabularyID != t.VocabularyID {
				return errs.New(errs.NotFound, "There is no such term.")
			}
			termStage = cur.termStage
		}
		if msg, err := checkParents(ctx, q, chain, t, Hierarchy(hierarchy)); err != nil {
			return err
		} else if msg != "" {
			return errs.InvalidFields(map[string]string{"parents": msg})
		}
		return writeStagedCopy(ctx, q, chain, t, termStage, created)
	})
}

// deleteStaged deletes a term in stage chain[0]: a term created there is
// forgotten at once (with the copies its child stages made); any other is
// recorded as a deletion, applied to Live on publish.
func (s *Service) deleteStaged(ctx context.Context, chain []string, id uuid.UUID) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if _, err := q.ShareStage(ctx, chain[0]); err != nil {
			return pg.Classify(err, fmt.Sprintf("There is no stage %q.", chain[0]))
		}
		cur, err := termStaged(ctx, q, chain, id)
		if err != nil {
			return err
		}
		if cur.termStage == chain[0] {
			return q.PurgeStagedTerm(ctx, db.PurgeStagedTermParams{TermID: id, StageID: chain[0]})
		}
		base, err := stageHead(ctx, q, chain, id)
		if err != nil {
			return err
		}
		return q.UpsertStageTerm(ctx, db.UpsertStageTermParams{StageID: chain[0], TermID: id, VocabularyID: cur.VocabularyID,
			TermStage: cur.termStage, BaseRevisionID: base, AuthorID: authorOf(ctx)})
	})
}

// saveOrderStaged is SaveOrder in a stage: each term whose weight changes
// gets a stage copy with the new weight.
func (s *Service) saveOrderStaged(ctx context.Context, chain []string, vocabulary string, weights map[uuid.UUID]int) (int, error) {
	changed := 0
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if _, err := q.ShareStage(ctx, chain[0]); err != nil {
			return pg.Classify(err, fmt.Sprintf("There is no stage %q.", chain[0]))
		}
		if _, err := q.LockVocabulary(ctx, vocabulary); err != nil {
			return errs.New(errs.NotFound, "There is no vocabulary %q.", vocabulary)
		}
		for id, w := range weights {
			cur, err := termStaged(ctx, q, chain, id)
			if err != nil || cur.VocabularyID != vocabulary {
				return errs.New(errs.Invalid, "A term of another vocabulary cannot be reordered here.")
			}
			if cur.Weight == w {
				continue
			}
			cur.Weight = w
			if err := writeStagedCopy(ctx, q, chain, cur.Term, cur.termStage, false); err != nil {
				return err
			}
			changed++
		}
		return nil
	})
	return changed, err
}

// NotifyPublished fires the insert and update events for terms a publish
// made Live (read from Live now) and the delete events for the terms it
// deleted (as they were before).
func (s *Service) NotifyPublished(ctx context.Context, inserted, updated []uuid.UUID, deleted []Term) {
	if s.hooks == nil {
		return
	}
	live := LiveContext(ctx)
	for _, id := range inserted {
		if t, err := s.Term(live, id); err == nil {
			s.event(live, EventInsert, t)
		}
	}
	for _, id := range updated {
		if t, err := s.Term(live, id); err == nil {
			s.event(live, EventUpdate, t)
		}
	}
	for i := range deleted {
		s.event(live, EventDelete, &deleted[i])
	}
}

// overlay is a vocabulary as a stage chain sees it, with its hierarchy:
// the Go counterpart of Live's recursive queries (TermTree, TermAncestors,
// TermDescendants). Built in Go because the planner's estimates for
// recursive CTEs over a set-returning overlay are far off (millions of
// rows for a 2,000-term vocabulary), which made those plans slow and
// pulled in JIT compilation; a vocabulary is small enough to walk here.
type overlay struct {
	terms    []db.TermsStagedRow // in sibling order (weight, name, id)
	pos      map[uuid.UUID]int   // index in terms
	children map[uuid.UUID][]int // parent → children, in sibling order; uuid.Nil: roots
	parents  map[uuid.UUID][]uuid.UUID
}

func loadOverlay(ctx context.Context, q *db.Queries, chain []string, vocabulary string) (*overlay, error) {
	rows, err := q.TermsStaged(ctx, db.TermsStagedParams{Chain: chain, Vocabulary: vocabulary})
	if err != nil {
		return nil, fmt.Errorf("load the terms of %s in stage %s: %w", vocabulary, chain[0], err)
	}
	return newOverlay(rows), nil
}

// newOverlay indexes rows (in sibling order); parents outside rows are
// dropped.
func newOverlay(rows []db.TermsStagedRow) *overlay {
	o := &overlay{terms: rows, pos: make(map[uuid.UUID]int, len(rows)), children: map[uuid.UUID][]int{},
		parents: make(map[uuid.UUID][]uuid.UUID, len(rows))}
	for i, r := range rows {
		o.pos[r.ID] = i
	}
	for i, r := range rows {
		for _, p := range r.Parents {
			if _, ok := o.pos[p]; ok && p != r.ID {
				o.parents[r.ID] = append(o.parents[r.ID], p)
				o.children[p] = append(o.children[p], i)
			}
		}
		if len(o.parents[r.ID]) == 0 {
			o.children[uuid.Nil] = append(o.children[uuid.Nil], i)
		}
	}
	return o
}

// maxWalk bounds the levels of the staged ancestor and descendant walks
// (a corrupt cycle cannot make them loop; hierarchies are far shallower).
const maxWalk = 64

// ancestorsStaged walks up from id one level per query and orders the
// ancestors over the part of the overlay it read, without reading the
// whole vocabulary.
func ancestorsStaged(ctx context.Context, q *db.Queries, chain []string, id uuid.UUID) ([]Ref, error) {
	seen := map[uuid.UUID]bool{id: true}
	all := []uuid.UUID{id}
	frontier := []uuid.UUID{id}
	for level := 0; len(frontier) > 0 && level < maxWalk; level++ {
		rows, err := q.TermsByIDStaged(ctx, db.TermsByIDStagedParams{Chain: chain, Ids: frontier})
		if err != nil {
			return nil, fmt.Errorf("load ancestors of term %s: %w", id, err)
		}
		frontier = nil
		for _, r := range rows {
			for _, p := range r.Parents {
				if !seen[p] {
					seen[p] = true
					frontier = append(frontier, p)
					all = append(all, p)
				}
			}
		}
	}
	o, err := subOverlay(ctx, q, chain, all)
	if err != nil {
		return nil, err
	}
	return o.ancestors(id), nil
}

// descendantsStaged walks down from id, two queries per level (see
// TermChildCandidates), and orders the descendants over what it read.
func descendantsStaged(ctx context.Context, q *db.Queries, chain []string, vocabulary string, id uuid.UUID) ([]Ref, error) {
	seen := map[uuid.UUID]bool{id: true}
	all := []uuid.UUID{id}
	frontier := []uuid.UUID{id}
	for level := 0; len(frontier) > 0 && level < maxWalk; level++ {
		candidates, err := q.TermChildCandidates(ctx, db.TermChildCandidatesParams{Ids: frontier, Chain: chain, Vocabulary: vocabulary})
		if err != nil {
			return nil, fmt.Errorf("load descendants of term %s: %w", id, err)
		}
		rows, err := q.TermsByIDStaged(ctx, db.TermsByIDStagedParams{Chain: chain, Ids: candidates})
		if err != nil {
			return nil, fmt.Errorf("load descendants of term %s: %w", id, err)
		}
		parent := make(map[uuid.UUID]bool, len(frontier))
		for _, f := range frontier {
			parent[f] = true
		}
		frontier = nil
		for _, r := range rows {
			if !seen[r.ID] && slices.ContainsFunc(r.Parents, func(p uuid.UUID) bool { return parent[p] }) {
				seen[r.ID] = true
				frontier = append(frontier, r.ID)
				all = append(all, r.ID)
			}
		}
	}
	if len(all) == 1 {
		return []Ref{}, nil
	}
	o, err := subOverlay(ctx, q, chain, all)
	if err != nil {
		return nil, err
	}
	return o.descendants(id), nil
}

// subOverlay is the overlay restricted to ids, in sibling order.
func subOverlay(ctx context.Context, q *db.Queries, chain []string, ids []uuid.UUID) (*overlay, error) {
	rows, err := q.TermsByIDStaged(ctx, db.TermsByIDStagedParams{Chain: chain, Ids: ids})
	if err != nil {
		return nil, fmt.Errorf("load terms: %w", err)
	}
	conv := make([]db.TermsStagedRow, len(rows))
	for i, r := range rows {
		conv[i] = db.TermsStagedRow(r)
	}
	return newOverlay(conv), nil
}

// tree lists the terms depth first from the roots, siblings in order; a
// term with several parents appears under each; a cycle is not followed.
func (o *overlay) tree() []TreeTerm {
	out := make([]TreeTerm, 0, len(o.terms))
	var walk func(parent uuid.UUID, depth int, seen []uuid.UUID)
	walk = func(parent uuid.UUID, depth int, seen []uuid.UUID) {
		for _, i := range o.children[parent] {
			r := o.terms[i]
			if slices.Contains(seen, r.ID) {
				continue
			}
			out = append(out, TreeTerm{ID: r.ID, Name: r.Name, Description: r.Description, Weight: int(r.Weight),
				Parent: parent, Depth: depth})
			walk(r.ID, depth+1, append(seen, r.ID))
		}
	}
	walk(uuid.Nil, 0, nil)
	return out
}

// ancestors lists each ancestor of id once, at its greatest distance,
// farthest first (then in sibling order); cycle-safe.
func (o *overlay) ancestors(id uuid.UUID) []Ref {
	depth := map[uuid.UUID]int{}
	var up func(t uuid.UUID, d int, seen []uuid.UUID)
	up = func(t uuid.UUID, d int, seen []uuid.UUID) {
		for _, p := range o.parents[t] {
			if slices.Contains(seen, p) {
				continue
			}
			depth[p] = max(depth[p], d)
			up(p, d+1, append(seen, p))
		}
	}
	up(id, 1, []uuid.UUID{id})
	return o.refs(depth, func(a, b int) bool { return a > b })
}

// descendants lists each descendant of id once, at its smallest distance,
// nearest first (then in sibling order).
func (o *overlay) descendants(id uuid.UUID) []Ref {
	depth := map[uuid.UUID]int{}
	frontier := []uuid.UUID{id}
	for d := 1; len(frontier) > 0; d++ {
		var next []uuid.UUID
		for _, t := range frontier {
			for _, i := range o.children[t] {
				c := o.terms[i].ID
				if _, done := depth[c]; done || c == id {
					continue
				}
				depth[c] = d
				next = append(next, c)
			}
		}
		frontier = next
	}
	return o.refs(depth, func(a, b int) bool { return a < b })
}

// refs orders the terms of depth by depth (first before second when
// before(first, second)), then in sibling order.
func (o *overlay) refs(depth map[uuid.UUID]int, before func(a, b int) bool) []Ref {
	out := make([]Ref, 0, len(depth))
	for id, d := range depth {
		out = append(out, Ref{ID: id, Name: o.terms[o.pos[id]].Name, Depth: d})
	}
	slices.SortFunc(out, func(a, b Ref) int {
		switch {
		case a.Depth != b.Depth && before(a.Depth, b.Depth):
			return -1
		case a.Depth != b.Depth:
			return 1
		}
		return o.pos[a.ID] - o.pos[b.ID]
	})
	return out
}
