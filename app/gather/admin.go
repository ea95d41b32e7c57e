package gather

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/web"
	"github.com/trovato/trovato/views"
)

// PermAdminister lets site builders manage listings. The admin pages check
// "administer content types" (the structure permission) until listings get
// a permission of their own in the permissions matrix.
const PermAdminister = "administer content types"

const adminURL = "/admin/gather"

// StoredView is a listing as stored, valid or not.
type StoredView struct {
	Name       string
	Label      string
	Definition json.RawMessage
	Def        *Definition // nil when the stored definition no longer validates
	Problem    string
}

// List returns every stored listing.
func (s *Service) List(ctx context.Context) ([]StoredView, error) {
	rows, err := s.q.ListGatherViews(ctx)
	if err != nil {
		return nil, fmt.Errorf("list listings: %w", err)
	}
	out := make([]StoredView, 0, len(rows))
	for _, r := range rows {
		v := StoredView{Name: r.Name, Label: r.Label, Definition: r.Definition}
		if d, err := Parse(r.Definition); err == nil {
			v.Def = d
		} else {
			v.Problem = errs.Public(err)
		}
		out = append(out, v)
	}
	return out, nil
}

// Get returns one stored listing.
func (s *Service) Get(ctx context.Context, name string) (*StoredView, error) {
	var v StoredView
	err := s.pool.QueryRow(ctx, `SELECT name, label, definition FROM gather_view WHERE name = $1`, name).Scan(&v.Name, &v.Label, &v.Definition)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errs.New(errs.NotFound, "There is no listing %q.", name)
	}
	if err != nil {
		return nil, fmt.Errorf("load listing %s: %w", name, err)
	}
	if d, err := Parse(v.Definition); err == nil {
		v.Def = d
	} else {
		v.Problem = errs.Public(err)
	}
	return &v, nil
}

