package stage

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/trovato/trovato/app/category"
	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/item"
	"github.com/trovato/trovato/app/user"
	"github.com/trovato/trovato/app/web"
	"github.com/trovato/trovato/views"
)

// Permissions.
const (
	// PermUse lets an account switch its active stage, edit in stages,
	// review them, discard or move single changes, and share previews.
	PermUse = "use stages"
	// PermAdminister adds creating, editing and deleting stages, publishing
	// them and discarding whole stages.
	PermAdminister = "administer stages"
)

// Permissions lists the stage permissions for the permissions matrix.
func Permissions() []user.Permission {
	return []user.Permission{
		{Name: PermUse, Title: "Use stages", Group: "Stages",
			Description: "Switch the active stage, edit content in stages, review them, discard or move single changes and share preview links."},
		{Name: PermAdminister, Title: "Administer stages", Group: "Stages", Restricted: true,
			Description: "Add, edit and delete stages, publish them to Live and discard whole stages."},
	}
}

// CanUse reports whether acct may work in stages.
func CanUse(acct *user.Account) bool {
	return acct != nil && acct.IsAuthenticated() && (acct.Can(PermUse) || acct.Can(PermAdminister))
}

// PreviewCookie holds a preview link's token in a browser without an account.
const PreviewCookie = "trovato_stage_preview"

const adminURL = "/admin/stages"

// maxDiffs bounds how many items the review page diffs field by field.
const maxDiffs = 100

// Handlers serve the stage admin pages, the switcher, preview links, and
// the middleware that resolves each request's stage.
type Handlers struct {
	stages *Service
	items  *item.Service
	pages  *web.Pages
	forms  *form.Processor
	now    func() time.Time
}

// NewHandlers returns the stage handlers.
func NewHandlers(stages *Service, items *item.Service, pages *web.Pages, forms *form.Processor) *Handlers {
	return &Handlers{stages: stages, items: items, pages: pages, forms: forms, now: time.Now}
}

// Middleware resolves the request's stage: the session's active stage for
// accounts that may use stages, else a preview cookie's stage (read-only),
// else Live. A stage request is marked noindex and private.
func (h *Handlers) Middleware(c *fiber.Ctx) error {
	ctx := c.UserContext()
	acct := web.Account(c)
	st := web.Stage{}
	if CanUse(acct) && !web.IsTokenAuth(c) {
		if id := h.pages.Sessions.ActiveStage(c); id != "" {
			chain, err := h.stages.Chain(ctx, id)
			switch {
			case err == nil:
				st = chain
			case errs.Is(err, errs.NotFound):
				// The stage was deleted: back to Live.
				if err := h.pages.Sessions.SetActiveStage(c, ""); err != nil {
					return err
				}
			default:
				return err
			}
		}
	}
	if st.IsLive() {
		if token := c.Cookies(PreviewCookie); token != "" && !web.IsTokenAuth(c) {
			if chain, err := h.previewStage(ctx, token, acct); err == nil {
				st = chain
				st.Preview = true
			}
		}
	}
	if !st.IsLive() {
		c.SetUserContext(web.WithStage(ctx, st))
		c.Set("X-Robots-Tag", "noindex")
		c.Set(fiber.HeaderCacheControl, "private, no-store")
	}
	return c.Next()
}

// previewStage checks a preview token for acct and returns its stage chain.
func (h *Handlers) previewStage(ctx context.Context, token string, acct *user.Account) (web.Stage, error) {
	id, _, err := h.stages.VerifyPreview(ctx, token, h.now())
	if err != nil {
		return web.Stage{}, err
	}
	st, err := h.stages.Get(ctx, id)
	if err != nil {
		return web.Stage{}, ErrPreviewInvalid
	}
	if st.Visibility != PublicPreview && !CanUse(acct) {
		return web.Stage{}, errs.New(errs.Forbidden, "Stage %s is internal: log in with an account that may use stages to preview it.", st.Label)
	}
	return h.stages.Chain(ctx, id)
}

