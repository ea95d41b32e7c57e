package stage

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/trovato/trovato/app/category"
	"github.com/trovato/trovato/app/db"
	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/item"
	"github.com/trovato/trovato/app/pg"
	"github.com/trovato/trovato/app/user"
	"github.com/trovato/trovato/app/web"
)

// Live is the id of the Live stage.
const Live = web.LiveStage

// Visibility values of a stage.
const (
	Internal      = "internal"
	PublicPreview = "public_preview"
)

// maxDepth bounds a stage's ancestor chain (and catches parent cycles).
const maxDepth = 8

// Stage is a draft workspace. Live is the stage visitors see.
type Stage struct {
	ID          string
	Label       string
	Description string
	ParentID    string // "" for a stage under Live
	Visibility  string
	Created     time.Time
}

// Target is the stage publish writes to: the parent, or Live.
func (s *Stage) Target() string {
	if s.ParentID == "" {
		return Live
	}
	return s.ParentID
}

// VetoFunc may refuse a publish before it commits (tap_stage_publish): a
// non-nil error stops the publish and its message is shown to the editor.
type VetoFunc func(ctx context.Context, stage *Stage, items []uuid.UUID) error

// Service manages stages: their rows, the chain a request reads in,
// publishing, discarding and moving changes.
type Service struct {
	pool  *pgxpool.Pool
	q     *db.Queries
	items *item.Service
	cats  *category.Service // nil: no term events on publish
	veto  VetoFunc
	// itemDelay pauses inside the publish transaction after its writes
	// (tests kill the server there to prove publish is atomic).
	itemDelay time.Duration
	pk        previewKey
}

// NewService returns the stage service.
func NewService(pool *pgxpool.Pool, items *item.Service) *Service {
	return &Service{pool: pool, q: db.New(pool), items: items}
}

// SetVeto installs the publish veto (the plugin tap).
func (s *Service) SetVeto(v VetoFunc) { s.veto = v }

// SetPublishItemDelay makes publish pause d inside its transaction after
// writing, before commit. Only tests of atomicity and concurrency use it.
func (s *Service) SetPublishItemDelay(d time.Duration) { s.itemDelay = d }

func stageFromRow(id, label, desc string, parent pgtype.Text, vis string, created time.Time) *Stage {
	return &Stage{ID: id, Label: label, Description: desc, ParentID: parent.String, Visibility: vis, Created: created}
}

// Get loads a stage; an unknown id is NotFound.
func (s *Service) Get(ctx context.Context, id string) (*Stage, error) {
	r, err := s.q.GetStage(ctx, id)
	if err != nil {
		return nil, pg.Classify(err, fmt.Sprintf("There is no stage %q.", id))
	}
	return stageFromRow(r.ID, r.Label, r.Description, r.ParentID, r.Visibility, r.Created), nil
}

// List returns every stage, Live first.
func (s *Service) List(ctx context.Context) ([]Stage, error) {
	rows, err := s.q.ListStages(ctx)
	if err != nil {
		return nil, fmt.Errorf("list stages: %w", err)
	}
	out := make([]Stage, 0, len(rows))
	for _, r := range rows {
		out = append(out, *stageFromRow(r.ID, r.Label, r.Description, r.ParentID, r.Visibility, r.Created))
	}
	return out, nil
}

// Changes counts the changed, added and deleted items and terms of a stage.
func (s *Service) Changes(ctx context.Context, id string) (int64, error) {
	n, err := s.q.CountStageChanges(ctx, id)
	if err != nil {
		return 0, pg.Classify(err, "count stage changes")
	}
	terms, err := s.q.CountStageTermChanges(ctx, id)
	return int64(n) + terms, pg.Classify(err, "count stage term changes")
}

// Chain resolves the read chain of stage id: the stage then its ancestors,
// nearest first, Live excluded (nil for Live).
func (s *Service) Chain(ctx context.Context, id string) (web.Stage, error) {
	if id == "" || id == Live {
		return web.Stage{ID: Live, Label: "Live"}, nil
	}
	st, err := s.Get(ctx, id)
	if err != nil {
		return web.Stage{}, err
	}
	out := web.Stage{ID: st.ID, Label: st.Label, Chain: []string{st.ID}}
	for p := st.ParentID; p != "" && p != Live; {
		if len(out.Chain) >= maxDepth {
			return web.Stage{}, errs.New(errs.Invalid, "Stage %s has too many ancestors.", id)
		}
		ps, err := s.Get(ctx, p)
		if err != nil {
			return web.Stage{}, err
		}
		out.Chain = append(out.Chain, ps.ID)
		p = ps.ParentID
	}
	return out, nil
}

