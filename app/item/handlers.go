package item

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/render"
	"github.com/trovato/trovato/app/theme"
	"github.com/trovato/trovato/app/web"
	"github.com/trovato/trovato/views"
)

// ViewFunc asks plugins to render an item (tap_item_view) and returns each
// plugin's render element as JSON.
type ViewFunc func(ctx context.Context, it *Item, viewMode string) []json.RawMessage

// SubmittedFunc is told about every successfully submitted form
// (tap_form_submit), with what the submission produced.
type SubmittedFunc func(ctx context.Context, formID string, values form.Values, result map[string]string)

// Handlers serve the item pages and the item JSON API.
type Handlers struct {
	items     *Service
	pages     *web.Pages
	view      ViewFunc
	forms     *form.Processor
	submitted SubmittedFunc
	grants    GrantsFunc
	log       *slog.Logger
}

// NewHandlers returns the item handlers.
func NewHandlers(items *Service, pages *web.Pages, view ViewFunc, forms *form.Processor, submitted SubmittedFunc, grants GrantsFunc, log *slog.Logger) *Handlers {
	return &Handlers{items: items, pages: pages, view: view, forms: forms, submitted: submitted, grants: grants, log: log}
}

// allowed decides op on it for the request's account (plugins, then roles).
func (h *Handlers) allowed(c *fiber.Ctx, op string, it *Item) bool {
	return Allowed(c.UserContext(), h.grants, op, it, web.Account(c))
}

// apiInput is the JSON body of POST /item/add/{type} and /item/{id}/edit.
type apiInput struct {
	Title   *string         `json:"title"`
	Fields  json.RawMessage `json:"fields"`
	Status  *bool           `json:"status"`
	Promote *bool           `json:"promote"`
	Sticky  *bool           `json:"sticky"`
	Log     string          `json:"log"`
}

// AddForm serves GET /item/add/{type}: the create form.
func (h *Handlers) AddForm(c *fiber.Ctx) error {
	t, err := h.items.GetType(c.UserContext(), c.Params("type"))
	if err != nil {
		return err
	}
	if done, err := web.RequirePermission(c, CreatePermission(t.Type)); done || err != nil {
		return err
	}
	build := h.items.formBuilder(t, nil, "/item/add/"+t.Type, web.Account(c))
	f, err := h.forms.New(c.UserContext(), web.Account(c).ID, FormID("add", t.Type), build)
	if err != nil {
		return err
	}
	return h.renderForm(c, fiber.StatusOK, "Create "+t.Label, f)
}

// Add serves POST /item/add/{type}: JSON clients get 201 with the new id and
// URL; browsers get redirected to the new item, the form again with 422, or
// (for "Add another item" and "Remove") the rebuilt form or wrapper.
func (h *Handlers) Add(c *fiber.Ctx) error {
	ctx := c.UserContext()
	t, err := h.items.GetType(ctx, c.Params("type"))
	if err != nil {
		return err
	}
	if done, err := web.RequirePermission(c, CreatePermission(t.Type)); done || err != nil {
		return err
	}
	if web.SentJSON(c) {
		in, err := decodeAPIInput(c, t, true)
		if err != nil {
			return err
		}
		it, err := h.items.Create(ctx, web.Account(c), t, in)
		if err != nil {
			return err
		}
		c.Location(it.URL())
		return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": it.ID, "url": it.URL()})
	}
	return h.submitForm(c, t, nil, "Create "+t.Label)
}

// EditForm serves GET /item/{id}/edit.
func (h *Handlers) EditForm(c *fiber.Ctx) error {
	t, it, done, err := h.editable(c)
	if done || err != nil {
		return err
	}
	build := h.items.formBuilder(t, it, it.URL()+"/edit", web.Account(c))
	f, err := h.forms.New(c.UserContext(), web.Account(c).ID, FormID("edit", t.Type), build)
	if err != nil {
		return err
	}
	return h.renderForm(c, fiber.StatusOK, "Edit "+t.Label+" "+it.Title, f)
}

