package item

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/trovato/trovato/app/db"
	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/field"
	"github.com/trovato/trovato/app/pg"
	"github.com/trovato/trovato/app/user"
)

// titleMaxLength bounds item titles.
const titleMaxLength = 255

// Service creates, loads and lists items and item types.
type Service struct {
	pool   *pgxpool.Pool
	q      *db.Queries
	fields *field.Registry
	users  UserFinder
	hooks  Hooks // plugin taps (hooks.go)
}

// UserFinder finds accounts by name (for the "Authored by" element).
type UserFinder interface {
	LoadByName(ctx context.Context, name string) (*user.Account, error)
}

// NewService returns the item service over a pool, validating field values
// with the field type registry.
func NewService(pool *pgxpool.Pool, fields *field.Registry, users UserFinder) *Service {
	return &Service{pool: pool, q: db.New(pool), fields: fields, users: users}
}

// Fields is the field type registry.
func (s *Service) Fields() *field.Registry { return s.fields }

// ItemType implements field.Env: the type of an existing item.
func (s *Service) ItemType(ctx context.Context, id uuid.UUID) (string, bool, error) {
	typ, err := s.q.ItemTypeOf(ctx, id)
	if err != nil {
		if errs.Is(pg.Classify(err, "item"), errs.NotFound) {
			return "", false, nil
		}
		return "", false, err
	}
	return typ, true, nil
}

// SaveType creates or updates an item type.
func (s *Service) SaveType(ctx context.Context, t Type) error {
	settings, err := json.Marshal(typeSettings{TitleLabel: t.TitleLabel, Unpublished: t.Unpublished, Fields: t.Fields})
	if err != nil {
		return fmt.Errorf("encode type settings: %w", err)
	}
	err = s.q.UpsertItemType(ctx, db.UpsertItemTypeParams{
		Type: t.Type, Label: t.Label, Description: t.Description, Plugin: t.Plugin, Settings: settings,
	})
	return pg.Classify(err, "save item type "+t.Type)
}

// GetType loads an item type; an unknown type is NotFound.
func (s *Service) GetType(ctx context.Context, typ string) (*Type, error) {
	row, err := s.q.GetItemType(ctx, typ)
	if err != nil {
		return nil, pg.Classify(err, fmt.Sprintf("There is no content type %q.", typ))
	}
	return typeFromRow(row)
}