var machineName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// validate checks a stage's properties; problems are named by form key.
func (s *Service) validate(ctx context.Context, st *Stage, isNew bool) error {
	problems := map[string]string{}
	st.Label = strings.TrimSpace(st.Label)
	if st.Label == "" {
		problems["label"] = "Label is required."
	} else if len(st.Label) > 64 {
		problems["label"] = "Label cannot be longer than 64 characters."
	}
	if isNew && !machineName.MatchString(st.ID) {
		problems["id"] = "The machine name must start with a letter and hold only lower-case letters, digits and underscores (at most 32)."
	}
	if st.Visibility == "" {
		st.Visibility = Internal
	}
	if st.Visibility != Internal && st.Visibility != PublicPreview {
		problems["visibility"] = "Choose internal or public preview."
	}
	if st.ParentID == Live {
		st.ParentID = ""
	}
	if st.ParentID != "" {
		if st.ParentID == st.ID {
			problems["parent"] = "A stage cannot be its own parent."
		} else if chain, err := s.Chain(ctx, st.ParentID); err != nil {
			problems["parent"] = "Choose an existing stage."
		} else {
			for _, id := range chain.Chain {
				if id == st.ID {
					problems["parent"] = "A stage cannot descend from itself."
				}
			}
			if len(chain.Chain) >= maxDepth-1 {
				problems["parent"] = "Stages nest at most 8 deep."
			}
		}
	}
	if len(problems) > 0 {
		return errs.InvalidFields(problems)
	}
	return nil
}

func parentText(id string) pgtype.Text {
	return pgtype.Text{String: id, Valid: id != ""}
}

// Create adds a stage; a taken machine name is a Conflict on "id".
func (s *Service) Create(ctx context.Context, st Stage) error {
	if err := s.validate(ctx, &st, true); err != nil {
		return err
	}
	err := s.q.InsertStage(ctx, db.InsertStageParams{ID: st.ID, Label: st.Label, Description: st.Description,
		ParentID: parentText(st.ParentID), Visibility: st.Visibility})
	if err != nil {
		err = pg.Classify(err, "save stage")
		if errs.Is(err, errs.Conflict) {
			return &errs.Error{Class: errs.Invalid, Message: "Some values are not valid.",
				Fields: map[string]string{"id": fmt.Sprintf("The machine name %s is already in use.", st.ID)}}
		}
	}
	return err
}

// Update saves a stage's label, description, parent and visibility. Live
// cannot be changed.
func (s *Service) Update(ctx context.Context, st Stage) error {
	if st.ID == Live {
		return errs.New(errs.Forbidden, "Live cannot be edited.")
	}
	if err := s.validate(ctx, &st, false); err != nil {
		return err
	}
	return pg.Classify(s.q.UpdateStage(ctx, db.UpdateStageParams{ID: st.ID, Label: st.Label, Description: st.Description,
		ParentID: parentText(st.ParentID), Visibility: st.Visibility}), "save stage")
}

// Delete removes a stage with its changes (discarding them). Live and
// stages with child stages cannot be deleted.
func (s *Service) Delete(ctx context.Context, id string) error {
	if id == Live {
		return errs.New(errs.Forbidden, "Live cannot be deleted.")
	}
	kids, err := s.q.StageChildren(ctx, pgtype.Text{String: id, Valid: true})
	if err != nil {
		return fmt.Errorf("list child stages: %w", err)
	}
	if len(kids) > 0 {
		return errs.New(errs.Conflict, "Stage %s has child stages (%s); delete or move them first.", id, strings.Join(kids, ", "))
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if _, err := q.LockStage(ctx, id); err != nil {
			return pg.Classify(err, fmt.Sprintf("There is no stage %q.", id))
		}
		if err := q.DiscardStage(ctx, id); err != nil {
			return err
		}
		if err := q.DiscardStageTerms(ctx, id); err != nil {
			return err
		}
		return q.DeleteStage(ctx, id)
	})
}