// Edit serves POST /item/{id}/edit (form or JSON): a new revision.
func (h *Handlers) Edit(c *fiber.Ctx) error {
	t, it, done, err := h.editable(c)
	if done || err != nil {
		return err
	}
	if web.SentJSON(c) {
		in, err := decodeAPIInput(c, t, false)
		if err != nil {
			return err
		}
		if in.Title == "" {
			in.Title = it.Title
		}
		if in.Fields == nil {
			in.Fields = it.Fields
		}
		next, err := h.items.Update(c.UserContext(), web.Account(c), t, it, in)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"id": next.ID, "url": next.URL(), "revision": next.RevisionID})
	}
	return h.submitForm(c, t, it, "Edit "+t.Label+" "+it.Title)
}

// editable loads the item of an edit request and checks that the account
// may edit it: its author with "create <type> content", or an
// administrator of content.
// done=true means a response (a redirect to the login page) was written.
func (h *Handlers) editable(c *fiber.Ctx) (t *Type, it *Item, done bool, err error) {
	if it, err = h.itemParam(c); err != nil {
		return nil, nil, false, err
	}
	if t, err = h.items.GetType(c.UserContext(), it.Type); err != nil {
		return nil, nil, false, err
	}
	if !h.allowed(c, OpUpdate, it) {
		// Sends anonymous browsers to the login page, refuses the others.
		done, err := web.RequirePermission(c, PermAdministerContent)
		return nil, nil, done, err
	}
	return t, it, false, nil
}

func decodeAPIInput(c *fiber.Ctx, t *Type, needTitle bool) (Input, error) {
	var in apiInput
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	if err := dec.Decode(&in); err != nil {
		return Input{}, errs.InvalidFields(map[string]string{"body": "The request body is not valid JSON: " + err.Error()})
	}
	problems := map[string]string{}
	var fields Values
	if len(in.Fields) > 0 && string(in.Fields) != "null" {
		var p map[string]string
		fields, p = DecodeFields(in.Fields)
		for k, v := range p {
			problems[k] = v
		}
	}
	if in.Title == nil && needTitle {
		problems["title"] = t.TitleLabel + " is required"
	}
	if len(problems) > 0 {
		return Input{}, errs.InvalidFields(problems)
	}
	out := Input{Fields: fields, Status: in.Status, Promote: in.Promote, Sticky: in.Sticky, Log: in.Log}
	if in.Title != nil {
		out.Title = *in.Title
	}
	return out, nil
}

// submitForm runs the Form API lifecycle for an item form and saves the
// item when the form is valid.
func (h *Handlers) submitForm(c *fiber.Ctx, t *Type, it *Item, title string) error {
	ctx := c.UserContext()
	acct := web.Account(c)
	op, action := "add", "/item/add/"+t.Type
	if it != nil {
		op, action = "edit", it.URL()+"/edit"
	}
	formID := FormID(op, t.Type)
	save := func(res *form.Result) (string, error) {
		fields, problems := h.items.formFields(t, it, res.State, res.Values, acct)
		if len(problems) > 0 {
			return "", errs.InvalidFields(problems)
		}
		published := res.Values.Get("status") == "1"
		in := Input{Title: res.Values.Get("title"), Fields: fields, Status: &published, Log: res.Values.Get("log")}
		if acct.Can(PermAdministerContent) {
			if err := h.authoring(ctx, res.Values, &in); err != nil {
				return "", err
			}
		}
		var saved *Item
		var err error
		if it == nil {
			saved, err = h.items.Create(ctx, acct, t, in)
		} else {
			saved, err = h.items.Update(ctx, acct, t, it, in)
		}
		if err != nil {
			return "", err
		}
		if h.submitted != nil {
			h.submitted(ctx, formID, res.Values, map[string]string{"item_id": saved.ID.String(), "op": op})
		}
		verb := "created"
		if it != nil {
			verb = "updated"
		}
		return saved.URL(), h.pages.Sessions.Flash(c, t.Label+" "+saved.Title+" has been "+verb+".")
	}
	return h.pages.SubmitForm(c, h.forms, formID, h.items.formBuilder(t, it, action, acct), save,
		func(status int, f *form.Form) error { return h.renderForm(c, status, title, f) })
}

