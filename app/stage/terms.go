package stage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/category"
	"github.com/trovato/trovato/app/db"
	"github.com/trovato/trovato/app/errs"
)

// Staged category terms (migrations/00017, app/category/stage.go). A term
// change rides along with the stage's item changes: the review lists it,
// publish applies it in the same transaction (before the items, so items
// tagged with a term created in the stage find it in Live), with the same
// conflict check and resolutions (keyed by the term's id), and discard
// forgets it.

// TermChange is one changed, added or deleted category term of a stage.
type TermChange struct {
	Kind            string // changed, added, deleted
	TermID          uuid.UUID
	Vocabulary      string
	VocabularyLabel string
	Name            string // the stage's name (the base's for a deletion)
	Description     string
	Weight          int
	Parents         []uuid.UUID
	RevisionID      *uuid.UUID // the stage's copy; nil for a deletion
	BaseRevision    *uuid.UUID // what the stage read when the copy was made; nil for added terms
	HasBase         bool
	BaseName        string
	BaseDescription string
	BaseWeight      int
	BaseParents     []uuid.UUID
	Author          string
	Changed         time.Time
	// What the publish target (Live, or the parent stage) holds now.
	TargetRevision *uuid.UUID
	TargetGone     bool   // the target no longer has the term (deleted there)
	reason         string // who changed the target's copy, for conflicts
}

// Conflicted reports whether the publish target changed the term since the
// stage copy was made.
func (c *TermChange) Conflicted() bool {
	if c.Kind == "added" || c.BaseRevision == nil {
		return false
	}
	if c.TargetGone {
		return c.Kind != "deleted"
	}
	return c.TargetRevision == nil || *c.TargetRevision != *c.BaseRevision
}

// SetCategories connects the category service, whose hooks (the plugin
// taps category_term_insert/update/delete) hear about terms a publish
// makes Live. Without it terms are published silently.
func (s *Service) SetCategories(c *category.Service) { s.cats = c }

// ListTermChanges returns every term change of a stage, newest first, with
// what the publish target holds now.
func (s *Service) ListTermChanges(ctx context.Context, id string) ([]TermChange, error) {
	st, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	target, err := s.targetChain(ctx, st)
	if err != nil {
		return nil, err
	}
	out, err := termChanges(ctx, s.q, st.ID)
	if err != nil {
		return nil, err
	}
	return out, termHeads(ctx, s.q, target, out)
}

// targetChain is the chain a publish of st writes into: nil for Live, else
// the parent stage's chain.
func (s *Service) targetChain(ctx context.Context, st *Stage) ([]string, error) {
	if st.ParentID == "" {
		return []string{}, nil
	}
	c, err := s.Chain(ctx, st.ParentID)
	if err != nil {
		return nil, err
	}
	return c.Chain, nil
}

func termChanges(ctx context.Context, q *db.Queries, id string) ([]TermChange, error) {
	rows, err := q.StageTermChanges(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("list term changes of stage %s: %w", id, err)
	}
	out := make([]TermChange, 0, len(rows))
	for _, r := range rows {
		c := TermChange{Kind: "changed", TermID: r.TermID, Vocabulary: r.VocabularyID, VocabularyLabel: r.VocabularyLabel,
			Name: r.Name, Description: r.Description, Weight: int(r.Weight), Parents: r.Parents,
			RevisionID: r.RevisionID, BaseRevision: r.BaseRevisionID, HasBase: r.HasBase, BaseName: r.BaseName,
			BaseDescription: r.BaseDescription, BaseWeight: int(r.BaseWeight), BaseParents: r.BaseParents,
			Author: r.AuthorName, Changed: r.Changed}
		switch {
		case r.RevisionID == nil:
			c.Kind = "deleted"
		case r.TermStage == id:
			// Created in this stage (or by a child that published into
			// it). A Live term without a recorded revision (written by
			// raw SQL) has no base either, but stays a change.
			c.Kind = "added"
		}
		out = append(out, c)
	}
	return out, nil
}

// termHeads fills what chain (nil or empty: Live) holds now of each term.
func termHeads(ctx context.Context, q *db.Queries, chain []string, cs []TermChange) error {
	if len(cs) == 0 {
		return nil
	}
	if chain == nil {
		chain = []string{}
	}
	ids := make([]uuid.UUID, 0, len(cs))
	for _, c := range cs {
		ids = append(ids, c.TermID)
	}
	rows, err := q.TermHeads(ctx, db.TermHeadsParams{Ids: ids, Chain: chain})
	if err != nil {
		return fmt.Errorf("read the target's terms: %w", err)
	}
	by := make(map[uuid.UUID]db.TermHeadsRow, len(rows))
	for _, r := range rows {
		by[r.ID] = r
	}
	target := "Live"
	if len(chain) > 0 {
		target = "Stage " + chain[0]
	}
	for i := range cs {
		r := by[cs[i].TermID]
		cs[i].TargetRevision = r.RevisionID
		cs[i].TargetGone = r.RevisionID == nil
		switch {
		case cs[i].TargetGone:
			cs[i].reason = fmt.Sprintf("%s deleted this term after this stage's copy was made.", target)
		case r.RevisionCreated != nil:
			where := "in Live"
			if r.RevisionStage != Live {
				where = "in stage " + r.RevisionStage
			}
			who := r.RevisionAuthor
			if who == "" {
				who = "someone"
			}
			cs[i].reason = fmt.Sprintf("%s's copy of the term was changed %s by %s on %s, after this stage's copy was made.",
				target, where, who, r.RevisionCreated.Format("2006-01-02 15:04:05"))
		}
	}
	return nil
}

