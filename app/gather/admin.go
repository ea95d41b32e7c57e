package gather

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/user"
	"github.com/trovato/trovato/app/web"
	"github.com/trovato/trovato/views"
)

// PermAdminister lets site builders manage listings: the builder, import
// and export, materialized columns.
const PermAdminister = "administer listings"

// Permissions lists the listing permissions for the permissions matrix.
func Permissions() []user.Permission {
	return []user.Permission{{Name: PermAdminister, Title: "Administer listings", Group: "Listings", Restricted: true,
		Description: "Build, edit, import, export and delete listings (Gather), and materialize fields for them. " +
			"The preview runs listings as an administrator sees them."}}
}

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

// setup is what the builder form of a listing page needs.
func (a *Admin) setup(c *fiber.Ctx, action string, isNew bool) (builderSetup, error) {
	cat, err := a.gather.catalog(c.UserContext())
	if err != nil {
		return builderSetup{}, err
	}
	return builderSetup{Action: action, IsNew: isNew, Cat: cat}, nil
}

func (a *Admin) editPage(c *fiber.Ctx, status int, title string, f *form.Form) error {
	return a.pages.Admin(c, status, "structure", title, views.GatherAdminEdit(f))
}

// builderState is the first state of a builder form: the definition it
// starts from (kept as the base that parts the builder does not edit are
// taken from on save), the machine name and the label.
func builderState(def []byte, name, label string) *form.State {
	return &form.State{FormID: builderFormID, Data: map[string]string{"definition": string(def), "name": name, "label": label}}
}

// loadBuilderState returns the state a ?from=<build id> link names: a
// listing imported or loaded from JSON, waiting to be edited.
func (a *Admin) loadBuilderState(c *fiber.Ctx, from string) (*form.State, error) {
	st, err := a.forms.States.Load(c.UserContext(), web.Account(c).ID, builderFormID, from)
	if err != nil {
		return nil, errs.New(errs.NotFound, "That imported listing is no longer waiting; import it again.")
	}
	return builderState([]byte(st.Data["definition"]), st.Data["name"], st.Data["label"]), nil
}

// AddForm serves GET /admin/gather/add: the builder, starting from a small
// listing; ?clone=<name> starts from a copy, ?from=<build id> from an
// imported definition.
func (a *Admin) AddForm(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	st := builderState([]byte(starterDefinition), "", "")
	if from := c.Query("clone"); from != "" {
		v, err := a.gather.Get(c.UserContext(), from)
		if err != nil {
			return err
		}
		raw := []byte(v.Definition)
		if v.Def != nil && v.Def.Display.Path != "" {
			d := *v.Def
			d.Display.Path += "-copy"
			if raw, err = json.Marshal(d); err != nil {
				return err
			}
		}
		st = builderState(raw, v.Name+"_copy", v.Label+" (copy)")
	} else if from := c.Query("from"); from != "" {
		var err error
		if st, err = a.loadBuilderState(c, from); err != nil {
			return err
		}
	}
	s, err := a.setup(c, adminURL+"/add", true)
	if err != nil {
		return err
	}
	f, err := a.pages.NewForm(c, a.forms, st, listingBuilder(s))
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
	s, err := a.setup(c, adminURL+"/add", true)
	if err != nil {
		return err
	}
	if c.FormValue(jsonApplyKey) != "" {
		return a.applyJSON(c, s, "Add listing", "")
	}
	return a.pages.SubmitForm(c, a.forms, builderFormID, listingBuilder(s), func(r *form.Result) (string, error) {
		name := strings.TrimSpace(r.Values.Get("name"))
		if !machineRe.MatchString(name) {
			return "", errs.InvalidFields(map[string]string{"name": "The machine name must start with a letter and contain only lower-case letters, digits and underscores."})
		}
		if _, err := a.gather.Get(c.UserContext(), name); err == nil {
			return "", errs.InvalidFields(map[string]string{"name": fmt.Sprintf("The machine name %q is already in use.", name)})
		}
		return a.save(c, name, r)
	}, func(status int, f *form.Form) error { return a.editPage(c, status, "Add listing", f) })
}

// definitionFrom turns submitted builder values into a definition over the
// form's base definition, validated; problems are keyed by form element.
func (a *Admin) definitionFrom(ctx context.Context, values form.Values, base []byte) (*Definition, Schema, error) {
	schema, err := a.gather.Schema(ctx)
	if err != nil {
		return nil, nil, err
	}
	values, termProblems, err := a.gather.resolveTermNames(ctx, values, schema)
	if err != nil {
		return nil, nil, err
	}
	built, rows := valuesDefinition(values, schema)
	d, err := mergeDefinition(base, built)
	if err != nil {
		return nil, nil, err
	}
	if termProblems != nil {
		return d, schema, errs.InvalidFields(termProblems)
	}
	if err := d.Validate(); err != nil {
		return d, schema, errs.InvalidFields(onTermInputs(problemFields(err, d, rows, schema), values))
	}
	// Operators and values are checked against the field types when the
	// statement is built; a missing path argument is fine here.
	if _, err := BuildRequest(d, Viewer{SeesUnpublished: true}, Request{Schema: schema, Input: map[string]string{}}); err != nil &&
		!errs.Is(err, errs.NotFound) {
		return d, schema, errs.InvalidFields(onTermInputs(problemFields(err, d, rows, schema), values))
	}
	return d, schema, nil
}

