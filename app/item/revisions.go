package item

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/trovato/trovato/app/db"
	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/pg"
	"github.com/trovato/trovato/app/user"
	"github.com/trovato/trovato/app/web"
	"github.com/trovato/trovato/views"
)

// Revision is one immutable saved version of an item. Every save writes
// one; reverting writes a new one copying an older one, so history is
// never rewritten (only retention pruning removes old revisions).
type Revision struct {
	ID         uuid.UUID
	ItemID     uuid.UUID
	AuthorID   uuid.UUID
	AuthorName string
	Title      string
	Status     bool
	Fields     Values // nil in lists (ListRevisions)
	Log        string
	Created    time.Time
}

// RevisionDate is how revisions are dated in lists, confirmations and
// revert log messages.
func RevisionDate(t time.Time) string { return t.UTC().Format("2 Jan 2006, 15:04:05 UTC") }

// ListRevisions returns one page of an item's revisions as the request's stage
// sees them (Live's plus the chain's own), newest first and
// without their field values, and whether another page exists (it fetches
// limit+1 rows; no COUNT).
func (s *Service) ListRevisions(ctx context.Context, itemID uuid.UUID, page, limit int) ([]Revision, bool, error) {
	rows, err := s.q.ListRevisions(ctx, db.ListRevisionsParams{ItemID: itemID, Stages: chainOf(ctx), Lim: int32(limit + 1), Off: int32(page * limit)})
	if err != nil {
		return nil, false, fmt.Errorf("list revisions of %s: %w", itemID, err)
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	out := make([]Revision, 0, len(rows))
	for _, r := range rows {
		out = append(out, Revision{ID: r.ID, ItemID: itemID, AuthorID: r.AuthorID, AuthorName: r.AuthorName,
			Title: r.Title, Status: r.Status, Log: r.Log, Created: r.Created})
	}
	return out, more, nil
}

// LoadRevision returns a revision of an item with its field values; a
// revision of another item is NotFound like a missing one.
func (s *Service) LoadRevision(ctx context.Context, itemID, revID uuid.UUID) (*Revision, error) {
	r, err := s.q.GetRevision(ctx, db.GetRevisionParams{ID: revID, ItemID: itemID, Stages: chainOf(ctx)})
	if err != nil {
		return nil, pg.Classify(err, "The requested revision could not be found.")
	}
	rev := &Revision{ID: r.ID, ItemID: r.ItemID, AuthorID: r.AuthorID, AuthorName: r.AuthorName, Title: r.Title,
		Status: r.Status, Fields: Values{}, Log: r.Log, Created: r.Created}
	if err := json.Unmarshal(r.Fields, &rev.Fields); err != nil {
		return nil, fmt.Errorf("decode fields of revision %s: %w", revID, err)
	}
	return rev, nil
}

// Revert makes a copy of rev the item's current revision: a new revision
// by author with rev's title, status and field values and the log "Copy of
// the revision from <date>.", in one transaction. Values of fields the type
// no longer has are left out; the copied values are not re-validated, so a
// revert restores exactly what was saved then — except that, as for any
// save, long text that differs from the current text must be in a text
// format author may use (Forbidden otherwise).
func (s *Service) Revert(ctx context.Context, author *user.Account, t *Type, it *Item, rev *Revision) (*Item, error) {
	fields := Values{}
	for _, def := range t.Fields {
		if v, ok := rev.Fields[def.Name]; ok {
			fields[def.Name] = v
		}
	}
	if err := checkFormats(t, it.Fields, fields, author); err != nil {
		return nil, err
	}
	doc, err := json.Marshal(fields)
	if err != nil {
		return nil, fmt.Errorf("encode fields: %w", err)
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	next := *it
	next.Title, next.Status, next.Fields, next.Changed = rev.Title, rev.Status, fields, now
	next.RevisionID = uuid.Must(uuid.NewV7())
	log := "Copy of the revision from " + RevisionDate(rev.Created) + "."
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if err := q.InsertRevision(ctx, db.InsertRevisionParams{
			ID: next.RevisionID, ItemID: it.ID, AuthorID: author.ID, Title: next.Title, Status: next.Status,
			Fields: doc, Log: log, Created: now,
		}); err != nil {
			return err
		}
		return q.UpdateItem(ctx, db.UpdateItemParams{ID: it.ID, Title: next.Title, Status: next.Status,
			CurrentRevisionID: &next.RevisionID, Fields: doc, Changed: now, Promote: it.Promote, Sticky: it.Sticky,
			AuthorID: it.AuthorID, Created: it.Created})
	})
	if err != nil {
		return nil, pg.Classify(err, "revert item")
	}
	notify(ctx, s.hooks.Updated, &next) // a revert is an update for plugins (tap_item_update)
	return &next, nil
}

