package people

import (
	"context"
	"fmt"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/user"
	"github.com/trovato/trovato/app/web"
)

// accountOpts shapes the account form for who is editing whom.
type accountOpts struct {
	formID, action string
	person         *user.Person // nil when adding
	roles          []user.Role  // assignable roles
	administer     bool         // roles and status are editable ("administer users")
	setAdmin       bool         // the is_admin flag is editable (the viewer is an administrator)
	self           bool         // the viewer edits their own account
	currentPass    bool         // email and password changes need the current password
	rename         bool         // the username is editable
}

// accountForm builds the add or edit form of an account.
func accountForm(o accountOpts) form.Builder {
	return func(_ context.Context, _ *form.State) (*form.Form, error) {
		f := &form.Form{ID: o.formID, Action: o.action}
		p := o.person
		name := &form.Element{Key: "name", Type: form.TextField, Label: "Username", Required: true, MaxLength: 60,
			Description: "Several special characters are allowed, including space, period (.), hyphen (-) and underscore (_)."}
		if p != nil {
			name.Value = p.Name
		}
		if !o.rename {
			name.Disabled, name.Description = true, "You may not change your username."
		}
		mail := &form.Element{Key: "mail", Type: form.Email, Label: "Email address", MaxLength: 254,
			Description: "Not made public; used for account notices."}
		if p != nil {
			mail.Value = p.Email
		}
		f.Elements = append(f.Elements, name, mail)
		if o.currentPass {
			f.Elements = append(f.Elements, &form.Element{Key: "current_pass", Type: form.Password, Label: "Current password",
				Attributes:  map[string]string{"autocomplete": "current-password"},
				Description: "Required to change the email address or the password."})
		}
		pass := &form.Element{Key: "pass", Type: form.Password, Label: "Password", Required: p == nil,
			Attributes: map[string]string{"autocomplete": "new-password"}, Description: "At least 8 characters."}
		if p != nil {
			pass.Label, pass.Description = "New password", "Leave empty to keep the current password."
		}
		f.Elements = append(f.Elements, pass, &form.Element{Key: "pass_confirm", Type: form.Password, Label: "Confirm password",
			Required: p == nil, Attributes: map[string]string{"autocomplete": "new-password"}})
		if o.administer {
			status := &form.Element{Key: "status", Type: form.Radios, Label: "Status", Required: true, Value: "1",
				Options: []form.Option{{Value: "0", Label: "Blocked"}, {Value: "1", Label: "Active"}}}
			if p != nil && !p.Active {
				status.Value = "0"
			}
			if o.self {
				status.Disabled, status.Description = true, "You cannot block your own account."
			}
			roles := &form.Element{Key: "roles", Type: form.Checkboxes, Label: "Roles",
				Description: "Every account also holds the Authenticated user role."}
			for _, r := range o.roles {
				roles.Options = append(roles.Options, form.Option{Value: r.Name, Label: r.Label})
			}
			if p != nil {
				roles.Values = slices.Clone(p.Roles)
			}
			f.Elements = append(f.Elements, status, roles)
			if o.setAdmin {
				admin := &form.Element{Key: "is_admin", Type: form.Checkbox, Label: "Administrator account",
					Description: "Holds every permission, whatever its roles. Give it to trusted people only."}
				if p != nil && p.IsAdmin {
					admin.Value = "1"
				}
				f.Elements = append(f.Elements, admin)
			}
		}
		label := "Save"
		if p == nil {
			label = "Create new account"
		}
		f.Elements = append(f.Elements, &form.Element{Key: "actions", Type: form.Actions,
			Children: []*form.Element{{Key: "op", Type: form.Submit, Label: label}}})
		return f, nil
	}
}

// assignable is every role except the built-in ones.
func (h *Handlers) assignable(ctx context.Context) ([]user.Role, error) {
	all, err := h.store.Roles(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(r user.Role) bool { return r.BuiltIn() }), nil
}

// checkPasswords checks that the new password was typed twice alike.
func checkPasswords(v form.Values) error {
	if v.Get("pass") != v.Get("pass_confirm") {
		return errs.InvalidFields(map[string]string{"pass_confirm": "The specified passwords do not match."})
	}
	return nil
}

