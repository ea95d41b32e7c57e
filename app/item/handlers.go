package item

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"

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

// Handlers serve the item pages and the item JSON API.
type Handlers struct {
	items *Service
	pages *web.Pages
	view  ViewFunc
	log   *slog.Logger
}

// NewHandlers returns the item handlers.
func NewHandlers(items *Service, pages *web.Pages, view ViewFunc, log *slog.Logger) *Handlers {
	return &Handlers{items: items, pages: pages, view: view, log: log}
}

// apiInput is the JSON body of POST /item/add/{type}.
type apiInput struct {
	Title  *string         `json:"title"`
	Fields json.RawMessage `json:"fields"`
	Status *bool           `json:"status"`
	Log    string          `json:"log"`
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
	f, err := h.addForm(c, t)
	if err != nil {
		return err
	}
	return h.renderAddForm(c, fiber.StatusOK, t, f)
}

// Add serves POST /item/add/{type}: JSON clients get 201 with the new id and
// URL; browsers get redirected to the new item, or the form again with 422.
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
		return h.addJSON(c, t)
	}
	f, err := h.addForm(c, t)
	if err != nil {
		return err
	}
	values := f.Submit(func(k string) string { return c.FormValue(k) })
	if !f.Validate() {
		return h.renderAddForm(c, fiber.StatusUnprocessableEntity, t, f)
	}
	fields := Values{}
	for _, def := range t.Fields {
		if v := values[def.Name]; v != "" {
			fields[def.Name] = []map[string]any{{"value": v}}
		}
	}
	it, err := h.items.Create(ctx, web.Account(c), t, Input{Title: values["title"], Fields: fields})
	if errs.Is(err, errs.Invalid) {
		for key, msg := range errs.FieldsOf(err) {
			f.SetError(strings.TrimPrefix(key, "fields."), msg)
		}
		return h.renderAddForm(c, fiber.StatusUnprocessableEntity, t, f)
	}
	if err != nil {
		return err
	}
	if err := h.pages.Sessions.Flash(c, t.Label+" "+it.Title+" has been created."); err != nil {
		return err
	}
	return c.Redirect(it.URL(), fiber.StatusSeeOther)
}

func (h *Handlers) addJSON(c *fiber.Ctx, t *Type) error {
	var in apiInput
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	if err := dec.Decode(&in); err != nil {
		return errs.InvalidFields(map[string]string{"body": "The request body is not valid JSON: " + err.Error()})
	}
	fields, problems := DecodeFields(in.Fields)
	if in.Title == nil {
		if problems == nil {
			problems = map[string]string{}
		}
		problems["title"] = t.TitleLabel + " is required"
	}
	if len(problems) > 0 {
		return errs.InvalidFields(problems)
	}
	it, err := h.items.Create(c.UserContext(), web.Account(c), t, Input{Title: *in.Title, Fields: fields, Status: in.Status, Log: in.Log})
	if err != nil {
		return err
	}
	c.Location(it.URL())
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": it.ID, "url": it.URL()})
}

// addForm builds the create form of a type: title, one element per field.
func (h *Handlers) addForm(c *fiber.Ctx, t *Type) (*form.Form, error) {
	token, err := h.pages.Sessions.CSRFToken(c)
	if err != nil {
		return nil, err
	}
	f := &form.Form{ID: "item_add_" + t.Type, Action: "/item/add/" + t.Type, CSRFToken: token}
	f.Elements = append(f.Elements, &form.Element{Key: "title", Type: form.TextField, Label: t.TitleLabel, Required: true, MaxLength: titleMaxLength})
	for _, def := range t.Fields {
		f.Elements = append(f.Elements, &form.Element{Key: def.Name, Type: form.TextField, Label: def.Label, Required: def.Required, MaxLength: textMaxLength})
	}
	f.Elements = append(f.Elements, &form.Element{Key: "actions", Type: form.Actions, Children: []*form.Element{
		{Key: "op", Type: form.Submit, Label: "Save"},
	}})
	return f, nil
}

func (h *Handlers) renderAddForm(c *fiber.Ctx, status int, t *Type, f *form.Form) error {
	return h.pages.Admin(c, status, "content", "Create "+t.Label, views.Form(f))
}

// itemJSON is an item as the JSON API returns it.
type itemJSON struct {
	ID      uuid.UUID `json:"id"`
	Type    string    `json:"type"`
	Title   string    `json:"title"`
	Author  string    `json:"author"`
	Status  bool      `json:"status"`
	Fields  Values    `json:"fields"`
	Created string    `json:"created"`
	Changed string    `json:"changed"`
	URL     string    `json:"url"`
}

// View serves GET /item/{id}: the item rendered by plugins in the theme,
// or as JSON for API clients.
func (h *Handlers) View(c *fiber.Ctx) error {
	id, err := uuid.Parse(c.Params("id"))
	if err != nil {
		return errs.New(errs.NotFound, "The requested page could not be found.")
	}
	ctx := c.UserContext()
	it, err := h.items.Load(ctx, id)
	if err != nil {
		return err
	}
	if !CanView(web.Account(c), it) {
		return errs.New(errs.Forbidden, "You are not authorized to access this page.")
	}
	if web.WantsJSON(c) {
		return c.JSON(itemJSON{ID: it.ID, Type: it.Type, Title: it.Title, Author: it.AuthorName, Status: it.Status,
			Fields: it.Fields, Created: it.Created.Format(timeFormat), Changed: it.Changed.Format(timeFormat), URL: it.URL()})
	}
	return h.pages.Visitor(c, fiber.StatusOK, it.Title, h.Render(ctx, it, "full"))
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
	if len(root.Children) == 0 {
		root.Children = h.defaultFields(ctx, it)
	}
	root.Children = append(root.Children, render.Element{Type: render.TypeText, Classes: []string{"item-meta"},
		Text: "Submitted by " + it.AuthorName + " on " + it.Created.Format("2 January 2006")})
	clean, dropped := render.Sanitize(root)
	if dropped > 0 {
		h.log.Warn("dropped unknown render elements", "item", it.ID, "count", dropped)
	}
	return theme.Tree(h.pages.Theme, clean)
}

func (h *Handlers) defaultFields(ctx context.Context, it *Item) []render.Element {
	t, err := h.items.GetType(ctx, it.Type)
	if err != nil {
		h.log.Warn("render item of unknown type", "item", it.ID, "type", it.Type)
		return nil
	}
	var out []render.Element
	for _, def := range t.Fields {
		deltas := it.Fields[def.Name]
		if len(deltas) == 0 {
			continue
		}
		f := render.Element{Type: render.TypeField, Label: def.Label, Classes: []string{"field--" + def.Name}}
		for _, d := range deltas {
			if s, ok := d["value"].(string); ok {
				f.Children = append(f.Children, render.Element{Type: render.TypeText, Text: s})
			}
		}
		out = append(out, f)
	}
	return out
}