// Retention is how many revisions per item a type keeps; 0 (the default)
// keeps every revision.
func (s *Service) Retention(ctx context.Context, typ string) (int, error) {
	n, err := s.q.GetRetention(ctx, typ)
	if err != nil {
		if err = pg.Classify(err, "retention"); errs.Is(err, errs.NotFound) {
			return 0, nil
		}
		return 0, err
	}
	return int(n), nil
}

// maxRetention bounds the retention setting (it is stored as an integer).
const maxRetention = 1_000_000

// SetRetention sets how many revisions per item a type keeps (0: all).
// Revisions beyond the limit are removed by the next PruneRevisions run.
func (s *Service) SetRetention(ctx context.Context, typ string, keep int) error {
	if keep < 0 || keep > maxRetention {
		return errs.InvalidFields(map[string]string{"keep": fmt.Sprintf("The number of revisions to keep must be between 0 and %d.", maxRetention)})
	}
	if _, err := s.GetType(ctx, typ); err != nil {
		return err
	}
	return pg.Classify(s.q.SetRetention(ctx, db.SetRetentionParams{Type: typ, Keep: int32(keep)}), "set revision retention")
}

// PruneRevisions deletes, for every type with a retention limit N > 0, the
// revisions of each item beyond its newest N, never an item's current
// revision. It works in statements of at most batch rows (so locks stay
// short) until nothing is left to delete, and returns how many it deleted.
// Running it on several nodes at once is safe: deletes are idempotent.
func (s *Service) PruneRevisions(ctx context.Context, batch int) (int64, error) {
	if batch <= 0 {
		batch = 1000
	}
	var total int64
	for {
		n, err := s.q.PruneRevisions(ctx, int32(batch))
		total += n
		if err != nil {
			return total, fmt.Errorf("prune revisions: %w", err)
		}
		if n < int64(batch) {
			return total, nil
		}
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
}

// PruneBatch is how many revisions one PruneRevisions statement deletes at
// most (the periodic revision_pruning job uses it).
const PruneBatch = 1000

// revisionsPageSize is the number of revisions per page of the list.
const revisionsPageSize = 50

// revisionJSON is one revision as the JSON API lists it.
type revisionJSON struct {
	ID      uuid.UUID `json:"id"`
	Author  string    `json:"author"`
	Title   string    `json:"title"`
	Status  bool      `json:"status"`
	Log     string    `json:"log"`
	Created string    `json:"created"`
	Current bool      `json:"current"`
}

// revisionItem loads the item of a revisions request and checks access:
// viewing its revisions, or (revert) reverting them. Plugins' view and
// update grants apply as well as the role permissions.
func (h *Handlers) revisionItem(c *fiber.Ctx, revert bool) (t *Type, it *Item, done bool, err error) {
	if it, err = h.itemParam(c); err != nil {
		return nil, nil, false, err
	}
	ctx := c.UserContext()
	if t, err = h.items.GetType(ctx, it.Type); err != nil {
		return nil, nil, false, err
	}
	acct := web.Account(c)
	ok := h.allowed(c, OpView, it) && CanViewRevisions(acct, it)
	if revert {
		ok = ok && h.allowed(c, OpUpdate, it) && CanRevert(acct, it)
	}
	if !ok {
		if !acct.IsAuthenticated() {
			// Sends anonymous browsers to the login page, refuses API clients.
			if done, err := web.RequirePermission(c, PermAdministerContent); done || err != nil {
				return nil, nil, done, err
			}
		}
		return nil, nil, false, errs.New(errs.Forbidden, "You are not authorized to access this page.")
	}
	return t, it, false, nil
}

// revisionParam parses a revision id from the request; a malformed one is
// NotFound like a missing one.
func revisionParam(s string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, errs.New(errs.NotFound, "The requested revision could not be found.")
	}
	return id, nil
}

