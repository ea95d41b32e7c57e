package item

import (
	"context"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/web"
	"github.com/trovato/trovato/views"
)

// PermAdministerTypes lets site builders manage content types and fields.
const PermAdministerTypes = "administer content types"

// Structure serves GET /admin/structure.
func (h *Handlers) Structure(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdministerTypes); done || err != nil {
		return err
	}
	return h.pages.Admin(c, fiber.StatusOK, "structure", "Structure", views.StructureIndex())
}

// Types serves GET /admin/structure/types: every content type, with plugin
// types marked.
func (h *Handlers) Types(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdministerTypes); done || err != nil {
		return err
	}
	ctx := c.UserContext()
	types, err := h.items.Types(ctx)
	if err != nil {
		return err
	}
	var p views.TypesProps
	for _, t := range types {
		n, err := h.items.CountItems(ctx, t.Type)
		if err != nil {
			return err
		}
		p.Rows = append(p.Rows, views.TypeRow{Label: t.Label, Machine: t.Type, Description: t.Description, Plugin: t.Plugin, Items: n})
	}
	return h.pages.Admin(c, fiber.StatusOK, "structure", "Content types", views.Types(p))
}

// typeForm builds the add or edit form of a content type. The machine name
// is editable only before the first save.
func typeForm(t *Type) form.Builder {
	return func(_ context.Context, st *form.State) (*form.Form, error) {
		f := &form.Form{ID: "item_type_add", Action: "/admin/structure/types/add"}
		name := &form.Element{Key: "label", Type: form.TextField, Label: "Name", Required: true, MaxLength: 64,
			Description: "The human-readable name of this content type, e.g. \"Blog post\"."}
		f.Elements = append(f.Elements, name)
		if t == nil {
			f.Elements = append(f.Elements, &form.Element{Key: "type", Type: form.TextField, Label: "Machine name", MaxLength: 32,
				Description: "Lower-case letters, digits and underscores. Leave empty to derive it from the name; it cannot be changed later."})
		} else {
			f.ID, f.Action = "item_type_edit", "/admin/structure/types/"+t.Type
			name.Value = t.Label
			f.Elements = append(f.Elements, &form.Element{Key: "type_info", Type: form.Markup, Markup: "Machine name: " + t.Type})
		}
		desc := &form.Element{Key: "description", Type: form.TextArea, Label: "Description", Rows: 3,
			Description: "Shown on the Add content page."}
		titleLabel := &form.Element{Key: "title_label", Type: form.TextField, Label: "Title field label", Required: true, MaxLength: 64, Value: "Title"}
		published := &form.Element{Key: "published", Type: form.Checkbox, Label: "Published by default", Value: "1"}
		if t != nil {
			desc.Value, titleLabel.Value = t.Description, t.TitleLabel
			if t.Unpublished {
				published.Value = ""
			}
		}
		f.Elements = append(f.Elements, desc, titleLabel, published,
			&form.Element{Key: "revision_info", Type: form.Markup,
				Markup: "Every save of an item creates a new revision; revisions are kept and can be compared and reverted."},
			&form.Element{Key: "actions", Type: form.Actions, Children: []*form.Element{{Key: "op", Type: form.Submit, Label: "Save content type"}}})
		return f, nil
	}
}

// TypeAddForm serves GET /admin/structure/types/add.
func (h *Handlers) TypeAddForm(c *fiber.Ctx) error {
	return h.showForm(c, PermAdministerTypes, "structure", "Add content type", "item_type_add", typeForm(nil))
}

// TypeAdd serves POST /admin/structure/types/add.
func (h *Handlers) TypeAdd(c *fiber.Ctx) error {
	return h.processForm(c, PermAdministerTypes, "structure", "Add content type", "item_type_add", typeForm(nil),
		func(res *form.Result) (string, error) {
			v := res.Values
			machine := v.Get("type")
			if machine == "" {
				machine = TypeMachineName(v.Get("label"))
			}
			t := Type{Type: machine, Label: v.Get("label"), Description: v.Get("description"), TitleLabel: v.Get("title_label"),
				Unpublished: v.Get("published") != "1"}
			if err := h.items.CreateType(c.UserContext(), t); err != nil {
				return "", err
			}
			return "/admin/structure/types/" + machine + "/fields", h.pages.Sessions.Flash(c, "The content type "+t.Label+" has been added.")
		})
}