// Discard forgets every change of a stage: items and terms created in it
// are removed, its copies and deletions dropped. Live is untouched.
func (s *Service) Discard(ctx context.Context, id string) error {
	if id == Live {
		return errs.New(errs.Forbidden, "Live has nothing to discard.")
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if _, err := q.LockStage(ctx, id); err != nil {
			return pg.Classify(err, fmt.Sprintf("There is no stage %q.", id))
		}
		if err := q.DiscardStage(ctx, id); err != nil {
			return err
		}
		if err := q.ClearStage(ctx, id); err != nil {
			return err
		}
		if err := q.DiscardStageTerms(ctx, id); err != nil {
			return err
		}
		return q.ClearStageDeletions(ctx, id)
	})
}

// DiscardItem forgets one item's or term's change in a stage (an item or
// term created in the stage is removed); ids are unique across both.
func (s *Service) DiscardItem(ctx context.Context, id string, itemID uuid.UUID) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if _, err := q.LockStage(ctx, id); err != nil {
			return pg.Classify(err, fmt.Sprintf("There is no stage %q.", id))
		}
		if err := q.DeleteAssociation(ctx, db.DeleteAssociationParams{StageID: id, ItemID: itemID}); err != nil {
			return err
		}
		if err := q.DeleteDeletion(ctx, db.DeleteDeletionParams{StageID: id, ItemID: itemID}); err != nil {
			return err
		}
		if err := discardTerm(ctx, q, id, itemID); err != nil {
			return err
		}
		return q.DiscardCreatedItem(ctx, db.DiscardCreatedItemParams{ID: itemID, StageID: id})
	})
}

// MoveItem moves one item's change from stage from to stage to (replacing
// to's copy); an item created in from moves with it, and so do the item's
// stage revisions (their provenance), so to's history and publish see them.
func (s *Service) MoveItem(ctx context.Context, from, to string, itemID uuid.UUID) error {
	if to == Live || to == "" {
		return errs.New(errs.Invalid, "To put a change in Live, publish it.")
	}
	if from == to {
		return errs.New(errs.Invalid, "Choose another stage.")
	}
	if _, err := s.Get(ctx, to); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if _, err := q.LockStage(ctx, from); err != nil {
			return pg.Classify(err, fmt.Sprintf("There is no stage %q.", from))
		}
		heads, err := q.TermHeads(ctx, db.TermHeadsParams{Ids: []uuid.UUID{itemID}, Chain: []string{from}})
		if err != nil {
			return err
		}
		if len(heads) > 0 && heads[0].Copied {
			return errs.New(errs.Invalid, "Category term changes cannot be moved to another stage; publish or discard them.")
		}
		return moveChanges(ctx, q, from, to, []uuid.UUID{itemID}, false)
	})
}

// moveChanges moves the changes of items from one stage to another with
// one statement per kind: copies, deletions, created items, provenance.
// rebase bases new copies in to on what to reads now (publish into a parent,
// after its conflict check) rather than keeping the moved copies' bases.
func moveChanges(ctx context.Context, q *db.Queries, from, to string, ids []uuid.UUID, rebase bool) error {
	if err := q.MoveRevisions(ctx, db.MoveRevisionsParams{ToStage: to, ItemIds: ids, FromStage: from}); err != nil {
		return fmt.Errorf("move revisions: %w", err)
	}
	if err := q.MoveAssociations(ctx, db.MoveAssociationsParams{FromStage: from, ItemIds: ids, ToStage: to, Rebase: rebase}); err != nil {
		return fmt.Errorf("move stage copies: %w", err)
	}
	if err := q.MoveDeletions(ctx, db.MoveDeletionsParams{FromStage: from, ItemIds: ids, ToStage: to, Rebase: rebase}); err != nil {
		return fmt.Errorf("move stage deletions: %w", err)
	}
	if err := q.MoveCreatedItems(ctx, db.MoveCreatedItemsParams{ToStage: to, ItemIds: ids, FromStage: from}); err != nil {
		return fmt.Errorf("move created items: %w", err)
	}
	return nil
}