// Revisions serves GET /item/{id}/revisions: the item's revisions, newest
// first, with the current one marked, two radio columns to pick revisions
// to compare, revert links, and a mini pager. API clients get JSON.
func (h *Handlers) Revisions(c *fiber.Ctx) error {
	_, it, done, err := h.revisionItem(c, false)
	if done || err != nil {
		return err
	}
	ctx := c.UserContext()
	page := max(c.QueryInt("page", 0), 0)
	revs, more, err := h.items.ListRevisions(ctx, it.ID, page, revisionsPageSize)
	if err != nil {
		return err
	}
	if web.WantsJSON(c) {
		out := make([]revisionJSON, 0, len(revs))
		for _, r := range revs {
			out = append(out, revisionJSON{ID: r.ID, Author: r.AuthorName, Title: r.Title, Status: r.Status, Log: r.Log,
				Created: r.Created.Format(timeFormat), Current: r.ID == it.RevisionID})
		}
		body := fiber.Map{"revisions": out}
		if more {
			body["next"] = it.URL() + "/revisions?page=" + strconv.Itoa(page+1)
		}
		return c.JSON(body)
	}
	canRevert := h.allowed(c, OpUpdate, it) && CanRevert(web.Account(c), it)
	p := views.RevisionsProps{ItemTitle: it.Title, ItemURL: it.URL(), CompareURL: it.URL() + "/revisions/compare"}
	for i, r := range revs {
		row := views.RevisionRow{ID: r.ID.String(), Date: RevisionDate(r.Created), Author: r.AuthorName, Log: r.Log,
			Title: r.Title, Current: r.ID == it.RevisionID}
		if canRevert && !row.Current {
			row.RevertURL = it.URL() + "/revisions/" + r.ID.String() + "/revert"
		}
		// Preselect the two newest revisions, the usual question.
		row.CheckedA, row.CheckedB = page == 0 && i == 1, page == 0 && i == 0
		p.Rows = append(p.Rows, row)
	}
	if page > 0 {
		p.PrevURL = it.URL() + "/revisions"
		if page > 1 {
			p.PrevURL += "?page=" + strconv.Itoa(page-1)
		}
	}
	if more {
		p.NextURL = it.URL() + "/revisions?page=" + strconv.Itoa(page+1)
	}
	return h.pages.Admin(c, fiber.StatusOK, "content", "Revisions for "+it.Title, views.Revisions(p))
}

// RevisionsCompare serves GET /item/{id}/revisions/compare?a=…&b=…: what
// changed between two revisions, property by property, older to newer
// whatever the order of a and b.
func (h *Handlers) RevisionsCompare(c *fiber.Ctx) error {
	t, it, done, err := h.revisionItem(c, false)
	if done || err != nil {
		return err
	}
	if c.Query("a") == "" || c.Query("b") == "" {
		return errs.InvalidFields(map[string]string{"a": "Select two revisions to compare."})
	}
	ctx := c.UserContext()
	var revs [2]*Revision
	for i, key := range []string{"a", "b"} {
		id, err := revisionParam(c.Query(key))
		if err != nil {
			return err
		}
		if revs[i], err = h.items.LoadRevision(ctx, it.ID, id); err != nil {
			return err
		}
	}
	from, to := revs[0], revs[1]
	if to.Created.Before(from.Created) || (to.Created.Equal(from.Created) && to.ID.String() < from.ID.String()) {
		from, to = to, from
	}
	cmp := CompareRevisionsContext(ctx, h.items.Fields(), t, from, to)
	p := views.RevisionCompareProps{
		ItemTitle: it.Title, ItemURL: it.URL(), RevisionsURL: it.URL() + "/revisions",
		From: revisionSummary(from, it), To: revisionSummary(to, it),
		Same: from.ID == to.ID, Unchanged: cmp.Unchanged,
	}
	for _, ch := range cmp.Changes {
		vc := views.DiffChange{Key: ch.Key, Label: ch.Label, Old: ch.Old, New: ch.New, Long: ch.Long}
		for _, s := range ch.Segments {
			vc.Segments = append(vc.Segments, views.DiffSegment{Op: [...]string{"equal", "del", "ins"}[s.Op], Text: s.Text})
		}
		p.Changes = append(p.Changes, vc)
	}
	return h.pages.Admin(c, fiber.StatusOK, "content", "Compare revisions of "+it.Title, views.RevisionCompare(p))
}

func revisionSummary(r *Revision, it *Item) views.RevisionSummary {
	return views.RevisionSummary{Date: RevisionDate(r.Created), Author: r.AuthorName, Log: r.Log, Current: r.ID == it.RevisionID}
}