func (h *Handlers) addOpts(c *fiber.Ctx) (accountOpts, error) {
	roles, err := h.assignable(c.UserContext())
	return accountOpts{formID: "user_add", action: "/admin/people/add", roles: roles, administer: true,
		setAdmin: web.Account(c).IsAdmin, rename: true}, err
}

// AddForm serves GET /admin/people/add.
func (h *Handlers) AddForm(c *fiber.Ctx) error {
	if done, err := require(c, PermAdministerUsers); done || err != nil {
		return err
	}
	o, err := h.addOpts(c)
	if err != nil {
		return err
	}
	return h.showForm(c, page{tab: "list", title: "Add user"}, o.formID, nil, accountForm(o))
}

// Add serves POST /admin/people/add.
func (h *Handlers) Add(c *fiber.Ctx) error {
	if done, err := require(c, PermAdministerUsers); done || err != nil {
		return err
	}
	o, err := h.addOpts(c)
	if err != nil {
		return err
	}
	return h.processForm(c, page{tab: "list", title: "Add user"}, o.formID, accountForm(o), func(res *form.Result) (string, error) {
		v := res.Values
		if err := checkPasswords(v); err != nil {
			return "", err
		}
		in := user.AccountInput{Name: v.Get("name"), Email: v.Get("mail"), Password: v.Get("pass"),
			Active: v.Get("status") == "1", Roles: v.All("roles"), IsAdmin: o.setAdmin && form.Checked(v.Get("is_admin"))}
		if _, err := h.store.CreateAccount(c.UserContext(), in); err != nil {
			return "", err
		}
		return "/admin/people", h.pages.Sessions.Flash(c, "Created a new account for "+in.Name+".")
	})
}

// editOpts decides what the viewer may change on the account at {id}:
// their own account, or anyone's with "administer users"; others get 403
// (anonymous visitors the login page).
func (h *Handlers) editOpts(c *fiber.Ctx) (accountOpts, page, bool, error) {
	acct := web.Account(c)
	id, err := userID(c)
	if err != nil {
		return accountOpts{}, page{}, true, err
	}
	administer := acct.Can(PermAdministerUsers)
	self := acct.IsAuthenticated() && acct.ID == id
	if !self && !administer {
		done, err := require(c, PermAdministerUsers)
		return accountOpts{}, page{}, done, err
	}
	ctx := c.UserContext()
	p, err := h.store.Person(ctx, id)
	if err != nil {
		return accountOpts{}, page{}, true, err
	}
	o := accountOpts{formID: "user_edit", action: "/user/" + id.String() + "/edit", person: p, administer: administer,
		setAdmin: administer && acct.IsAdmin, self: self, currentPass: !administer,
		rename: administer || acct.Can(PermChangeOwnUsername)}
	if administer {
		if o.roles, err = h.assignable(ctx); err != nil {
			return o, page{}, true, err
		}
	}
	pg := page{title: "Edit " + p.Name, visitor: !acct.Can("access admin") || !administer}
	if administer {
		pg.tab = "list"
	}
	return o, pg, false, nil
}

// EditForm serves GET /user/{id}/edit.
func (h *Handlers) EditForm(c *fiber.Ctx) error {
	o, pg, done, err := h.editOpts(c)
	if done || err != nil {
		return err
	}
	return h.showForm(c, pg, o.formID, nil, accountForm(o))
}