// TypeEditForm serves GET /admin/structure/types/{type}.
func (h *Handlers) TypeEditForm(c *fiber.Ctx) error {
	t, err := h.items.GetType(c.UserContext(), c.Params("type"))
	if err != nil {
		return err
	}
	return h.showForm(c, PermAdministerTypes, "structure", "Edit "+t.Label, "item_type_edit", typeForm(t))
}

// TypeEdit serves POST /admin/structure/types/{type}.
func (h *Handlers) TypeEdit(c *fiber.Ctx) error {
	t, err := h.items.GetType(c.UserContext(), c.Params("type"))
	if err != nil {
		return err
	}
	return h.processForm(c, PermAdministerTypes, "structure", "Edit "+t.Label, "item_type_edit", typeForm(t),
		func(res *form.Result) (string, error) {
			v := res.Values
			t.Label, t.Description, t.TitleLabel = v.Get("label"), v.Get("description"), v.Get("title_label")
			t.Unpublished = v.Get("published") != "1"
			if err := h.items.SaveType(c.UserContext(), *t); err != nil {
				return "", err
			}
			return "/admin/structure/types", h.pages.Sessions.Flash(c, "The content type "+t.Label+" has been updated.")
		})
}

// TypeDelete serves GET and POST /admin/structure/types/{type}/delete: a
// confirmation, refused with a clear message while items of the type exist.
func (h *Handlers) TypeDelete(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdministerTypes); done || err != nil {
		return err
	}
	ctx := c.UserContext()
	t, err := h.items.GetType(ctx, c.Params("type"))
	if err != nil {
		return err
	}
	n, err := h.items.CountItems(ctx, t.Type)
	if err != nil {
		return err
	}
	if n > 0 || t.Plugin != "" {
		return h.items.DeleteType(ctx, t.Type) // answers with the reason (409)
	}
	if c.Method() == fiber.MethodPost {
		if err := h.items.DeleteType(ctx, t.Type); err != nil {
			return err
		}
		if err := h.pages.Sessions.Flash(c, "The content type "+t.Label+" has been deleted."); err != nil {
			return err
		}
		return c.Redirect("/admin/structure/types", fiber.StatusSeeOther)
	}
	return h.confirm(c, "Delete "+t.Label, views.ConfirmProps{
		Question: fmt.Sprintf("Are you sure you want to delete the content type %s? It has no items.", t.Label),
		Action:   c.Path(), Confirm: "Delete", CancelURL: "/admin/structure/types",
	})
}

func (h *Handlers) confirm(c *fiber.Ctx, title string, p views.ConfirmProps) error {
	token, err := h.pages.Sessions.CSRFToken(c)
	if err != nil {
		return err
	}
	p.CSRFToken = token
	return h.pages.Admin(c, fiber.StatusOK, "structure", title, views.Confirm(p))
}

// showForm renders a new form after a permission check.
func (h *Handlers) showForm(c *fiber.Ctx, perm, section, title, formID string, build form.Builder) error {
	if done, err := web.RequirePermission(c, perm); done || err != nil {
		return err
	}
	f, err := h.pages.NewForm(c, h.forms, &form.State{FormID: formID}, build)
	if err != nil {
		return err
	}
	return h.pages.Admin(c, fiber.StatusOK, section, title, views.Form(f))
}

// processForm runs an admin form's submit lifecycle (web.Pages.SubmitForm)
// after a permission check; plugins hear of every successful submit.
func (h *Handlers) processForm(c *fiber.Ctx, perm, section, title, formID string, build form.Builder,
	submit func(*form.Result) (string, error)) error {
	if done, err := web.RequirePermission(c, perm); done || err != nil {
		return err
	}
	notified := func(res *form.Result) (string, error) {
		next, err := submit(res)
		if err == nil && h.submitted != nil {
			h.submitted(c.UserContext(), formID, res.Values, map[string]string{"redirect": next})
		}
		return next, err
	}
	return h.pages.SubmitForm(c, h.forms, formID, build, notified, func(status int, f *form.Form) error {
		return h.pages.Admin(c, status, section, title, views.Form(f))
	})
}

func cardinalityText(n int) string {
	switch {
	case n < 0:
		return "Unlimited"
	case n <= 1:
		return "1"
	}
	return strconv.Itoa(n)
}