// Bar builds the admin toolbar's stage switcher (web.Pages.StageBar).
func (h *Handlers) Bar(c *fiber.Ctx) *views.StageBar {
	acct := web.Account(c)
	if !CanUse(acct) {
		return nil
	}
	cur := web.StageFrom(c.UserContext())
	list, err := h.stages.List(c.UserContext())
	if err != nil {
		return nil
	}
	bar := &views.StageBar{ID: cur.ID, Label: cur.Label, IsLive: cur.IsLive(), ReturnURL: string(c.Request().URI().RequestURI())}
	if c.Method() != fiber.MethodGet {
		bar.ReturnURL = adminURL
	}
	for _, s := range list {
		bar.Options = append(bar.Options, views.StageOption{ID: s.ID, Label: s.Label, Selected: s.ID == cur.ID})
	}
	return bar
}

// require answers for accounts lacking perm (login redirect or 403).
func require(c *fiber.Ctx, perm string) (bool, error) {
	if perm == PermUse && web.Account(c).Can(PermAdminister) {
		return false, nil
	}
	return web.RequirePermission(c, perm)
}

// Switch serves POST /admin/stages/switch: keeps the chosen stage in the
// session and goes back to the page the editor came from.
func (h *Handlers) Switch(c *fiber.Ctx) error {
	if done, err := require(c, PermUse); done || err != nil {
		return err
	}
	id := c.FormValue("stage")
	st, err := h.stages.Chain(c.UserContext(), id)
	if err != nil {
		return err
	}
	if err := h.pages.Sessions.SetActiveStage(c, st.ID); err != nil {
		return err
	}
	msg := "You are now editing Live."
	if !st.IsLive() {
		msg = "You are now editing in stage " + st.Label + ". Live is untouched until the stage is published."
	}
	if err := h.pages.Sessions.Flash(c, msg); err != nil {
		return err
	}
	dest := c.FormValue("destination")
	if !strings.HasPrefix(dest, "/") || strings.HasPrefix(dest, "//") || strings.ContainsAny(dest, "\\\r\n") {
		dest = adminURL
	}
	return c.Redirect(dest, fiber.StatusSeeOther)
}

// List serves GET /admin/stages.
func (h *Handlers) List(c *fiber.Ctx) error {
	if done, err := require(c, PermUse); done || err != nil {
		return err
	}
	ctx := c.UserContext()
	list, err := h.stages.List(ctx)
	if err != nil {
		return err
	}
	cur := web.StageFrom(ctx)
	p := views.StagesProps{CanManage: web.Account(c).Can(PermAdminister)}
	labels := map[string]string{}
	for _, s := range list {
		labels[s.ID] = s.Label
	}
	for _, s := range list {
		n, err := h.stages.Changes(ctx, s.ID)
		if err != nil {
			return err
		}
		parent := ""
		if s.ID != Live {
			parent = labels[s.Target()]
		}
		vis := "Internal"
		if s.Visibility == PublicPreview {
			vis = "Public preview"
		}
		p.Rows = append(p.Rows, views.StageRow{ID: s.ID, Label: s.Label, Description: s.Description, Parent: parent,
			Visibility: vis, Changes: n, Active: s.ID == cur.ID})
	}
	return h.pages.Admin(c, fiber.StatusOK, "stages", "Stages", views.Stages(p))
}