// withCreatedTerms adds to a publish of chosen changes the terms the stage
// created that they depend on: the terms the chosen items' revisions
// reference, and the stage-created parents of every term going out.
// Without them the target would hold references to terms it does not have
// (the field shows them as missing) or terms under parents it lacks.
func withCreatedTerms(ctx context.Context, q *db.Queries, items []Change, terms, all []TermChange) ([]TermChange, error) {
	created := map[uuid.UUID]TermChange{}
	for _, c := range all {
		if c.Kind == "added" {
			created[c.TermID] = c
		}
	}
	if len(created) == 0 {
		return terms, nil
	}
	going := make(map[uuid.UUID]bool, len(terms))
	for _, c := range terms {
		going[c.TermID] = true
	}
	var need []uuid.UUID
	var revs []uuid.UUID
	for _, c := range items {
		if c.Kind != "deleted" {
			revs = append(revs, c.RevisionID)
		}
	}
	if len(revs) > 0 {
		targets, err := q.RevisionTargetIDs(ctx, revs)
		if err != nil {
			return nil, fmt.Errorf("read the terms the chosen items reference: %w", err)
		}
		for _, t := range targets {
			if id, err := uuid.Parse(t); err == nil {
				need = append(need, id)
			}
		}
	}
	for _, c := range terms {
		need = append(need, c.Parents...)
	}
	for len(need) > 0 {
		id := need[len(need)-1]
		need = need[:len(need)-1]
		c, ok := created[id]
		if !ok || going[id] {
			continue
		}
		going[id] = true
		terms = append(terms, c)
		need = append(need, c.Parents...)
	}
	return terms, nil
}

// lockLiveTerms locks what a publish into Live writes of terms: the
// vocabularies (as Live term saves do) and the term rows, in id order.
func lockLiveTerms(ctx context.Context, q *db.Queries, cs []TermChange) error {
	if len(cs) == 0 {
		return nil
	}
	vocabs := map[string]bool{}
	var vs []string
	var ids []uuid.UUID
	for _, c := range cs {
		if !vocabs[c.Vocabulary] {
			vocabs[c.Vocabulary] = true
			vs = append(vs, c.Vocabulary)
		}
		ids = append(ids, c.TermID)
	}
	if _, err := q.LockTermVocabularies(ctx, vs); err != nil {
		return fmt.Errorf("lock vocabularies: %w", err)
	}
	if _, err := q.LockTerms(ctx, ids); err != nil {
		return fmt.Errorf("lock terms: %w", err)
	}
	return nil
}

// termPublish is what a publish does with terms.
type termPublish struct {
	inserted, updated []uuid.UUID
	deleted           []category.Term // as Live had them, for the delete events
}