// authoring reads the authoring and promotion options into in; an unknown
// author or a bad date is an invalid-input error naming the element.
func (h *Handlers) authoring(ctx context.Context, v form.Values, in *Input) error {
	promote, sticky := v.Get("promote") == "1", v.Get("sticky") == "1"
	in.Promote, in.Sticky = &promote, &sticky
	problems := map[string]string{}
	if name := strings.TrimSpace(v.Get("author")); name == "" {
		id := uuid.Nil
		in.AuthorID = &id
	} else if a, err := h.items.users.LoadByName(ctx, name); err != nil {
		problems["author"] = fmt.Sprintf("The username %s does not exist.", name)
	} else {
		in.AuthorID = &a.ID
	}
	if created := strings.TrimSpace(v.Get("created")); created != "" {
		ts, err := time.Parse("2006-01-02T15:04", created)
		if err != nil {
			problems["created"] = "Authored on must be a date and time like 2026-01-31T14:30."
		} else {
			in.Created = &ts
		}
	}
	if len(problems) > 0 {
		return errs.InvalidFields(problems)
	}
	return nil
}

func (h *Handlers) renderForm(c *fiber.Ctx, status int, title string, f *form.Form) error {
	if f.CSRFToken == "" {
		token, err := h.pages.Sessions.CSRFToken(c)
		if err != nil {
			return err
		}
		f.CSRFToken = token
	}
	return h.pages.Admin(c, status, "content", title, views.Form(f))
}