// Delete removes a listing and its page.
func (s *Service) Delete(ctx context.Context, name string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM gather_view WHERE name = $1`, name)
	if err != nil {
		return fmt.Errorf("delete listing %s: %w", name, err)
	}
	if tag.RowsAffected() == 0 {
		return errs.New(errs.NotFound, "There is no listing %q.", name)
	}
	return s.Reload(ctx)
}

// checkPath refuses a display path another listing already claims.
func (s *Service) checkPath(ctx context.Context, name string, d *Definition) error {
	if d.Display.Path == "" {
		return nil
	}
	var other string
	err := s.pool.QueryRow(ctx, `SELECT name FROM gather_view WHERE definition -> 'display' ->> 'path' = $1 AND name <> $2 LIMIT 1`,
		d.Display.Path, name).Scan(&other)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check listing paths: %w", err)
	}
	return errs.New(errs.Conflict, "The path %s is already used by the listing %q.", d.Display.Path, other)
}

// Admin serves /admin/gather: list, add, edit (with a live preview),
// clone, delete, export and import of listings as JSON.
type Admin struct {
	gather *Service
	pages  *web.Pages
	forms  *form.Processor
	pool   *pgxpool.Pool
}

// NewAdmin returns the listing admin handlers.
func NewAdmin(s *Service, pages *web.Pages, forms *form.Processor) *Admin {
	return &Admin{gather: s, pages: pages, forms: forms, pool: s.pool}
}

// List serves GET /admin/gather.
func (a *Admin) List(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	views_, err := a.gather.List(c.UserContext())
	if err != nil {
		return err
	}
	var rows []views.GatherAdminRow
	for _, v := range views_ {
		row := views.GatherAdminRow{Name: v.Name, Label: v.Label, Problem: v.Problem}
		if v.Def != nil {
			row.Path = v.Def.Display.Path
			row.Types = strings.Join(v.Def.BaseTypes, ", ")
		}
		rows = append(rows, row)
	}
	return a.pages.Admin(c, fiber.StatusOK, "structure", "Listings", views.GatherAdminList(rows))
}

// definitionForm is the listing form: machine name (new listings only),
// label and the definition as JSON (which is also how listings are
// imported: paste an exported definition).
func definitionForm(name, label, definition string, isNew bool) form.Builder {
	return func(ctx context.Context, st *form.State) (*form.Form, error) {
		action := adminURL + "/add"
		if !isNew {
			action = adminURL + "/" + name + "/edit"
		}
		f := &form.Form{ID: "gather_listing", Action: action}
		if isNew {
			f.Elements = append(f.Elements, &form.Element{Key: "name", Type: form.TextField, Label: "Machine name", Required: true,
				Value: name, MaxLength: 64, Description: "Lower-case letters, digits and underscores, e.g. recent_articles."})
		}
		f.Elements = append(f.Elements,
			&form.Element{Key: "label", Type: form.TextField, Label: "Label", Required: true, Value: label, MaxLength: 128, Weight: 1},
			&form.Element{Key: "definition", Type: form.TextArea, Label: "Definition (JSON)", Required: true, Value: definition, Rows: 24, Weight: 2,
				Description: "Base types, relationships, fields, filters (with exposed widgets), arguments, sorts, pager and display. " +
					"Paste an exported listing here to import it. The preview below follows your edits."},
			&form.Element{Key: "actions", Type: form.Actions, Weight: 10, Children: []*form.Element{
				{Key: "op", Type: form.Submit, Label: "Save listing"},
			}},
		)
		return f, nil
	}
}

func (a *Admin) editPage(c *fiber.Ctx, status int, title string, f *form.Form) error {
	return a.pages.Admin(c, status, "structure", title, views.GatherAdminEdit(f))
}

// AddForm serves GET /admin/gather/add; ?clone=<name> starts from a copy.
func (a *Admin) AddForm(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	name, label, def := "", "", starterDefinition
	if from := c.Query("clone"); from != "" {
		v, err := a.gather.Get(c.UserContext(), from)
		if err != nil {
			return err
		}
		name, label = v.Name+"_copy", v.Label+" (copy)"
		def = pretty(v.Definition)
		if v.Def != nil && v.Def.Display.Path != "" {
			d := *v.Def
			d.Display.Path += "-copy"
			raw, _ := json.Marshal(d)
			def = pretty(raw)
		}
	}
	f, err := a.pages.NewForm(c, a.forms, &form.State{FormID: "gather_listing"}, definitionForm(name, label, def, true))
	if err != nil {
		return err
	}
	return a.editPage(c, fiber.StatusOK, "Add listing", f)
}

// Add serves POST /admin/gather/add.
func (a *Admin) Add(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	return a.pages.SubmitForm(c, a.forms, "gather_listing", definitionForm("", "", "", true), func(r *form.Result) (string, error) {
		name := strings.TrimSpace(r.Values.Get("name"))
		if !machineRe.MatchString(name) {
			return "", errs.InvalidFields(map[string]string{"name": "The machine name must start with a letter and contain only lower-case letters, digits and underscores."})
		}
		if _, err := a.gather.Get(c.UserContext(), name); err == nil {
			return "", errs.InvalidFields(map[string]string{"name": fmt.Sprintf("The machine name %q is already in use.", name)})
		}
		return a.save(c, name, r.Values)
	}, func(status int, f *form.Form) error { return a.editPage(c, status, "Add listing", f) })
}

func (a *Admin) save(c *fiber.Ctx, name string, values form.Values) (string, error) {
	d, err := Parse(json.RawMessage(values.Get("definition")))
	if err != nil {
		return "", errs.InvalidFields(map[string]string{"definition": errs.Public(err)})
	}
	if err := a.gather.checkPath(c.UserContext(), name, d); err != nil {
		return "", errs.InvalidFields(map[string]string{"definition": errs.Public(err)})
	}
	if err := a.gather.Save(c.UserContext(), name, strings.TrimSpace(values.Get("label")), d); err != nil {
		return "", err
	}
	if err := a.pages.Sessions.Flash(c, fmt.Sprintf("The listing %s has been saved.", values.Get("label"))); err != nil {
		return "", err
	}
	return adminURL, nil
}

// EditForm serves GET /admin/gather/:name/edit.
func (a *Admin) EditForm(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	v, err := a.gather.Get(c.UserContext(), c.Params("name"))
	if err != nil {
		return err
	}
	f, err := a.pages.NewForm(c, a.forms, &form.State{FormID: "gather_listing"}, definitionForm(v.Name, v.Label, pretty(v.Definition), false))
	if err != nil {
		return err
	}
	if v.Problem != "" {
		f.SetError("definition", v.Problem)
	}
	return a.editPage(c, fiber.StatusOK, "Edit listing "+v.Label, f)
}

// Edit serves POST /admin/gather/:name/edit.
func (a *Admin) Edit(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	v, err := a.gather.Get(c.UserContext(), c.Params("name"))
	if err != nil {
		return err
	}
	return a.pages.SubmitForm(c, a.forms, "gather_listing", definitionForm(v.Name, v.Label, "", false), func(r *form.Result) (string, error) {
		return a.save(c, v.Name, r.Values)
	}, func(status int, f *form.Form) error { return a.editPage(c, status, "Edit listing "+v.Label, f) })
}

// Delete serves GET (confirm) and POST /admin/gather/:name/delete.
func (a *Admin) Delete(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	v, err := a.gather.Get(c.UserContext(), c.Params("name"))
	if err != nil {
		return err
	}
	if c.Method() == fiber.MethodPost {
		if err := a.gather.Delete(c.UserContext(), v.Name); err != nil {
			return err
		}
		if err := a.pages.Sessions.Flash(c, fmt.Sprintf("The listing %s has been deleted.", v.Label)); err != nil {
			return err
		}
		return c.Redirect(adminURL, fiber.StatusSeeOther)
	}
	token, err := a.pages.Sessions.CSRFToken(c)
	if err != nil {
		return err
	}
	return a.pages.Admin(c, fiber.StatusOK, "structure", "Delete listing", views.Confirm(views.ConfirmProps{
		Question: fmt.Sprintf("Delete the listing %s? Its page stops answering at once. This cannot be undone.", v.Label),
		Action:   adminURL + "/" + v.Name + "/delete", Confirm: "Delete", CancelURL: adminURL, CSRFToken: token}))
}

// Export serves GET /admin/gather/:name/export: the definition as a JSON
// download, ready to paste into Add listing on another site.
func (a *Admin) Export(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	v, err := a.gather.Get(c.UserContext(), c.Params("name"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+v.Name+`.json"`)
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.SendString(pretty(v.Definition))
}