// Edit serves POST /user/{id}/edit.
func (h *Handlers) Edit(c *fiber.Ctx) error {
	o, pg, done, err := h.editOpts(c)
	if done || err != nil {
		return err
	}
	ctx := c.UserContext()
	return h.processForm(c, pg, o.formID, accountForm(o), func(res *form.Result) (string, error) {
		v, p := res.Values, o.person
		if err := checkPasswords(v); err != nil {
			return "", err
		}
		in := user.AccountInput{Name: p.Name, Email: v.Get("mail"), Password: v.Get("pass"), IsAdmin: p.IsAdmin,
			Active: p.Active, Roles: p.Roles}
		if o.rename {
			in.Name = v.Get("name")
		}
		if o.currentPass && (in.Password != "" || in.Email != p.Email) {
			ok, err := h.store.CheckPassword(ctx, p.ID, v.Get("current_pass"))
			if err != nil {
				return "", err
			}
			if !ok {
				msg := "Your current password is missing or incorrect; it is required to change the email address or the password."
				return "", errs.InvalidFields(map[string]string{"current_pass": msg})
			}
		}
		if o.administer {
			in.Roles = v.All("roles")
			if !o.self {
				in.Active = v.Get("status") == "1"
			}
			if o.setAdmin {
				in.IsAdmin = form.Checked(v.Get("is_admin"))
			}
		}
		if err := h.store.UpdateAccount(ctx, p.ID, in); err != nil {
			return "", err
		}
		next := "/user/" + p.ID.String() + "/edit"
		if o.administer {
			next = "/admin/people"
		}
		return next, h.pages.Sessions.Flash(c, "The changes to the account "+in.Name+" have been saved.")
	})
}

// deleteForm is the confirmation of deleting an account, with the choice
// of what becomes of its content.
func deleteForm(p *user.Person, items int64) form.Builder {
	return func(_ context.Context, _ *form.State) (*form.Form, error) {
		return &form.Form{ID: "user_delete", Action: "/admin/people/" + p.ID.String() + "/delete", Elements: []*form.Element{
			{Key: "question", Type: form.Markup, Markup: fmt.Sprintf(
				"Are you sure you want to delete the account %s? They wrote %d item(s). This action cannot be undone.", p.Name, items)},
			{Key: "method", Type: form.Radios, Label: "When deleting the account", Required: true, Value: "reassign",
				Options: []form.Option{
					{Value: "reassign", Label: "Delete the account and make its content belong to the Anonymous user"},
					{Value: "delete", Label: "Delete the account and its content (items and all their revisions)"},
				}},
			{Key: "actions", Type: form.Actions, Children: []*form.Element{{Key: "op", Type: form.Submit, Label: "Delete account"}}},
		}}, nil
	}
}

// deletable loads the account at {id} for deletion, refusing early (and
// clearly) to delete yourself.
func (h *Handlers) deletable(c *fiber.Ctx) (*user.Person, int64, error) {
	id, err := userID(c)
	if err != nil {
		return nil, 0, err
	}
	if id == web.Account(c).ID {
		return nil, 0, errs.New(errs.Forbidden, "You cannot delete your own account.")
	}
	ctx := c.UserContext()
	p, err := h.store.Person(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	n, err := h.store.CountContent(ctx, id)
	return p, n, err
}

// DeleteForm serves GET /admin/people/{id}/delete.
func (h *Handlers) DeleteForm(c *fiber.Ctx) error {
	if done, err := require(c, PermAdministerUsers); done || err != nil {
		return err
	}
	p, n, err := h.deletable(c)
	if err != nil {
		return err
	}
	return h.showForm(c, page{tab: "list", title: "Delete " + p.Name}, "user_delete", nil, deleteForm(p, n))
}

// Delete serves POST /admin/people/{id}/delete: the account goes, and its
// content is reassigned to the anonymous user or deleted, in one
// transaction.
func (h *Handlers) Delete(c *fiber.Ctx) error {
	if done, err := require(c, PermAdministerUsers); done || err != nil {
		return err
	}
	p, n, err := h.deletable(c)
	if err != nil {
		return err
	}
	pg := page{tab: "list", title: "Delete " + p.Name}
	return h.processForm(c, pg, "user_delete", deleteForm(p, n), func(res *form.Result) (string, error) {
		policy, what := user.ReassignContent, "its content now belongs to the Anonymous user"
		if res.Values.Get("method") == "delete" {
			policy, what = user.DeleteContent, "its content has been deleted"
		}
		if _, err := h.store.Delete(c.UserContext(), web.Account(c).ID, p.ID, policy); err != nil {
			return "", err
		}
		return "/admin/people", h.pages.Sessions.Flash(c, "The account "+p.Name+" has been deleted; "+what+".")
	})
}