// RevisionRevert serves GET and POST /item/{id}/revisions/{rev}/revert: a
// confirmation, then a new revision copying the chosen one.
func (h *Handlers) RevisionRevert(c *fiber.Ctx) error {
	t, it, done, err := h.revisionItem(c, true)
	if done || err != nil {
		return err
	}
	ctx := c.UserContext()
	revID, err := revisionParam(c.Params("rev"))
	if err != nil {
		return err
	}
	rev, err := h.items.LoadRevision(ctx, it.ID, revID)
	if err != nil {
		return err
	}
	list := it.URL() + "/revisions"
	if rev.ID == it.RevisionID {
		return errs.New(errs.Conflict, "This is already the current revision of %s.", it.Title)
	}
	if c.Method() == fiber.MethodPost {
		next, err := h.items.Revert(ctx, web.Account(c), t, it, rev)
		if err != nil {
			return err
		}
		if web.SentJSON(c) || web.WantsJSON(c) {
			return c.JSON(fiber.Map{"id": next.ID, "url": next.URL(), "revision": next.RevisionID})
		}
		msg := fmt.Sprintf("%s %s has been reverted to the revision from %s.", t.Label, next.Title, RevisionDate(rev.Created))
		if err := h.pages.Sessions.Flash(c, msg); err != nil {
			return err
		}
		return c.Redirect(list, fiber.StatusSeeOther)
	}
	token, err := h.pages.Sessions.CSRFToken(c)
	if err != nil {
		return err
	}
	return h.pages.Admin(c, fiber.StatusOK, "content", "Revert "+it.Title, views.RevertConfirm(views.RevertConfirmProps{
		Question: fmt.Sprintf("Revert to the revision from %s?", RevisionDate(rev.Created)),
		Detail: fmt.Sprintf("A new revision will be created with the title %q and the field values of that revision; "+
			"the current revision and every other one are kept.", rev.Title),
		Action: c.Path(), CancelURL: list, CSRFToken: token,
	}))
}

// retentionForm is the revision retention setting of a content type.
func retentionForm(t *Type, keep int) form.Builder {
	return func(_ context.Context, _ *form.State) (*form.Form, error) {
		zero := 0.0
		return &form.Form{ID: "item_type_revisions", Action: "/admin/structure/types/" + t.Type + "/revisions", Elements: []*form.Element{
			{Key: "keep", Type: form.Number, Label: "Revisions to keep per item", Required: true, Min: &zero, Step: "1",
				Value: strconv.Itoa(keep),
				Description: "Older revisions of each " + t.Label + " item beyond this number are deleted in the background; " +
					"the current revision is always kept. 0 keeps every revision."},
			{Key: "actions", Type: form.Actions, Children: []*form.Element{{Key: "op", Type: form.Submit, Label: "Save retention"}}},
		}}, nil
	}
}

// RetentionForm serves GET /admin/structure/types/{type}/revisions.
func (h *Handlers) RetentionForm(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdministerTypes); done || err != nil {
		return err
	}
	t, keep, err := h.retention(c)
	if err != nil {
		return err
	}
	return h.showForm(c, PermAdministerTypes, "structure", "Revisions of "+t.Label, "item_type_revisions", retentionForm(t, keep))
}

// Retention serves POST /admin/structure/types/{type}/revisions.
func (h *Handlers) Retention(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdministerTypes); done || err != nil {
		return err
	}
	t, keep, err := h.retention(c)
	if err != nil {
		return err
	}
	return h.processForm(c, PermAdministerTypes, "structure", "Revisions of "+t.Label, "item_type_revisions", retentionForm(t, keep),
		func(res *form.Result) (string, error) {
			n, err := strconv.Atoi(res.Values.Get("keep"))
			if err != nil {
				return "", errs.InvalidFields(map[string]string{"keep": "Revisions to keep per item must be a whole number."})
			}
			if err := h.items.SetRetention(c.UserContext(), t.Type, n); err != nil {
				return "", err
			}
			msg := fmt.Sprintf("%s items keep every revision.", t.Label)
			if n > 0 {
				msg = fmt.Sprintf("%s items keep their last %d revision(s); older ones will be deleted shortly.", t.Label, n)
			}
			return "/admin/structure/types/" + url.PathEscape(t.Type) + "/revisions", h.pages.Sessions.Flash(c, msg)
		})
}

func (h *Handlers) retention(c *fiber.Ctx) (*Type, int, error) {
	t, err := h.items.GetType(c.UserContext(), c.Params("type"))
	if err != nil {
		return nil, 0, err
	}
	keep, err := h.items.Retention(c.UserContext(), t.Type)
	return t, keep, err
}