// Change is one changed, added or deleted item of a stage.
type Change struct {
	Kind         string // changed, added, deleted
	ItemID       uuid.UUID
	Type         string
	Title        string // the stage's title (Live's for a deletion)
	LiveTitle    string
	RevisionID   uuid.UUID  // the stage's revision
	BaseRevision *uuid.UUID // what the stage read when the copy was made (parent's copy or Live's); nil for added items
	LiveRevision *uuid.UUID // Live's current revision
	// TargetRevision is what the publish target holds now: the parent
	// stage's copy for a child stage (nil when the parent deleted the item),
	// else Live's current revision.
	TargetRevision *uuid.UUID
	// TargetDeleted: the parent stage deleted the item since (child stages).
	TargetDeleted bool
	Author        string
	Changed       time.Time
}

// Conflicted reports whether the publish target (Live, or the parent
// stage) changed since the stage copy was made.
func (c *Change) Conflicted() bool {
	if c.Kind == "added" || c.BaseRevision == nil {
		return false
	}
	if c.TargetDeleted {
		// Publishing a change over the parent's deletion would bring the
		// item back; deleting it in both is no conflict.
		return c.Kind != "deleted"
	}
	return c.TargetRevision != nil && *c.BaseRevision != *c.TargetRevision
}

// ListChanges returns every change of a stage, newest first.
func (s *Service) ListChanges(ctx context.Context, id string) ([]Change, error) {
	return changes(ctx, s.q, id)
}

func changes(ctx context.Context, q *db.Queries, id string) ([]Change, error) {
	rows, err := q.StageChanges(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("list changes of stage %s: %w", id, err)
	}
	out := make([]Change, 0, len(rows))
	for _, r := range rows {
		c := Change{Kind: r.Kind, ItemID: r.ItemID, Type: r.Type, Title: r.StageTitle, LiveTitle: r.LiveTitle,
			RevisionID: r.RevisionID, BaseRevision: r.BaseRevisionID, LiveRevision: r.LiveRevisionID, TargetRevision: r.TargetRevisionID,
			TargetDeleted: r.TargetDeleted,
			Author:        r.AuthorName, Changed: r.Changed}
		if c.Kind == "changed" && r.ItemStage != Live {
			c.Kind = "added"
		}
		out = append(out, c)
	}
	return out, nil
}

// Resolution is an editor's choice for an item whose copy in the publish
// target (Live, or the parent stage) changed since the stage copy was made.
// SeenLive is the target's revision the editor decided against: if the
// target moved again since, the conflict is raised again.
type Resolution struct {
	Overwrite bool // false: skip the item (it stays in the stage)
	SeenLive  uuid.UUID
}

// PublishRequest says what to publish: Items (nil: the whole stage; the ids
// of items and of category terms) and the editor's resolutions of earlier
// conflicts (keyed by item or term id).
type PublishRequest struct {
	Items       []uuid.UUID
	Resolutions map[uuid.UUID]Resolution
	By          *user.Account
}

// Conflict is an item the publish target changed since the stage copy was
// made. LiveRevision is the target's current revision (Live's, or the parent
// stage's copy; uuid.Nil when the parent stage deleted the item).
type Conflict struct {
	ItemID       uuid.UUID // the item's, or the term's id
	Term         bool      // a category term, not an item
	Title        string
	LiveRevision uuid.UUID
	Reason       string
}

// ConflictError stops a publish that met conflicts without a resolution;
// nothing was published. Its class is errs.Conflict.
type ConflictError struct {
	Stage     string
	Target    string // Live, or the parent stage's id
	Conflicts []Conflict
}

func (e *ConflictError) Error() string {
	titles := make([]string, 0, len(e.Conflicts))
	for _, c := range e.Conflicts {
		titles = append(titles, c.Title)
	}
	target := "Live"
	if e.Target != "" && e.Target != Live {
		target = "Stage " + e.Target
	}
	return fmt.Sprintf("%s changed since these items were copied into the stage: %s. Nothing was published; choose for each item whether to overwrite %s or skip it.",
		target, strings.Join(titles, ", "), strings.Replace(target, "Stage", "stage", 1))
}

// Unwrap classifies the error as a Conflict with its message.
func (e *ConflictError) Unwrap() error { return errs.New(errs.Conflict, "%s", e.Error()) }