// Types lists every item type by label.
func (s *Service) Types(ctx context.Context) ([]Type, error) {
	rows, err := s.q.ListItemTypes(ctx)
	if err != nil {
		return nil, fmt.Errorf("list item types: %w", err)
	}
	out := make([]Type, 0, len(rows))
	for _, r := range rows {
		t, err := typeFromRow(r)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, nil
}

// typeSettings is what item_type.settings holds.
type typeSettings struct {
	TitleLabel  string      `json:"title_label"`
	Unpublished bool        `json:"unpublished,omitempty"`
	Fields      []field.Def `json:"fields"`
}

func typeFromRow(r db.ItemType) (*Type, error) {
	t := &Type{Type: r.Type, Label: r.Label, Description: r.Description, Plugin: r.Plugin}
	if err := json.Unmarshal(r.Settings, t); err != nil {
		return nil, fmt.Errorf("decode settings of type %s: %w", r.Type, err)
	}
	t.Type, t.Label, t.Description = r.Type, r.Label, r.Description
	if t.TitleLabel == "" {
		t.TitleLabel = "Title"
	}
	return t, nil
}

// validate checks a submission against its type: the title, every field
// through its field type (returned normalized), and the text formats acct
// may use (stored is the item's current values, nil for a new item).
// Invalid input is an errs.Invalid error naming each field ("title",
// "fields.<name>").
func (s *Service) validate(ctx context.Context, acct *user.Account, t *Type, stored Values, in Input) (string, map[string][]map[string]any, error) {
	problems := map[string]string{}
	title := strings.TrimSpace(in.Title)
	switch {
	case title == "":
		problems["title"] = t.TitleLabel + " is required"
	case utf8.RuneCountInString(title) > titleMaxLength:
		problems["title"] = fmt.Sprintf("%s cannot be longer than %d characters", t.TitleLabel, titleMaxLength)
	}
	fields, fieldProblems, err := s.fields.NormalizeValues(ctx, s, t.Fields, in.Fields)
	if err != nil {
		return "", nil, err
	}
	for k, v := range fieldProblems {
		problems[k] = v
	}
	if len(problems) > 0 {
		return "", nil, errs.InvalidFields(problems)
	}
	if acct == nil { // re-checking stored values (CheckStored)
		return title, fields, nil
	}
	if err := checkFormats(t, stored, fields, acct); err != nil {
		return "", nil, err
	}
	return title, fields, nil
}

// Create validates in and stores a new item with its first revision, in one
// transaction. Invalid input is an errs.Invalid error naming each field
// ("title", "fields.<name>").
func (s *Service) Create(ctx context.Context, author *user.Account, t *Type, in Input) (*Item, error) {
	stage, err := writeStage(ctx)
	if err != nil {
		return nil, err
	}
	title, fields, err := s.validate(ctx, author, t, nil, in)
	if err != nil {
		return nil, err
	}
	status := !t.Unpublished
	if in.Status != nil {
		status = *in.Status
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	it := &Item{
		ID: uuid.Must(uuid.NewV7()), Type: t.Type, Title: title, AuthorID: author.ID, AuthorName: author.Name,
		Status: status, StageID: "live", RevisionID: uuid.Must(uuid.NewV7()), Fields: Values(fields), Created: now, Changed: now,
	}
	applyOptions(it, in)
	if in, changed, err := s.presave(ctx, it, in); err != nil {
		return nil, err
	} else if changed {
		if title, fields, err = s.validate(ctx, author, t, nil, in); err != nil {
			return nil, err
		}
		it.Title, it.Fields = title, Values(fields)
	}
	doc, err := json.Marshal(it.Fields)
	if err != nil {
		return nil, fmt.Errorf("encode fields: %w", err)
	}
	if stage != "" {
		// Plugins hear about staged items when the stage is published.
		return it, pg.Classify(s.createStaged(ctx, stage, author, it, doc, in.Log), "create item in stage")
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if err := q.InsertItem(ctx, db.InsertItemParams{
			ID: it.ID, Type: it.Type, Title: it.Title, AuthorID: it.AuthorID, Status: it.Status, Promote: it.Promote,
			Sticky: it.Sticky, CurrentRevisionID: &it.RevisionID, Fields: doc, Created: it.Created,
		}); err != nil {
			return err
		}
		return q.InsertRevision(ctx, db.InsertRevisionParams{
			ID: it.RevisionID, ItemID: it.ID, AuthorID: author.ID, Title: it.Title, Status: it.Status,
			Fields: doc, Log: in.Log, Created: now,
		})
	})
	if err != nil {
		return nil, pg.Classify(err, "create item")
	}
	notify(ctx, s.hooks.Inserted, it)
	return it, nil
}

// Update validates in and saves it as a new revision of it (every save
// writes an immutable revision), in one transaction.
func (s *Service) Update(ctx context.Context, author *user.Account, t *Type, it *Item, in Input) (*Item, error) {
	stage, err := writeStage(ctx)
	if err != nil {
		return nil, err
	}
	title, fields, err := s.validate(ctx, author, t, it.Fields, in)
	if err != nil {
		return nil, err
	}
	status := it.Status
	if in.Status != nil {
		status = *in.Status
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	next := *it
	next.Title, next.Status, next.Fields, next.Changed = title, status, Values(fields), now
	next.RevisionID = uuid.Must(uuid.NewV7())
	applyOptions(&next, in)
	if in, changed, err := s.presave(ctx, &next, in); err != nil {
		return nil, err
	} else if changed {
		if title, fields, err = s.validate(ctx, author, t, it.Fields, in); err != nil {
			return nil, err
		}
		next.Title, next.Fields = title, Values(fields)
	}
	doc, err := json.Marshal(next.Fields)
	if err != nil {
		return nil, fmt.Errorf("encode fields: %w", err)
	}
	if stage != "" {
		// Authoring options (author, date, promote, sticky) are not
		// revisioned, so a stage keeps only title, status and fields.
		next.AuthorID, next.Created, next.Promote, next.Sticky = it.AuthorID, it.Created, it.Promote, it.Sticky
		next.RevisionStage = stage
		return &next, pg.Classify(s.updateStaged(ctx, stage, author, &next, doc, in.Log), "update item in stage")
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if err := q.InsertRevision(ctx, db.InsertRevisionParams{
			ID: next.RevisionID, ItemID: it.ID, AuthorID: author.ID, Title: title, Status: status,
			Fields: doc, Log: in.Log, Created: now,
		}); err != nil {
			return err
		}
		return q.UpdateItem(ctx, db.UpdateItemParams{ID: it.ID, Title: next.Title, Status: status, CurrentRevisionID: &next.RevisionID,
			Fields: doc, Changed: now, Promote: next.Promote, Sticky: next.Sticky, AuthorID: next.AuthorID, Created: next.Created})
	})
	if err != nil {
		return nil, pg.Classify(err, "update item")
	}
	notify(ctx, s.hooks.Updated, &next)
	return &next, nil
}

// Load returns an item by id as the request's stage sees it (web.StageFrom:
// the stage chain's revision over Live, not found when deleted in the chain
// or created in a stage outside it); a missing item is NotFound.
func (s *Service) Load(ctx context.Context, id uuid.UUID) (*Item, error) {
	return s.loadStaged(ctx, id)
}

// Revisions counts an item's revisions.
func (s *Service) Revisions(ctx context.Context, id uuid.UUID) (int64, error) {
	n, err := s.q.CountRevisions(ctx, id)
	return n, pg.Classify(err, "count revisions")
}

// checkFormats refuses new or changed long text in a text format acct may
// not use (keeping stored text as it was is fine).
func checkFormats(t *Type, stored Values, submitted map[string][]map[string]any, acct *user.Account) error {
	for _, def := range t.Fields {
		if def.Type != field.TypeTextLong {
			continue
		}
		if err := field.CheckFormats(def, stored[def.Name], submitted[def.Name], acct.Can); err != nil {
			return &errs.Error{Class: errs.Forbidden, Message: err.Error(), Fields: map[string]string{"fields." + def.Name: err.Error()}}
		}
	}
	return nil
}

// applyOptions copies the optional properties of in onto it.
func applyOptions(it *Item, in Input) {
	if in.Promote != nil {
		it.Promote = *in.Promote
	}
	if in.Sticky != nil {
		it.Sticky = *in.Sticky
	}
	if in.AuthorID != nil {
		it.AuthorID = *in.AuthorID
	}
	if in.Created != nil {
		it.Created = in.Created.UTC().Truncate(time.Microsecond)
	}
}

// Delete removes an item and its revisions; in a stage it records a stage
// deletion instead (or removes an item created in that stage).
func (s *Service) Delete(ctx context.Context, id uuid.UUID) error {
	stage, err := writeStage(ctx)
	if err != nil {
		return err
	}
	if stage != "" {
		it, err := s.Load(ctx, id)
		if err != nil {
			return err
		}
		return s.deleteStaged(ctx, stage, it, nil)
	}
	if s.hooks.Deleted == nil {
		return pg.Classify(s.q.DeleteItem(ctx, id), "delete item")
	}
	it, err := s.Load(ctx, id)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return err
	}
	if err := s.q.DeleteItem(ctx, id); err != nil {
		return pg.Classify(err, "delete item")
	}
	if it != nil {
		s.hooks.Deleted(ctx, it)
	}
	return nil
}