// writeLiveTerms applies term changes to Live: deletions, then the stage
// revisions become Live's terms (created ones get their row), then their
// parents (a parent Live no longer has is dropped), then the stage's rows
// go. Terms created in the stage and copied by its child stages are Live
// terms for those from now on.
func writeLiveTerms(ctx context.Context, q *db.Queries, stageID string, apply []TermChange, res *PublishResult) (*termPublish, error) {
	out := &termPublish{}
	var revs, dels, all []uuid.UUID
	for _, c := range apply {
		all = append(all, c.TermID)
		if c.Kind == "deleted" {
			dels = append(dels, c.TermID)
			if t, err := q.GetTerm(ctx, c.TermID); err == nil {
				parents, _ := q.TermParents(ctx, c.TermID)
				out.deleted = append(out.deleted, category.Term{ID: t.ID, VocabularyID: t.VocabularyID, Name: t.Name,
					Description: t.Description, Format: t.Format, Weight: int(t.Weight), Parents: parents, Created: t.Created, Changed: t.Changed})
			}
			continue
		}
		revs = append(revs, *c.RevisionID)
		if c.Kind == "added" {
			out.inserted = append(out.inserted, c.TermID)
		} else {
			out.updated = append(out.updated, c.TermID)
		}
	}
	if len(dels) > 0 {
		if err := q.DeleteTermsHard(ctx, dels); err != nil {
			return nil, fmt.Errorf("delete terms: %w", err)
		}
	}
	if len(revs) > 0 {
		if err := q.PublishTerms(ctx, revs); err != nil {
			return nil, fmt.Errorf("publish terms: %w", err)
		}
		if err := q.ClearPublishedTermParents(ctx, revs); err != nil {
			return nil, fmt.Errorf("publish term parents: %w", err)
		}
		if err := q.PublishTermParents(ctx, revs); err != nil {
			return nil, fmt.Errorf("publish term parents: %w", err)
		}
		if err := checkPublishedTerms(ctx, q, append(append([]uuid.UUID{}, out.inserted...), out.updated...)); err != nil {
			return nil, err
		}
		if err := q.MarkTermsLive(ctx, all); err != nil {
			return nil, fmt.Errorf("publish terms: %w", err)
		}
	}
	if err := q.DeleteStageTerms(ctx, db.DeleteStageTermsParams{StageID: stageID, TermIds: all}); err != nil {
		return nil, fmt.Errorf("clear published term copies: %w", err)
	}
	res.Terms = append(res.Terms, out.inserted...)
	res.Terms = append(res.Terms, out.updated...)
	res.TermsDeleted = dels
	return out, nil
}

// checkPublishedTerms refuses a publish whose terms would break Live's
// hierarchy: the stage checked its copies against its own overlay, but the
// vocabulary's hierarchy rule may have been narrowed since, and a Live
// change to another term may close a cycle with a stage change.
func checkPublishedTerms(ctx context.Context, q *db.Queries, ids []uuid.UUID) error {
	rows, err := q.PublishedTermProblems(ctx, ids)
	if err != nil {
		return fmt.Errorf("check published terms: %w", err)
	}
	if len(rows) == 0 {
		return nil
	}
	var bad []string
	for _, r := range rows {
		if r.Problem == "cycle" {
			bad = append(bad, r.Name+" (its parents would make a cycle with Live's terms)")
		} else {
			bad = append(bad, r.Name+" (too many parents for its vocabulary now)")
		}
	}
	return errs.New(errs.Invalid, "Some terms do not fit Live's hierarchy any more; change their parents in the stage, then publish: %s.", strings.Join(bad, ", "))
}

// moveTerms moves term changes of a child stage into its parent (publish
// into a parent): the parent's copies are replaced, new ones based on what
// the parent reads (baseChain: the parent's ancestors), terms the child
// created become the parent's, and a term the parent created and now
// deletes is gone.
func moveTerms(ctx context.Context, q *db.Queries, from, to string, baseChain []string, cs []TermChange, res *PublishResult) error {
	if len(cs) == 0 {
		return nil
	}
	ids := make([]uuid.UUID, 0, len(cs))
	for _, c := range cs {
		ids = append(ids, c.TermID)
		if c.Kind == "deleted" {
			res.TermsDeleted = append(res.TermsDeleted, c.TermID)
		} else {
			res.Terms = append(res.Terms, c.TermID)
		}
	}
	if baseChain == nil {
		baseChain = []string{}
	}
	if err := q.MoveStageTerms(ctx, db.MoveStageTermsParams{ToStage: to, FromStage: from, BaseChain: baseChain, TermIds: ids}); err != nil {
		return fmt.Errorf("move term copies: %w", err)
	}
	if err := q.MoveCreatedTerms(ctx, db.MoveCreatedTermsParams{ToStage: to, TermIds: ids, FromStage: from}); err != nil {
		return fmt.Errorf("move created terms: %w", err)
	}
	return q.PurgeDeletedCreatedTerms(ctx, to)
}

// discardTerm forgets one term's change in a stage (a term created there
// is forgotten everywhere). A term the stage did not change is a no-op.
func discardTerm(ctx context.Context, q *db.Queries, id string, termID uuid.UUID) error {
	rows, err := q.TermHeads(ctx, db.TermHeadsParams{Ids: []uuid.UUID{termID}, Chain: []string{id}})
	if err != nil || len(rows) == 0 || !rows[0].Copied {
		return err
	}
	if rows[0].TermStage == id {
		return q.PurgeStagedTerm(ctx, db.PurgeStagedTermParams{TermID: termID, StageID: id})
	}
	return q.DiscardStageTerm(ctx, db.DiscardStageTermParams{TermID: termID, StageID: id})
}

// termNames names terms as chain sees them (the review's parent diffs).
func (s *Service) termNames(ctx context.Context, chain []string, ids []uuid.UUID) (map[uuid.UUID]string, error) {
	out := map[uuid.UUID]string{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.q.TermNames(ctx, db.TermNamesParams{Chain: chain, Ids: ids})
	if err != nil {
		return nil, fmt.Errorf("name terms: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}