// PublishResult says what a publish did.
type PublishResult struct {
	Target    string
	Published []uuid.UUID // changed or added items now in the target
	Created   []uuid.UUID // of Published, the items created in the stage
	Deleted   []uuid.UUID
	Skipped   []uuid.UUID // conflicts the editor chose to skip (items and terms)
	// Terms are the changed or added category terms now in the target;
	// TermsDeleted the terms deleted there.
	Terms        []uuid.UUID
	TermsDeleted []uuid.UUID
	// LockHeld is how long the Live rows were locked (lock to commit).
	LockHeld time.Duration
}

// head is what the publish target holds of an item now.
type head struct {
	revision *uuid.UUID // the target's current revision (nil when it has none)
	deleted  bool       // the target (a parent stage) deleted the item
	reason   string     // who changed it, when, where
}

// Publish applies a stage's changes (or the chosen items) to its target in
// one transaction: Live, or the parent stage for a child stage. It locks
// the target (for Live: the touched item rows, in id order, so concurrent
// publishes serialize without deadlocks; for a parent: the parent's stage
// row), compares each item's base revision with what the target holds now,
// and stops with a *ConflictError unless every conflict has a resolution.
// Into Live it re-validates every revision against its type (before taking
// the locks: the revisions are immutable) and asks the veto
// (tap_stage_publish) before writing. The writes are a few set-based
// statements whatever the number of items; a publish killed midway commits
// nothing.
func (s *Service) Publish(ctx context.Context, id string, req PublishRequest) (*PublishResult, error) {
	st, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if st.ID == Live {
		return nil, errs.New(errs.Invalid, "Live is already published.")
	}
	res := &PublishResult{Target: st.Target()}
	var published []Change
	var termsDone *termPublish
	var lockStart time.Time
	targetChain, err := s.targetChain(ctx, st)
	if err != nil {
		return nil, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if _, err := q.LockStage(ctx, st.ID); err != nil {
			return pg.Classify(err, fmt.Sprintf("There is no stage %q.", st.ID))
		}
		all, err := changes(ctx, q, st.ID)
		if err != nil {
			return err
		}
		chosen := choose(all, req.Items, func(c Change) uuid.UUID { return c.ItemID })
		allTerms, err := termChanges(ctx, q, st.ID)
		if err != nil {
			return err
		}
		chosenTerms := choose(allTerms, req.Items, func(c TermChange) uuid.UUID { return c.TermID })
		if req.Items != nil {
			if chosenTerms, err = withCreatedTerms(ctx, q, chosen, chosenTerms, allTerms); err != nil {
				return err
			}
		}
		if len(chosen) == 0 && len(chosenTerms) == 0 {
			return errs.New(errs.Invalid, "Stage %s has no changes to publish.", st.Label)
		}
		// Validation reads only the stage's immutable revisions: it runs
		// before the target is locked, its verdicts apply after.
		var invalid map[uuid.UUID]string
		if st.ParentID == "" {
			// Read in the stage: its items may reference terms created in
			// it, which reach Live in this same transaction.
			chain, err := s.Chain(ctx, st.ID)
			if err != nil {
				return err
			}
			if invalid, err = s.check(web.WithStage(ctx, chain), q, chosen); err != nil {
				return err
			}
		}
		lockStart = time.Now()
		heads, err := s.lockTarget(ctx, q, st, idsOf(chosen))
		if err != nil {
			return err
		}
		// Terms: into Live their vocabularies and rows are locked (into a
		// parent, the parent's stage row just locked covers them); their
		// heads are read after the lock.
		if st.ParentID == "" {
			if err := lockLiveTerms(ctx, q, chosenTerms); err != nil {
				return err
			}
		}
		if err := termHeads(ctx, q, targetChain, chosenTerms); err != nil {
			return err
		}
		var conflicts []Conflict
		var applyTerms []TermChange
		for _, c := range chosenTerms {
			if c.Kind == "deleted" && c.TargetGone {
				applyTerms = append(applyTerms, c) // gone there too: only the stage's row is left to drop
				continue
			}
			if c.Conflicted() {
				seen := uuid.Nil
				if c.TargetRevision != nil {
					seen = *c.TargetRevision
				}
				r, decided := req.Resolutions[c.TermID]
				if !decided || r.SeenLive != seen {
					conflicts = append(conflicts, Conflict{ItemID: c.TermID, Term: true, Title: "Term " + c.Name,
						LiveRevision: seen, Reason: c.reason})
					continue
				}
				if !r.Overwrite {
					res.Skipped = append(res.Skipped, c.TermID)
					continue
				}
				if c.TargetGone {
					// Overwriting a deletion brings the term back: as a
					// term created by the stage.
					c.Kind = "added"
				}
			}
			applyTerms = append(applyTerms, c)
		}
		var apply []Change
		for _, c := range chosen {
			h, ok := heads[c.ItemID]
			if !ok {
				continue // deleted meanwhile; its stage rows went with it
			}
			if c.Kind != "added" && c.BaseRevision != nil && (h.deleted || (h.revision != nil && *h.revision != *c.BaseRevision)) {
				seen := uuid.Nil
				if h.revision != nil {
					seen = *h.revision
				}
				r, decided := req.Resolutions[c.ItemID]
				if !decided || r.SeenLive != seen {
					conflicts = append(conflicts, Conflict{ItemID: c.ItemID, Title: c.Title, LiveRevision: seen, Reason: h.reason})
					continue
				}
				if !r.Overwrite {
					res.Skipped = append(res.Skipped, c.ItemID)
					continue
				}
			}
			apply = append(apply, c)
		}
		if len(conflicts) > 0 {
			return &ConflictError{Stage: st.ID, Target: st.Target(), Conflicts: conflicts}
		}
		if st.ParentID != "" {
			if err := moveTerms(ctx, q, st.ID, st.ParentID, targetChain[1:], applyTerms, res); err != nil {
				return err
			}
			if err := moveChanges(ctx, q, st.ID, st.ParentID, idsOf(apply), true); err != nil {
				return err
			}
			for _, c := range apply {
				if c.Kind == "deleted" {
					res.Deleted = append(res.Deleted, c.ItemID)
				} else {
					res.Published = append(res.Published, c.ItemID)
				}
			}
			if s.itemDelay > 0 {
				time.Sleep(s.itemDelay)
			}
			return nil
		}
		var bad []string
		for _, c := range apply {
			if msg, ok := invalid[c.ItemID]; ok {
				bad = append(bad, msg)
			}
		}
		if len(bad) > 0 {
			return errs.New(errs.Invalid, "Some items are not valid any more; edit them in the stage, then publish: %s.", strings.Join(bad, ", "))
		}
		if s.veto != nil {
			if err := s.veto(ctx, st, idsOf(apply)); err != nil {
				return err
			}
		}
		if termsDone, err = writeLiveTerms(ctx, q, st.ID, applyTerms, res); err != nil {
			return err
		}
		if err := s.writeLive(ctx, q, st.ID, apply, res); err != nil {
			return err
		}
		published = apply
		return nil
	})
	if !lockStart.IsZero() {
		res.LockHeld = time.Since(lockStart)
	}
	if err != nil {
		var ce *ConflictError
		if errors.As(err, &ce) {
			return nil, ce
		}
		return nil, pg.Classify(err, "publish stage "+st.ID)
	}
	if res.Target == Live {
		created := map[uuid.UUID]bool{}
		for _, id := range res.Created {
			created[id] = true
		}
		if s.cats != nil && termsDone != nil {
			s.cats.NotifyPublished(ctx, termsDone.inserted, termsDone.updated, termsDone.deleted)
		}
		for _, c := range published {
			if c.Kind != "deleted" {
				s.items.NotifyPublished(ctx, c.ItemID, created[c.ItemID])
			}
		}
	}
	return res, nil
}

