package item

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/trovato/trovato/app/db"
	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/pg"
	"github.com/trovato/trovato/app/user"
	"github.com/trovato/trovato/app/web"
)

// Stage-aware writes. The request's stage (web.StageFrom) decides where a
// save goes: in Live it changes the item row as always; in a stage it writes
// a revision marked with the stage and points the stage's association at it,
// leaving Live untouched until app/stage publishes. Loads and the admin list
// overlay the stage chain in SQL (queries/stage.sql LoadItemStaged,
// queries/items.sql AdminItems).

// ErrPreviewReadOnly refuses writes made while previewing a stage through a
// share link.
var ErrPreviewReadOnly = errs.New(errs.Forbidden, "You are previewing a stage through a share link; previews are read-only.")

// writeStage returns the stage a write goes to ("" for Live); a preview
// cannot write.
func writeStage(ctx context.Context) (string, error) {
	st := web.StageFrom(ctx)
	if st.Preview {
		return "", ErrPreviewReadOnly
	}
	if st.IsLive() {
		return "", nil
	}
	return st.ID, nil
}

// chainOf is the stage chain of ctx for the overlay queries (never nil).
func chainOf(ctx context.Context) []string {
	if c := web.StageFrom(ctx).Chain; c != nil {
		return c
	}
	return []string{}
}

// createStaged stores a new item that exists only in stage (and its child
// stages) until publish: the item row carries stage_id = stage.
func (s *Service) createStaged(ctx context.Context, stage string, author *user.Account, it *Item, doc []byte, log string) error {
	it.StageID = stage
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if _, err := q.ShareStage(ctx, stage); err != nil {
			return err
		}
		if err := q.InsertStagedItem(ctx, db.InsertStagedItemParams{
			ID: it.ID, Type: it.Type, Title: it.Title, AuthorID: it.AuthorID, Status: it.Status, Promote: it.Promote,
			Sticky: it.Sticky, StageID: stage, CurrentRevisionID: &it.RevisionID, Fields: doc, Created: it.Created,
		}); err != nil {
			return err
		}
		if err := q.InsertStagedRevision(ctx, db.InsertStagedRevisionParams{
			ID: it.RevisionID, ItemID: it.ID, AuthorID: author.ID, Title: it.Title, Status: it.Status,
			Fields: doc, Log: log, Created: it.Changed, StageID: stage,
		}); err != nil {
			return err
		}
		return q.UpsertAssociation(ctx, db.UpsertAssociationParams{StageID: stage, RevisionID: it.RevisionID, AuthorID: author.ID, ItemID: it.ID})
	})
}

// updateStaged saves next as a stage revision of an existing item.
func (s *Service) updateStaged(ctx context.Context, stage string, author *user.Account, next *Item, doc []byte, log string) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if _, err := q.ShareStage(ctx, stage); err != nil {
			return err
		}
		if err := q.InsertStagedRevision(ctx, db.InsertStagedRevisionParams{
			ID: next.RevisionID, ItemID: next.ID, AuthorID: author.ID, Title: next.Title, Status: next.Status,
			Fields: doc, Log: log, Created: next.Changed, StageID: stage,
		}); err != nil {
			return err
		}
		if err := q.DeleteDeletion(ctx, db.DeleteDeletionParams{StageID: stage, ItemID: next.ID}); err != nil {
			return err
		}
		return q.UpsertAssociation(ctx, db.UpsertAssociationParams{StageID: stage, RevisionID: next.RevisionID, AuthorID: author.ID, ItemID: next.ID})
	})
}

// deleteStaged deletes an item in stage: an item created in that stage is
// removed for good; any other is recorded as a stage deletion (and the
// stage's copy forgotten), applied to Live on publish.
func (s *Service) deleteStaged(ctx context.Context, stage string, it *Item, by *user.Account) error {
	if it.StageID == stage {
		return pg.Classify(s.q.DeleteItem(ctx, it.ID), "delete item")
	}
	authorID := it.AuthorID
	if by != nil {
		authorID = by.ID
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if _, err := q.ShareStage(ctx, stage); err != nil {
			return err
		}
		if err := q.DeleteAssociation(ctx, db.DeleteAssociationParams{StageID: stage, ItemID: it.ID}); err != nil {
			return err
		}
		return q.InsertDeletion(ctx, db.InsertDeletionParams{StageID: stage, AuthorID: authorID, ItemID: it.ID})
	})
	return pg.Classify(err, "delete item in stage")
}

// loadStaged loads an item as the chain of ctx sees it.
func (s *Service) loadStaged(ctx context.Context, id [16]byte) (*Item, error) {
	r, err := s.q.LoadItemStaged(ctx, db.LoadItemStagedParams{ID: id, Chain: chainOf(ctx)})
	if err != nil {
		return nil, pg.Classify(err, "The requested page could not be found.")
	}
	it := &Item{
		ID: r.ID, Type: r.Type, Title: r.Title, AuthorID: r.AuthorID, AuthorName: r.AuthorName,
		Status: r.Status, Promote: r.Promote, Sticky: r.Sticky, StageID: r.StageID, RevisionStage: r.RevisionStage,
		RevisionID: r.CurrentRevisionID, Fields: Values{}, Created: r.Created, Changed: r.Changed,
	}
	if err := json.Unmarshal(r.Fields, &it.Fields); err != nil {
		return nil, fmt.Errorf("decode fields of item %x: %w", id, err)
	}
	return it, nil
}

// CheckStored validates a stored revision's title and field values against
// the item's type as it is now (publish runs it: the type may have gained a
// required field since the stage copy was made). Text format permissions
// were checked when the revision was saved and are not checked again.
func (s *Service) CheckStored(ctx context.Context, typ, title string, fields Values) error {
	t, err := s.GetType(ctx, typ)
	if err != nil {
		return err
	}
	_, _, err = s.validate(ctx, nil, t, fields, Input{Title: title, Fields: fields})
	return err
}

// NotifyPublished tells plugins (tap_item_update, or tap_item_insert for
// created) about an item a stage publish made Live; it loads the item as
// Live sees it now.
func (s *Service) NotifyPublished(ctx context.Context, id [16]byte, created bool) {
	ctx = web.WithStage(ctx, web.Stage{})
	it, err := s.loadStaged(ctx, id)
	if err != nil {
		return
	}
	if created {
		notify(ctx, s.hooks.Inserted, it)
	} else {
		notify(ctx, s.hooks.Updated, it)
	}
}

// nowMicro is the current time at the database's precision.
func nowMicro() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// DecodeStored decodes a stored field document.
func DecodeStored(doc []byte) (Values, error) {
	v := Values{}
	if err := json.Unmarshal(doc, &v); err != nil {
		return nil, fmt.Errorf("decode fields: %w", err)
	}
	return v, nil
}
