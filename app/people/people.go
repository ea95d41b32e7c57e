// Package people serves the People section of the admin (/admin/people):
// the user list with filters and operations (edit, block, unblock, delete
// with a choice for the user's content), the add and edit account forms,
// roles, and the roles × permissions matrix; and /user/{id}/edit, where
// users edit their own account.
//
// Decisions: "administrator" means an account flagged is_admin (it holds
// every permission); the last active one can be neither deleted, blocked
// nor demoted, and nobody deletes or blocks themselves. Users edit their
// own email and password only with their current password; holders of
// "administer users" edit anyone without it. Permissions come from a
// PermissionsFunc wired by the server (kernel, content types, text formats,
// plugins), and saving the matrix only replaces the grants of the
// permissions it listed.
package people

import (
	"context"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/user"
	"github.com/trovato/trovato/app/web"
	"github.com/trovato/trovato/views"
)

// Permission names this package checks.
const (
	PermAdministerUsers       = "administer users"
	PermAdministerPermissions = "administer permissions"
	PermChangeOwnUsername     = "change own username"
)

// PermissionsFunc lists every permission the site defines, in display order.
type PermissionsFunc func(ctx context.Context) []user.Permission

// Collect merges permission providers in order; a name listed twice keeps
// its first entry.
func Collect(providers ...PermissionsFunc) PermissionsFunc {
	return func(ctx context.Context) []user.Permission {
		seen := map[string]bool{}
		var out []user.Permission
		for _, p := range providers {
			if p == nil {
				continue
			}
			for _, perm := range p(ctx) {
				if perm.Name == "" || seen[perm.Name] {
					continue
				}
				seen[perm.Name] = true
				out = append(out, perm)
			}
		}
		return out
	}
}

// Static is a provider of a fixed list (e.g. user.SystemPermissions()).
func Static(perms []user.Permission) PermissionsFunc {
	return func(context.Context) []user.Permission { return perms }
}

// Handlers serve the People pages.
type Handlers struct {
	store *user.AdminStore
	pages *web.Pages
	forms *form.Processor
	perms PermissionsFunc
}

// NewHandlers returns the People handlers; perms lists the permissions the
// matrix shows.
func NewHandlers(store *user.AdminStore, pages *web.Pages, forms *form.Processor, perms PermissionsFunc) *Handlers {
	return &Handlers{store: store, pages: pages, forms: forms, perms: perms}
}

// admin renders content in the admin shell under the People tabs.
func (h *Handlers) admin(c *fiber.Ctx, status int, tab, title string, content templ.Component) error {
	if tab != "" {
		content = views.PeoplePage(tab, content)
	}
	return h.pages.Admin(c, status, "people", title, content)
}

// csrf returns the session's CSRF token.
func (h *Handlers) csrf(c *fiber.Ctx) (string, error) { return h.pages.Sessions.CSRFToken(c) }

// page decides how a form page is shown.
type page struct {
	tab     string
	title   string
	visitor bool // the visitor theme instead of the admin shell
}

func (h *Handlers) renderForm(c *fiber.Ctx, status int, pg page, f *form.Form) error {
	if f.CSRFToken == "" {
		token, err := h.csrf(c)
		if err != nil {
			return err
		}
		f.CSRFToken = token
	}
	if pg.visitor {
		return h.pages.Visitor(c, status, pg.title, views.Form(f))
	}
	return h.admin(c, status, pg.tab, pg.title, views.Form(f))
}

// showForm builds a form for its first display (the caller checked access).
func (h *Handlers) showForm(c *fiber.Ctx, pg page, formID string, st *form.State, build form.Builder) error {
	if st == nil {
		st = &form.State{FormID: formID}
	}
	f, err := h.forms.NewWithState(c.UserContext(), web.Account(c).ID, st, build)
	if err != nil {
		return err
	}
	return h.renderForm(c, fiber.StatusOK, pg, f)
}

// processForm runs the submit lifecycle (web.Pages.SubmitForm; the caller
// checked access).
func (h *Handlers) processForm(c *fiber.Ctx, pg page, formID string, build form.Builder,
	submit func(*form.Result) (string, error)) error {
	return h.pages.SubmitForm(c, h.forms, formID, build, submit, func(status int, f *form.Form) error {
		return h.renderForm(c, status, pg, f)
	})
}

// require answers for the caller when the account lacks perm.
func require(c *fiber.Ctx, perm string) (bool, error) { return web.RequirePermission(c, perm) }