// lockTarget locks what a publish of stage st writes and returns what the
// target holds now of each item (items deleted meanwhile are absent). Into
// Live it locks the item rows in id order; the heads are read after the
// lock, so they include what a concurrent publish committed. Into a parent
// stage it locks the parent's stage row, which its publishes, discards and
// moves take too.
func (s *Service) lockTarget(ctx context.Context, q *db.Queries, st *Stage, ids []uuid.UUID) (map[uuid.UUID]head, error) {
	out := make(map[uuid.UUID]head, len(ids))
	if st.ParentID == "" {
		if _, err := q.LockItems(ctx, ids); err != nil {
			return nil, err
		}
		rows, err := q.ItemHeads(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			where := "edited in Live"
			if r.RevisionStage != Live {
				where = "published from stage " + r.RevisionStage
			}
			out[r.ID] = head{revision: r.CurrentRevisionID, reason: fmt.Sprintf("Live's copy was %s by %s on %s, after this stage's copy was made.",
				where, r.RevisionAuthor, r.RevisionCreated.Format("2006-01-02 15:04:05"))}
		}
		return out, nil
	}
	if _, err := q.LockStage(ctx, st.ParentID); err != nil {
		return nil, pg.Classify(err, "lock parent stage")
	}
	rows, err := q.TargetHeads(ctx, db.TargetHeadsParams{Target: st.ParentID, Ids: ids})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		h := head{revision: r.RevisionID}
		switch {
		case r.Deleted:
			h.revision, h.deleted = nil, true
			h.reason = fmt.Sprintf("Stage %s deleted this item after this stage's copy was made.", st.ParentID)
		case r.RevisionCreated != nil:
			where := "in stage " + r.RevisionStage
			if r.RevisionStage == Live {
				where = "in Live"
			}
			h.reason = fmt.Sprintf("Stage %s's copy was changed %s by %s on %s, after this stage's copy was made.",
				st.ParentID, where, r.RevisionAuthor, r.RevisionCreated.Format("2006-01-02 15:04:05"))
		}
		out[r.ID] = h
	}
	return out, nil
}