// stageForm builds the add (st nil) or edit form of a stage.
func (h *Handlers) stageForm(st *Stage) form.Builder {
	return func(ctx context.Context, _ *form.State) (*form.Form, error) {
		list, err := h.stages.List(ctx)
		if err != nil {
			return nil, err
		}
		f := &form.Form{ID: "stage_add", Action: adminURL + "/add"}
		label := &form.Element{Key: "label", Type: form.TextField, Label: "Label", Required: true, MaxLength: 64,
			Description: "The name editors see, e.g. \"Spring campaign\"."}
		f.Elements = append(f.Elements, label)
		if st == nil {
			f.Elements = append(f.Elements, &form.Element{Key: "id", Type: form.TextField, Label: "Machine name", MaxLength: 32,
				Description: "Lower-case letters, digits and underscores. Leave empty to derive it from the label; it cannot be changed later."})
		} else {
			f.ID, f.Action = "stage_edit", adminURL+"/"+st.ID+"/edit"
			label.Value = st.Label
			f.Elements = append(f.Elements, &form.Element{Key: "id_info", Type: form.Markup, Markup: "Machine name: " + st.ID})
		}
		desc := &form.Element{Key: "description", Type: form.TextArea, Label: "Description", Rows: 3}
		parent := &form.Element{Key: "parent", Type: form.Select, Label: "Parent stage", Value: Live,
			Description: "A child stage sees its parent's changes and publishes into its parent.",
			Options:     []form.Option{{Value: Live, Label: "Live"}}}
		for _, s := range list {
			if s.ID != Live && (st == nil || s.ID != st.ID) {
				parent.Options = append(parent.Options, form.Option{Value: s.ID, Label: s.Label})
			}
		}
		vis := &form.Element{Key: "visibility", Type: form.Radios, Label: "Visibility", Required: true, Value: Internal,
			Options: []form.Option{{Value: Internal, Label: "Internal: preview links work only for accounts that may use stages"},
				{Value: PublicPreview, Label: "Public preview: anyone holding a preview link may browse the stage"}}}
		if st != nil {
			desc.Value, parent.Value, vis.Value = st.Description, st.Target(), st.Visibility
		}
		f.Elements = append(f.Elements, desc, parent, vis,
			&form.Element{Key: "actions", Type: form.Actions, Children: []*form.Element{{Key: "op", Type: form.Submit, Label: "Save stage"}}})
		return f, nil
	}
}

func readStage(st *Stage, v form.Values) {
	st.Label, st.Description = strings.TrimSpace(v.Get("label")), v.Get("description")
	st.ParentID, st.Visibility = v.Get("parent"), v.Get("visibility")
}

func (h *Handlers) showForm(c *fiber.Ctx, title, formID string, build form.Builder) error {
	if done, err := require(c, PermAdminister); done || err != nil {
		return err
	}
	f, err := h.pages.NewForm(c, h.forms, &form.State{FormID: formID}, build)
	if err != nil {
		return err
	}
	return h.pages.Admin(c, fiber.StatusOK, "stages", title, views.Form(f))
}

func (h *Handlers) processForm(c *fiber.Ctx, title, formID string, build form.Builder, submit func(*form.Result) (string, error)) error {
	if done, err := require(c, PermAdminister); done || err != nil {
		return err
	}
	return h.pages.SubmitForm(c, h.forms, formID, build, submit, func(status int, f *form.Form) error {
		return h.pages.Admin(c, status, "stages", title, views.Form(f))
	})
}

// AddForm serves GET /admin/stages/add.
func (h *Handlers) AddForm(c *fiber.Ctx) error {
	return h.showForm(c, "Add stage", "stage_add", h.stageForm(nil))
}

// Add serves POST /admin/stages/add.
func (h *Handlers) Add(c *fiber.Ctx) error {
	return h.processForm(c, "Add stage", "stage_add", h.stageForm(nil), func(res *form.Result) (string, error) {
		var st Stage
		readStage(&st, res.Values)
		if st.ID = strings.TrimSpace(res.Values.Get("id")); st.ID == "" {
			st.ID = form.MachineName(st.Label)
		}
		if err := h.stages.Create(c.UserContext(), st); err != nil {
			return "", err
		}
		return adminURL, h.pages.Sessions.Flash(c, "The stage "+st.Label+" has been added.")
	})
}

// stageParam loads the stage named by :stage; Live has no admin pages.
func (h *Handlers) stageParam(c *fiber.Ctx) (*Stage, error) {
	st, err := h.stages.Get(c.UserContext(), c.Params("stage"))
	if err != nil {
		return nil, err
	}
	if st.ID == Live {
		return nil, errs.New(errs.NotFound, "Live is not a draft stage: edit its content directly.")
	}
	return st, nil
}

// EditForm serves GET /admin/stages/{stage}/edit.
func (h *Handlers) EditForm(c *fiber.Ctx) error {
	st, err := h.stageParam(c)
	if err != nil {
		return err
	}
	return h.showForm(c, "Edit "+st.Label, "stage_edit", h.stageForm(st))
}