// Preview serves POST /admin/gather/preview (htmx, from the definition
// textarea): the first page as an administrator sees it, the SQL and its
// parameters, the run time and the query plan, with index advice.
func (a *Admin) Preview(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	ctx := c.UserContext()
	p := views.GatherPreviewProps{}
	d, err := Parse(json.RawMessage(c.FormValue("definition")))
	if err != nil {
		p.Error = errs.Public(err)
		return web.Render(c, fiber.StatusOK, views.GatherPreview(p))
	}
	schema, err := a.gather.Schema(ctx)
	if err != nil {
		return err
	}
	q, err := BuildRequest(d, Viewer{SeesUnpublished: true}, Request{Schema: schema, Input: map[string]string{}})
	if err != nil {
		p.Error = errs.Public(err)
		return web.Render(c, fiber.StatusOK, views.GatherPreview(p))
	}
	p.SQL = q.SQL
	for i, arg := range q.Args {
		p.Params = append(p.Params, fmt.Sprintf("$%d = %v", i+1, arg))
	}
	start := time.Now()
	res, err := a.gather.Exec(ctx, d, q)
	p.Duration = time.Since(start).Round(10 * time.Microsecond).String()
	if err != nil {
		p.Error = "The listing failed to run: " + err.Error()
		return web.Render(c, fiber.StatusOK, views.GatherPreview(p))
	}
	plan, err := a.explain(ctx, q)
	if err != nil {
		p.Plan = "EXPLAIN failed: " + err.Error()
	} else {
		p.Plan = plan
		for _, adv := range indexAdvice(d, plan, schema) {
			p.Advice = append(p.Advice, views.GatherAdvice{Field: adv.Field, Message: adv.Message, Statement: adv.Statement})
		}
		if p.CSRFToken, err = a.pages.Sessions.CSRFToken(c); err != nil {
			return err
		}
	}
	h := &Handlers{gather: a.gather, pages: a.pages}
	props, err := h.props(ctx, &View{Name: "preview_results", Def: d}, "/admin/gather/preview", res, map[string]string{}, nil, schema)
	if err != nil {
		return err
	}
	// The preview shows the first page's results; the form and the pager
	// appear on the listing's page.
	props.Form, props.Pager = nil, views.GatherPager{}
	p.Results = views.GatherResults(props)
	p.Rows = len(res.Rows)
	return web.Render(c, fiber.StatusOK, views.GatherPreview(p))
}

func pretty(raw []byte) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return string(raw)
	}
	out, _ := json.MarshalIndent(v, "", "  ")
	return string(out)
}

// starterDefinition is what Add listing starts from.
const starterDefinition = `{
  "base_types": ["page"],
  "fields": [{"field": "title", "formatter": "link"}, {"field": "created", "formatter": "date"}],
  "filters": [{"field": "title", "op": "contains", "expose": {"identifier": "title", "label": "Title", "widget": "text"}}],
  "sorts": [{"field": "created", "direction": "desc"}],
  "pager": {"type": "mini", "items_per_page": 10},
  "display": {"path": "/my-listing", "title": "My listing", "format": "list"}
}`