// writeLive applies the changes to Live with set-based statements:
// deletions, then the new current revisions, then the stage's copies go.
// With a publish delay set (tests of atomicity and concurrency) it pauses
// after the writes, inside the transaction.
func (s *Service) writeLive(ctx context.Context, q *db.Queries, stageID string, apply []Change, res *PublishResult) error {
	var revs, done []uuid.UUID
	for _, c := range apply {
		switch c.Kind {
		case "deleted":
			res.Deleted = append(res.Deleted, c.ItemID)
			continue
		case "added":
			res.Created = append(res.Created, c.ItemID)
		}
		revs = append(revs, c.RevisionID)
		done = append(done, c.ItemID)
	}
	if len(res.Deleted) > 0 {
		if err := q.DeleteItemsHard(ctx, res.Deleted); err != nil {
			return fmt.Errorf("delete items: %w", err)
		}
	}
	if len(revs) > 0 {
		if err := q.PublishItems(ctx, revs); err != nil {
			return fmt.Errorf("publish items: %w", err)
		}
		if err := q.DeleteAssociations(ctx, db.DeleteAssociationsParams{StageID: stageID, ItemIds: done}); err != nil {
			return fmt.Errorf("clear published copies: %w", err)
		}
	}
	res.Published = done
	if s.itemDelay > 0 {
		time.Sleep(s.itemDelay)
	}
	return nil
}

// check re-validates the stage revisions of changes against their types
// as they are now (read in one statement) and returns a message per item
// that fails.
func (s *Service) check(ctx context.Context, q *db.Queries, cs []Change) (map[uuid.UUID]string, error) {
	typeOf := make(map[uuid.UUID]string, len(cs))
	var ids []uuid.UUID
	for _, c := range cs {
		if c.Kind != "deleted" {
			ids = append(ids, c.RevisionID)
			typeOf[c.RevisionID] = c.Type
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	revs, err := q.StagedRevisions(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load stage revisions: %w", err)
	}
	bad := map[uuid.UUID]string{}
	for _, rev := range revs {
		fields, err := item.DecodeStored(rev.Fields)
		if err != nil {
			return nil, err
		}
		if err := s.items.CheckStored(ctx, typeOf[rev.ID], rev.Title, fields); err != nil {
			if !errs.Is(err, errs.Invalid) {
				return nil, err
			}
			msgs := make([]string, 0)
			for _, m := range errs.FieldsOf(err) {
				msgs = append(msgs, m)
			}
			bad[rev.ItemID] = fmt.Sprintf("%s (%s)", rev.Title, strings.Join(msgs, "; "))
		}
	}
	return bad, nil
}

// choose keeps the changes whose entity (id of it) is in ids (all of them
// for nil): items and terms are chosen for a publish by the same list.
func choose[C any](all []C, ids []uuid.UUID, id func(C) uuid.UUID) []C {
	if ids == nil {
		return all
	}
	want := make(map[uuid.UUID]bool, len(ids))
	for _, i := range ids {
		want[i] = true
	}
	var out []C
	for _, c := range all {
		if want[id(c)] {
			out = append(out, c)
		}
	}
	return out
}

func idsOf(cs []Change) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.ItemID)
	}
	return out
}