// Edit serves POST /admin/stages/{stage}/edit.
func (h *Handlers) Edit(c *fiber.Ctx) error {
	st, err := h.stageParam(c)
	if err != nil {
		return err
	}
	return h.processForm(c, "Edit "+st.Label, "stage_edit", h.stageForm(st), func(res *form.Result) (string, error) {
		readStage(st, res.Values)
		if err := h.stages.Update(c.UserContext(), *st); err != nil {
			return "", err
		}
		return adminURL, h.pages.Sessions.Flash(c, "The stage "+st.Label+" has been updated.")
	})
}

func (h *Handlers) confirm(c *fiber.Ctx, title string, p views.ConfirmProps) error {
	token, err := h.pages.Sessions.CSRFToken(c)
	if err != nil {
		return err
	}
	p.CSRFToken = token
	return h.pages.Admin(c, fiber.StatusOK, "stages", title, views.Confirm(p))
}

// Delete serves GET (confirmation) and POST /admin/stages/{stage}/delete.
func (h *Handlers) Delete(c *fiber.Ctx) error {
	if done, err := require(c, PermAdminister); done || err != nil {
		return err
	}
	st, err := h.stageParam(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	if c.Method() == fiber.MethodPost {
		if err := h.stages.Delete(ctx, st.ID); err != nil {
			return err
		}
		if web.StageFrom(ctx).ID == st.ID {
			if err := h.pages.Sessions.SetActiveStage(c, ""); err != nil {
				return err
			}
		}
		if err := h.pages.Sessions.Flash(c, "The stage "+st.Label+" has been deleted."); err != nil {
			return err
		}
		return c.Redirect(adminURL, fiber.StatusSeeOther)
	}
	n, err := h.stages.Changes(ctx, st.ID)
	if err != nil {
		return err
	}
	q := fmt.Sprintf("Are you sure you want to delete the stage %s? It has no changes.", st.Label)
	if n > 0 {
		q = fmt.Sprintf("Are you sure you want to delete the stage %s? Its %d unpublished change(s) will be discarded.", st.Label, n)
	}
	return h.confirm(c, "Delete "+st.Label, views.ConfirmProps{Question: q, Action: c.Path(), Confirm: "Delete", CancelURL: adminURL})
}

// Discard serves GET (confirmation) and POST /admin/stages/{stage}/discard.
func (h *Handlers) Discard(c *fiber.Ctx) error {
	if done, err := require(c, PermAdminister); done || err != nil {
		return err
	}
	st, err := h.stageParam(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	if c.Method() == fiber.MethodPost {
		if err := h.stages.Discard(ctx, st.ID); err != nil {
			return err
		}
		if err := h.pages.Sessions.Flash(c, "Every change in "+st.Label+" has been discarded."); err != nil {
			return err
		}
		return c.Redirect(adminURL+"/"+st.ID, fiber.StatusSeeOther)
	}
	n, err := h.stages.Changes(ctx, st.ID)
	if err != nil {
		return err
	}
	return h.confirm(c, "Discard "+st.Label, views.ConfirmProps{
		Question: fmt.Sprintf("Discard all %d change(s) in %s? Items and category terms created in the stage are deleted; Live is not affected.", n, st.Label),
		Action:   c.Path(), Confirm: "Discard all changes", CancelURL: adminURL + "/" + st.ID})
}

// Review serves GET /admin/stages/{stage}: every change with a diff.
func (h *Handlers) Review(c *fiber.Ctx) error {
	if done, err := require(c, PermUse); done || err != nil {
		return err
	}
	st, err := h.stageParam(c)
	if err != nil {
		return err
	}
	p, err := h.reviewProps(c, st)
	if err != nil {
		return err
	}
	return h.pages.Admin(c, fiber.StatusOK, "stages", "Stage: "+st.Label, views.StageReview(p))
}

func (h *Handlers) reviewProps(c *fiber.Ctx, st *Stage) (views.StageReviewProps, error) {
	ctx := c.UserContext()
	token, err := h.pages.Sessions.CSRFToken(c)
	if err != nil {
		return views.StageReviewProps{}, err
	}
	p := views.StageReviewProps{ID: st.ID, Label: st.Label, Description: st.Description, CSRFToken: token,
		CanPublish: web.Account(c).Can(PermAdminister), Target: "Live"}
	list, err := h.stages.List(ctx)
	if err != nil {
		return p, err
	}
	for _, s := range list {
		if s.ID == st.Target() {
			p.Target = s.Label
		}
		if s.ID != Live && s.ID != st.ID {
			p.MoveTargets = append(p.MoveTargets, views.StageOption{ID: s.ID, Label: s.Label})
		}
	}
	changes, err := h.stages.ListChanges(ctx, st.ID)
	if err != nil {
		return p, err
	}
	// The diffs read the stage's revisions, which only its chain may see.
	chain, err := h.stages.Chain(ctx, st.ID)
	if err != nil {
		return p, err
	}
	inStage := web.WithStage(ctx, chain)
	for i, ch := range changes {
		row := views.StageChangeRow{ItemID: ch.ItemID.String(), Title: ch.Title, URL: "/item/" + ch.ItemID.String(),
			Kind: ch.Kind, Type: ch.Type, Author: ch.Author, Changed: ch.Changed.Format("2006-01-02 15:04")}
		if ch.Conflicted() {
			row.Conflict = p.Target + " changed since"
			if ch.TargetDeleted {
				row.Conflict = p.Target + " deleted it since"
			}
		}
		if i < maxDiffs && ch.Kind != "deleted" {
			if row.Diff, err = h.diff(inStage, ch); err != nil {
				return p, err
			}
		}
		p.Changes = append(p.Changes, row)
	}
	terms, err := h.stages.ListTermChanges(ctx, st.ID)
	if err != nil {
		return p, err
	}
	var named []uuid.UUID
	for _, tc := range terms {
		named = append(append(named, tc.Parents...), tc.BaseParents...)
	}
	names, err := h.stages.termNames(ctx, chain.Chain, named)
	if err != nil {
		return p, err
	}
	for _, tc := range terms {
		row := views.StageChangeRow{ItemID: tc.TermID.String(), Title: tc.Name, URL: category.TermURL(tc.TermID),
			Kind: tc.Kind, Type: "term in " + tc.VocabularyLabel, Author: tc.Author, Changed: tc.Changed.Format("2006-01-02 15:04"),
			Term: true}
		if tc.Conflicted() {
			row.Conflict = p.Target + " changed since"
			if tc.TargetGone {
				row.Conflict = p.Target + " deleted it since"
			}
		}
		if tc.Kind != "deleted" {
			row.Diff = termDiff(tc, names)
		}
		p.Changes = append(p.Changes, row)
	}
	return p, nil
}

// termDiff compares a term's stage copy with what the stage read when the
// copy was made (nothing for an added term): name, description, weight and
// parents.
func termDiff(tc TermChange, names map[uuid.UUID]string) []views.DiffChange {
	parentNames := func(ids []uuid.UUID) string {
		out := make([]string, 0, len(ids))
		for _, id := range ids {
			if n, ok := names[id]; ok {
				out = append(out, n)
			} else {
				out = append(out, "(deleted term)")
			}
		}
		slices.Sort(out)
		return strings.Join(out, ", ")
	}
	var out []views.DiffChange
	add := func(key, label, old, new string) {
		if old != new {
			out = append(out, views.DiffChange{Key: key, Label: label, Old: old, New: new})
		}
	}
	oldWeight, oldParents := "", ""
	if tc.HasBase {
		oldWeight, oldParents = strconv.Itoa(tc.BaseWeight), parentNames(tc.BaseParents)
	}
	add("name", "Name", tc.BaseName, tc.Name)
	add("description", "Description", tc.BaseDescription, tc.Description)
	add("weight", "Weight", oldWeight, strconv.Itoa(tc.Weight))
	add("parents", "Parents", oldParents, parentNames(tc.Parents))
	return out
}

// diff compares Live's current revision (nothing for an added item) with
// the stage's, field by field, in ctx: the reviewed stage's chain, so
// category fields name their terms as that stage sees them (renamed or
// created in it), whatever the reviewer's active stage.
func (h *Handlers) diff(ctx context.Context, ch Change) ([]views.DiffChange, error) {
	t, err := h.items.GetType(ctx, ch.Type)
	if err != nil {
		return nil, err
	}
	to, err := h.items.LoadRevision(ctx, ch.ItemID, ch.RevisionID)
	if err != nil {
		return nil, err
	}
	from := &item.Revision{Fields: item.Values{}}
	if ch.Kind != "added" && ch.LiveRevision != nil {
		if from, err = h.items.LoadRevision(ctx, ch.ItemID, *ch.LiveRevision); err != nil {
			return nil, err
		}
	}
	cmp := item.CompareRevisionsContext(ctx, h.items.Fields(), t, from, to)
	out := make([]views.DiffChange, 0, len(cmp.Changes))
	for _, c := range cmp.Changes {
		vc := views.DiffChange{Key: c.Key, Label: c.Label, Old: c.Old, New: c.New, Long: c.Long}
		for _, s := range c.Segments {
			vc.Segments = append(vc.Segments, views.DiffSegment{Op: [...]string{"equal", "del", "ins"}[s.Op], Text: s.Text})
		}
		out = append(out, vc)
	}
	return out, nil
}

// Publish serves POST /admin/stages/{stage}/publish: op=all publishes the
// whole stage, op=chosen the checked items; the conflict form resends the
// choice with a decision per conflicting item. Conflicts answer 409 with
// the review page and the decision form.
func (h *Handlers) Publish(c *fiber.Ctx) error {
	if done, err := require(c, PermAdminister); done || err != nil {
		return err
	}
	st, err := h.stageParam(c)
	if err != nil {
		return err
	}
	v := web.FormValues(c)
	req := PublishRequest{By: web.Account(c), Resolutions: map[uuid.UUID]Resolution{}}
	var chosen []string
	if v.Get("op") != "all" {
		for _, raw := range v.All("items") {
			if id, err := uuid.Parse(raw); err == nil {
				req.Items = append(req.Items, id)
				chosen = append(chosen, id.String())
			}
		}
		if v.Get("op") == "chosen" && len(req.Items) == 0 {
			if err := h.pages.Sessions.Flash(c, "Choose the items to publish, or publish the whole stage."); err != nil {
				return err
			}
			return c.Redirect(adminURL+"/"+st.ID, fiber.StatusSeeOther)
		}
	}
	for k := range v {
		raw, ok := strings.CutPrefix(k, "decision-")
		if !ok {
			continue
		}
		id, err := uuid.Parse(raw)
		if err != nil {
			continue
		}
		seen, err := uuid.Parse(v.Get("seen-" + raw))
		if err != nil {
			continue
		}
		req.Resolutions[id] = Resolution{Overwrite: v.Get(k) == "overwrite", SeenLive: seen}
	}
	res, err := h.stages.Publish(c.UserContext(), st.ID, req)
	var ce *ConflictError
	if errors.As(err, &ce) {
		p, perr := h.reviewProps(c, st)
		if perr != nil {
			return perr
		}
		p.Chosen = chosen
		for _, cf := range ce.Conflicts {
			p.Conflicts = append(p.Conflicts, views.StageConflictRow{ItemID: cf.ItemID.String(), Title: cf.Title,
				Reason: cf.Reason, SeenLive: cf.LiveRevision.String()})
		}
		c.Set("X-Publish-Conflicts", fmt.Sprint(len(ce.Conflicts)))
		return h.pages.Admin(c, fiber.StatusConflict, "stages", "Stage: "+st.Label, views.StageReview(p))
	}
	if err != nil {
		return err
	}
	target := "Live"
	if res.Target != Live {
		target = "stage " + res.Target
	}
	msg := fmt.Sprintf("Published %d item(s) and %d deletion(s) from %s to %s.", len(res.Published), len(res.Deleted), st.Label, target)
	if n := len(res.Terms) + len(res.TermsDeleted); n > 0 {
		msg += fmt.Sprintf(" Published %d category term change(s).", n)
	}
	if len(res.Skipped) > 0 {
		msg += fmt.Sprintf(" Skipped %d conflicting change(s); they stay in the stage.", len(res.Skipped))
	}
	if err := h.pages.Sessions.Flash(c, msg); err != nil {
		return err
	}
	return c.Redirect(adminURL+"/"+st.ID, fiber.StatusSeeOther)
}

func itemParam(c *fiber.Ctx) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Params("id"))
	if err != nil {
		return uuid.Nil, errs.New(errs.NotFound, "The requested page could not be found.")
	}
	return id, nil
}