// Autocomplete serves GET /item/autocomplete?types=a,b&q=text: item
// suggestions for reference widgets, as JSON.
func (h *Handlers) Autocomplete(c *fiber.Ctx) error {
	acct := web.Account(c)
	if !acct.Can(PermAccessContent) || !acct.IsAuthenticated() {
		return errs.New(errs.Forbidden, "You are not authorized to access this page.")
	}
	var types []string
	for _, t := range strings.Split(c.Query("types"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			types = append(types, t)
		}
	}
	q := strings.TrimSpace(c.Query("q"))
	if q == "" {
		return c.JSON([]Suggestion{})
	}
	out, err := h.items.Autocomplete(c.UserContext(), types, q, acct.Can(PermViewUnpublished))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// itemJSON is an item as the JSON API returns it.
type itemJSON struct {
	ID      uuid.UUID `json:"id"`
	Type    string    `json:"type"`
	Title   string    `json:"title"`
	Author  string    `json:"author"`
	Status  bool      `json:"status"`
	Promote bool      `json:"promote"`
	Sticky  bool      `json:"sticky"`
	Fields  Values    `json:"fields"`
	Created string    `json:"created"`
	Changed string    `json:"changed"`
	URL     string    `json:"url"`
}

// View serves GET /item/{id}: the item rendered by plugins in the theme,
// or as JSON for API clients.
func (h *Handlers) View(c *fiber.Ctx) error {
	ctx := c.UserContext()
	it, err := h.itemParam(c)
	if err != nil {
		return err
	}
	if !h.allowed(c, OpView, it) {
		return errs.New(errs.Forbidden, "You are not authorized to access this page.")
	}
	if web.WantsJSON(c) {
		return c.JSON(itemJSON{ID: it.ID, Type: it.Type, Title: it.Title, Author: it.AuthorName, Status: it.Status,
			Promote: it.Promote, Sticky: it.Sticky, Fields: it.Fields, Created: it.Created.Format(timeFormat), Changed: it.Changed.Format(timeFormat), URL: it.URL()})
	}
	tabs := []theme.Tab{{Label: "View", URL: it.URL(), Active: true}}
	if h.allowed(c, OpUpdate, it) {
		tabs = append(tabs, theme.Tab{Label: "Edit", URL: it.URL() + "/edit"})
	}
	if CanViewRevisions(web.Account(c), it) {
		tabs = append(tabs, theme.Tab{Label: "Revisions", URL: it.URL() + "/revisions"})
	}
	if h.allowed(c, OpDelete, it) {
		tabs = append(tabs, theme.Tab{Label: "Delete", URL: it.URL() + "/delete"})
	}
	web.ShowingItem(c, it.Type) // blocks limited to content types read it
	return h.pages.Visitor(c, fiber.StatusOK, it.Title, h.Render(ctx, it, "full"), tabs...)
}

const timeFormat = "2006-01-02T15:04:05Z07:00"

// Render builds an item's display: the elements plugins return from
// tap_item_view, sanitized, or the kernel's default field list when no
// plugin renders the item. A failing plugin only loses its own output.
func (h *Handlers) Render(ctx context.Context, it *Item, viewMode string) templ.Component {
	root := render.Element{Type: render.TypeContainer, Classes: []string{"item", "item--" + it.Type, "item--" + viewMode}}
	if !it.Status {
		root.Classes = append(root.Classes, "item--unpublished")
	}
	for _, raw := range h.view(ctx, it, viewMode) {
		el, err := render.Decode(raw)
		if err != nil {
			h.log.Warn("plugin returned a bad render element", "item", it.ID, "error", err)
			continue
		}
		if el != nil {
			root.Children = append(root.Children, *el)
		}
	}
	// Fields no plugin rendered: all of them when no plugin rendered the
	// item, else those a site builder added in the UI.
	root.Children = append(root.Children, h.fieldElements(ctx, it, len(root.Children) > 0)...)
	root.Children = append(root.Children, render.Element{Type: render.TypeText, Classes: []string{"item-meta"},
		Text: "Submitted by " + it.AuthorName + " on " + it.Created.Format("2 January 2006")})
	root = h.items.AlterView(ctx, it, viewMode, root) // tap_item_view_alter, sanitized below like any element
	clean, dropped := render.Sanitize(root)
	if dropped > 0 {
		h.log.Warn("dropped unknown render elements", "item", it.ID, "count", dropped)
	}
	return theme.Tree(h.pages.Theme, clean)
}

// fieldElements renders an item's fields through their field types'
// formatters; onlyUnlocked skips the fields a plugin's code defines.
func (h *Handlers) fieldElements(ctx context.Context, it *Item, onlyUnlocked bool) []render.Element {
	t, err := h.items.GetType(ctx, it.Type)
	if err != nil {
		h.log.Warn("render item of unknown type", "item", it.ID, "type", it.Type)
		return nil
	}
	var out []render.Element
	for _, def := range t.Fields {
		deltas := it.Fields[def.Name]
		ft, ok := h.items.fields.Get(def.Type)
		if len(deltas) == 0 || !ok || (onlyUnlocked && def.Locked) {
			continue
		}
		var children []render.Element
		if cf, ok := ft.(contextFormatter); ok {
			children = cf.FormatContext(ctx, def, deltas)
		} else {
			children = ft.Format(def, deltas)
		}
		out = append(out, render.Element{Type: render.TypeField, Label: def.Label,
			Classes: []string{"field--" + def.Name, "field--type-" + def.Type}, Children: children})
	}
	return out
}

// itemParam loads the item named by the route's :id; a malformed or
// unknown id is NotFound.
func (h *Handlers) itemParam(c *fiber.Ctx) (*Item, error) {
	id, err := uuid.Parse(c.Params("id"))
	if err != nil {
		return nil, errs.New(errs.NotFound, "The requested page could not be found.")
	}
	return h.items.Load(c.UserContext(), id)
}