// AdminRow is one line of the admin content list.
type AdminRow struct {
	ID       uuid.UUID
	Type     string
	Title    string
	Author   string
	AuthorID uuid.UUID
	Status   bool
	Promote  bool
	Sticky   bool
	Changed  time.Time
	Staged   bool // changed or created in the active stage chain
}

// AdminFilter narrows and orders the admin content list; empty fields do
// not filter. Sort is one of title, type, author, changed.
type AdminFilter struct {
	Type, Author, Title string
	Status              *bool
	Sort                string
	Descending          bool
}

// AdminList returns up to limit items matching f that acct may see, plus
// whether another page exists (fetching limit+1 rows; no COUNT query).
// Access is part of the query, so pages stay full and nothing leaks.
func (s *Service) AdminList(ctx context.Context, acct *user.Account, f AdminFilter, page, limit int) ([]AdminRow, bool, error) {
	p := db.AdminItemsParams{
		SeeUnpublished: acct.Can(PermViewUnpublished) || acct.Can(PermAdministerContent), Chain: chainOf(ctx),
		Sort: f.Sort, Descending: f.Descending, Lim: int32(limit + 1), Off: int32(page * limit),
	}
	if acct.IsAuthenticated() && acct.Can(PermViewOwnUnpublished) {
		p.Viewer = acct.ID
	} else {
		p.Viewer = uuid.Max // matches no author
	}
	if f.Type != "" {
		p.Type = pgtype.Text{String: f.Type, Valid: true}
	}
	if f.Author != "" {
		p.Author = pgtype.Text{String: f.Author, Valid: true}
	}
	if f.Title != "" {
		p.Title = pgtype.Text{String: f.Title, Valid: true}
	}
	if f.Status != nil {
		p.Status = pgtype.Bool{Bool: *f.Status, Valid: true}
	}
	rows, err := s.q.AdminItems(ctx, p)
	if err != nil {
		return nil, false, fmt.Errorf("list items: %w", err)
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	out := make([]AdminRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, AdminRow{ID: r.ID, Type: r.Type, Title: r.Title, Author: r.AuthorName, AuthorID: r.AuthorID,
			Status: r.Status, Promote: r.Promote, Sticky: r.Sticky, Changed: r.Changed, Staged: r.Staged})
	}
	return out, more, nil
}