// DiscardItem serves POST /admin/stages/{stage}/items/{id}/discard.
func (h *Handlers) DiscardItem(c *fiber.Ctx) error {
	if done, err := require(c, PermUse); done || err != nil {
		return err
	}
	st, err := h.stageParam(c)
	if err != nil {
		return err
	}
	id, err := itemParam(c)
	if err != nil {
		return err
	}
	if err := h.stages.DiscardItem(c.UserContext(), st.ID, id); err != nil {
		return err
	}
	if err := h.pages.Sessions.Flash(c, "The change has been discarded from "+st.Label+"."); err != nil {
		return err
	}
	return c.Redirect(adminURL+"/"+st.ID, fiber.StatusSeeOther)
}

// MoveItem serves POST /admin/stages/{stage}/items/{id}/move (to=stage).
func (h *Handlers) MoveItem(c *fiber.Ctx) error {
	if done, err := require(c, PermUse); done || err != nil {
		return err
	}
	st, err := h.stageParam(c)
	if err != nil {
		return err
	}
	id, err := itemParam(c)
	if err != nil {
		return err
	}
	to := c.FormValue("to")
	if err := h.stages.MoveItem(c.UserContext(), st.ID, to, id); err != nil {
		return err
	}
	if err := h.pages.Sessions.Flash(c, "The change has been moved to stage "+to+"."); err != nil {
		return err
	}
	return c.Redirect(adminURL+"/"+st.ID, fiber.StatusSeeOther)
}

