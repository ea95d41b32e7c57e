package people

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/user"
	"github.com/trovato/trovato/views"
)

// Roles serves GET /admin/people/roles.
func (h *Handlers) Roles(c *fiber.Ctx) error {
	if done, err := require(c, PermAdministerPermissions); done || err != nil {
		return err
	}
	roles, err := h.store.Roles(c.UserContext())
	if err != nil {
		return err
	}
	var p views.RolesProps
	for _, r := range roles {
		p.Rows = append(p.Rows, views.RoleRow{Name: r.Name, Label: r.Label, Users: r.Users, BuiltIn: r.BuiltIn()})
	}
	return h.admin(c, fiber.StatusOK, "roles", "Roles", views.Roles(p))
}

// roleForm builds the add or edit form of a role; the machine name is
// derived from the label when the role is added and never changes.
func roleForm(r *user.Role) form.Builder {
	return func(_ context.Context, _ *form.State) (*form.Form, error) {
		f := &form.Form{ID: "role_add", Action: "/admin/people/roles/add"}
		label := &form.Element{Key: "label", Type: form.TextField, Label: "Role name", Required: true, MaxLength: 64,
			Description: "The name shown for this role, e.g. \"Content editor\". The machine name is derived from it."}
		f.Elements = append(f.Elements, label)
		if r != nil {
			f.ID, f.Action, label.Value = "role_edit", "/admin/people/roles/"+r.Name, r.Label
			label.Description = "The name shown for this role."
			f.Elements = append(f.Elements, &form.Element{Key: "machine", Type: form.Markup, Markup: "Machine name: " + r.Name})
		}
		f.Elements = append(f.Elements, &form.Element{Key: "actions", Type: form.Actions,
			Children: []*form.Element{{Key: "op", Type: form.Submit, Label: "Save role"}}})
		return f, nil
	}
}

// RoleAddForm serves GET /admin/people/roles/add.
func (h *Handlers) RoleAddForm(c *fiber.Ctx) error {
	if done, err := require(c, PermAdministerPermissions); done || err != nil {
		return err
	}
	return h.showForm(c, page{tab: "roles", title: "Add role"}, "role_add", nil, roleForm(nil))
}

// RoleAdd serves POST /admin/people/roles/add.
func (h *Handlers) RoleAdd(c *fiber.Ctx) error {
	if done, err := require(c, PermAdministerPermissions); done || err != nil {
		return err
	}
	return h.processForm(c, page{tab: "roles", title: "Add role"}, "role_add", roleForm(nil), func(res *form.Result) (string, error) {
		label := res.Values.Get("label")
		if _, err := h.store.CreateRole(c.UserContext(), label); err != nil {
			return "", err
		}
		return "/admin/people/roles", h.pages.Sessions.Flash(c, "The role "+label+" has been added.")
	})
}

// RoleEditForm serves GET /admin/people/roles/{role}.
func (h *Handlers) RoleEditForm(c *fiber.Ctx) error {
	if done, err := require(c, PermAdministerPermissions); done || err != nil {
		return err
	}
	r, err := h.store.Role(c.UserContext(), c.Params("role"))
	if err != nil {
		return err
	}
	return h.showForm(c, page{tab: "roles", title: "Edit role " + r.Label}, "role_edit", nil, roleForm(r))
}

// RoleEdit serves POST /admin/people/roles/{role}.
func (h *Handlers) RoleEdit(c *fiber.Ctx) error {
	if done, err := require(c, PermAdministerPermissions); done || err != nil {
		return err
	}
	ctx := c.UserContext()
	r, err := h.store.Role(ctx, c.Params("role"))
	if err != nil {
		return err
	}
	pg := page{tab: "roles", title: "Edit role " + r.Label}
	return h.processForm(c, pg, "role_edit", roleForm(r), func(res *form.Result) (string, error) {
		label := res.Values.Get("label")
		if err := h.store.RenameRole(ctx, r.Name, label); err != nil {
			return "", err
		}
		return "/admin/people/roles", h.pages.Sessions.Flash(c, "The role "+label+" has been saved.")
	})
}

// RoleDelete serves GET and POST /admin/people/roles/{role}/delete: a
// confirmation, then the deletion. The built-in roles answer 403.
func (h *Handlers) RoleDelete(c *fiber.Ctx) error {
	if done, err := require(c, PermAdministerPermissions); done || err != nil {
		return err
	}
	ctx := c.UserContext()
	r, err := h.store.Role(ctx, c.Params("role"))
	if err != nil {
		return err
	}
	if r.BuiltIn() {
		return h.store.DeleteRole(ctx, r.Name) // answers with the reason
	}
	if c.Method() == fiber.MethodPost {
		if err := h.store.DeleteRole(ctx, r.Name); err != nil {
			return err
		}
		h.pages.Sessions.ForgetAnonymous()
		if err := h.pages.Sessions.Flash(c, "The role "+r.Label+" has been deleted."); err != nil {
			return err
		}
		return c.Redirect("/admin/people/roles", fiber.StatusSeeOther)
	}
	token, err := h.csrf(c)
	if err != nil {
		return err
	}
	return h.admin(c, fiber.StatusOK, "roles", "Delete role "+r.Label, views.Confirm(views.ConfirmProps{
		Question:  "Are you sure you want to delete the role " + r.Label + "? Its users lose it, and its permissions go with it.",
		Action:    c.Path(),
		Confirm:   "Delete role",
		CancelURL: "/admin/people/roles",
		CSRFToken: token,
	}))
}