func (a *Admin) save(c *fiber.Ctx, name string, r *form.Result) (string, error) {
	ctx := c.UserContext()
	d, _, err := a.definitionFrom(ctx, r.Values, []byte(r.State.Data["definition"]))
	if err != nil {
		return "", err
	}
	if err := a.gather.checkPath(ctx, name, d); err != nil {
		return "", errs.InvalidFields(map[string]string{"display.path": errs.Public(err)})
	}
	label := strings.TrimSpace(r.Values.Get("label"))
	if err := a.gather.Save(ctx, name, label, d); err != nil {
		return "", err
	}
	if err := a.pages.Sessions.Flash(c, fmt.Sprintf("The listing %s has been saved.", label)); err != nil {
		return "", err
	}
	return adminURL, nil
}

// applyJSON serves "Load JSON into the builder": valid JSON rebuilds the
// builder from it (nothing saved); invalid JSON comes back with every value
// kept and the message at the JSON (422).
func (a *Admin) applyJSON(c *fiber.Ctx, s builderSetup, title, name string) error {
	values := web.FormValues(c)
	raw := strings.TrimSpace(values.Get("definition_json"))
	if _, perr := Parse(json.RawMessage(raw)); perr != nil {
		res, err := a.forms.Submit(c.UserContext(), web.Account(c).ID, builderFormID, values, listingBuilder(s), func() *form.State {
			return &form.State{FormID: builderFormID}
		})
		if err != nil {
			return err
		}
		if res.Form.CSRFToken, err = a.pages.Sessions.CSRFToken(c); err != nil {
			return err
		}
		res.Form.SetError("definition_json", errs.Public(perr))
		return a.editPage(c, fiber.StatusUnprocessableEntity, title, res.Form)
	}
	if name == "" {
		name = strings.TrimSpace(values.Get("name"))
	}
	// The pasted JSON itself becomes the base, so every key of it is kept.
	var compact bytes.Buffer
	if err := json.Compact(&compact, []byte(raw)); err != nil {
		return err
	}
	f, err := a.pages.NewForm(c, a.forms, builderState(compact.Bytes(), name, values.Get("label")), listingBuilder(s))
	if err != nil {
		return err
	}
	return a.editPage(c, fiber.StatusOK, title, f)
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
	st := builderState(v.Definition, v.Name, v.Label)
	s, err := a.setup(c, adminURL+"/"+v.Name+"/edit", false)
	if err != nil {
		return err
	}
	f, err := a.pages.NewForm(c, a.forms, st, listingBuilder(s))
	if err != nil {
		return err
	}
	if v.Problem != "" {
		f.SetError("definition_json", v.Problem)
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
	s, err := a.setup(c, adminURL+"/"+v.Name+"/edit", false)
	if err != nil {
		return err
	}
	title := "Edit listing " + v.Label
	if c.FormValue(jsonApplyKey) != "" {
		return a.applyJSON(c, s, title, v.Name)
	}
	return a.pages.SubmitForm(c, a.forms, builderFormID, listingBuilder(s), func(r *form.Result) (string, error) {
		return a.save(c, v.Name, r)
	}, func(status int, f *form.Form) error { return a.editPage(c, status, title, f) })
}

// importFormID is the form id of Import listing.
const importFormID = "gather_import"

// importForm is Import listing: a machine name, a label and an exported
// definition, then open it in the builder or save it as is.
func importForm(ctx context.Context, st *form.State) (*form.Form, error) {
	return &form.Form{ID: importFormID, Action: adminURL + "/import", Elements: []*form.Element{
		{Key: "name", Type: form.TextField, Label: "Machine name", Required: true, MaxLength: 64,
			Description: "Lower-case letters, digits and underscores, e.g. recent_articles."},
		{Key: "label", Type: form.TextField, Label: "Label", Required: true, MaxLength: 128},
		{Key: "definition", Type: form.TextArea, Label: "Definition (JSON)", Required: true, Rows: 18,
			Description: "Paste a listing exported from this or another site (Export on the listings page).",
			Attributes:  map[string]string{"spellcheck": "false"}},
		{Key: "actions", Type: form.Actions, Children: []*form.Element{
			{Key: "import_edit", Type: form.Submit, Label: "Open in the builder"},
			{Key: "op", Type: form.Submit, Label: "Save listing"},
		}},
	}}, nil
}

// ImportForm serves GET /admin/gather/import.
func (a *Admin) ImportForm(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	f, err := a.pages.NewForm(c, a.forms, &form.State{FormID: importFormID}, importForm)
	if err != nil {
		return err
	}
	return a.pages.Admin(c, fiber.StatusOK, "structure", "Import listing", views.GatherAdminImport(f))
}

// Import serves POST /admin/gather/import: the JSON is validated (422 with
// the message at the JSON and every value kept); "Open in the builder"
// continues in Add listing with it, "Save listing" saves it at once.
func (a *Admin) Import(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	ctx := c.UserContext()
	return a.pages.SubmitForm(c, a.forms, importFormID, importForm, func(r *form.Result) (string, error) {
		name := strings.TrimSpace(r.Values.Get("name"))
		label := strings.TrimSpace(r.Values.Get("label"))
		if !machineRe.MatchString(name) {
			return "", errs.InvalidFields(map[string]string{"name": "The machine name must start with a letter and contain only lower-case letters, digits and underscores."})
		}
		if _, err := a.gather.Get(ctx, name); err == nil {
			return "", errs.InvalidFields(map[string]string{"name": fmt.Sprintf("The machine name %q is already in use.", name)})
		}
		raw := strings.TrimSpace(r.Values.Get("definition"))
		d, err := Parse(json.RawMessage(raw))
		if err != nil {
			return "", errs.InvalidFields(map[string]string{"definition": errs.Public(err)})
		}
		if c.FormValue("import_edit") != "" {
			var buf bytes.Buffer
			if err := json.Compact(&buf, []byte(raw)); err != nil {
				return "", err
			}
			s, err := a.setup(c, adminURL+"/add", true)
			if err != nil {
				return "", err
			}
			f, err := a.forms.NewWithState(ctx, web.Account(c).ID, builderState(buf.Bytes(), name, label), listingBuilder(s))
			if err != nil {
				return "", err
			}
			return adminURL + "/add?from=" + f.BuildID, nil
		}
		if err := a.gather.checkPath(ctx, name, d); err != nil {
			return "", errs.InvalidFields(map[string]string{"definition": errs.Public(err)})
		}
		if err := a.gather.Save(ctx, name, label, d); err != nil {
			return "", err
		}
		if err := a.pages.Sessions.Flash(c, fmt.Sprintf("The listing %s has been imported.", label)); err != nil {
			return "", err
		}
		return adminURL, nil
	}, func(status int, f *form.Form) error {
		return a.pages.Admin(c, status, "structure", "Import listing", views.GatherAdminImport(f))
	})
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

// Preview serves POST /admin/gather/preview (htmx, from the builder form
// as it changes): the first page as an administrator sees it, the SQL and
// its parameters, the run time and the query plan, with index advice, and
// the definition as JSON. A "definition" parameter previews JSON instead.
func (a *Admin) Preview(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	ctx := c.UserContext()
	p := views.GatherPreviewProps{}
	d, err := a.previewDefinition(c)
	if err != nil {
		if !errs.Is(err, errs.Invalid) {
			return err
		}
		p.Error = previewProblems(err)
		return web.Render(c, fiber.StatusOK, views.GatherPreview(p))
	}
	if raw, err := json.MarshalIndent(d, "", "  "); err == nil {
		p.JSON = string(raw)
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
		p.Advice = adviceViews(indexAdvice(d, plan, schema))
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

// previewDefinition is the definition a preview request describes: JSON in
// "definition", or the builder form's values over the definition its form
// state started from. Problems are Invalid.
func (a *Admin) previewDefinition(c *fiber.Ctx) (*Definition, error) {
	values := web.FormValues(c)
	if raw := values.Get("definition"); raw != "" && values.Get("form_id") == "" {
		return Parse(json.RawMessage(raw))
	}
	var base []byte
	if buildID := values.Get("form_build_id"); buildID != "" {
		if st, err := a.forms.States.Load(c.UserContext(), web.Account(c).ID, builderFormID, buildID); err == nil {
			base = []byte(st.Data["definition"])
		}
	}
	d, _, err := a.definitionFrom(c.UserContext(), values, base)
	if err != nil && !errs.Is(err, errs.Invalid) {
		return nil, err
	}
	return d, err
}

// previewProblems is an invalid definition's problems as one text: the
// per-element messages of the builder, or the definition's own message.
func previewProblems(err error) string {
	fields := errs.FieldsOf(err)
	if len(fields) == 0 {
		return errs.Public(err)
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []string
	for _, k := range keys {
		out = append(out, problemWhere(k)+fields[k])
	}
	return strings.Join(out, " ")
}

// problemWhere names a builder element for a message: "Filter 2, operator: ".
func problemWhere(key string) string {
	nouns := map[string]string{secRelationships: "Relationship", secFields: "Field to show", secFilters: "Filter",
		secSorts: "Sort", secArguments: "Contextual filter"}
	parts := strings.Split(key, ".")
	if len(parts) == 3 {
		if n, err := strconv.Atoi(parts[1]); err == nil && nouns[parts[0]] != "" {
			return fmt.Sprintf("%s %d, %s: ", nouns[parts[0]], n+1, strings.ReplaceAll(parts[2], "_", " "))
		}
	}
	if key == "" {
		return ""
	}
	return strings.ReplaceAll(strings.ReplaceAll(key, ".", " "), "_", " ") + ": "
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