// PreviewLink serves POST /admin/stages/{stage}/preview-link: the review
// page with a new signed, expiring share link.
func (h *Handlers) PreviewLink(c *fiber.Ctx) error {
	if done, err := require(c, PermUse); done || err != nil {
		return err
	}
	st, err := h.stageParam(c)
	if err != nil {
		return err
	}
	expires := h.now().Add(DefaultPreviewTTL)
	token, err := h.stages.PreviewToken(c.UserContext(), st.ID, expires)
	if err != nil {
		return err
	}
	p, err := h.reviewProps(c, st)
	if err != nil {
		return err
	}
	p.PreviewURL = c.BaseURL() + "/stage-preview/" + url.PathEscape(token)
	p.PreviewNote = expires.UTC().Format("2 January 2006 15:04 MST")
	if st.Visibility != PublicPreview {
		p.PreviewNote += " (this stage is internal: only accounts that may use stages can open it)"
	}
	return h.pages.Admin(c, fiber.StatusOK, "stages", "Stage: "+st.Label, views.StageReview(p))
}

// PreviewOpen serves GET /stage-preview/{token}: a valid link sets the
// preview cookie (until the link expires) and opens the front page; a bad
// link is 403, an expired one 410.
func (h *Handlers) PreviewOpen(c *fiber.Ctx) error {
	c.Set("X-Robots-Tag", "noindex")
	token := c.Params("token")
	ctx := c.UserContext()
	_, expires, err := h.stages.VerifyPreview(ctx, token, h.now())
	if err != nil {
		return err
	}
	if _, err := h.previewStage(ctx, token, web.Account(c)); err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: PreviewCookie, Value: token, Path: "/", Expires: expires, HTTPOnly: true, SameSite: "Lax",
		Secure: c.Protocol() == "https"})
	return c.Redirect("/", fiber.StatusSeeOther)
}

// PreviewExit serves GET /stage-preview/exit: back to Live.
func (h *Handlers) PreviewExit(c *fiber.Ctx) error {
	c.ClearCookie(PreviewCookie)
	return c.Redirect("/", fiber.StatusSeeOther)
}
