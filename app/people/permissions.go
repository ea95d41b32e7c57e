package people

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/user"
	"github.com/trovato/trovato/app/web"
	"github.com/trovato/trovato/views"
)

// matrix is the layout of the permissions form: the roles (columns), the
// permissions grouped by provider (rows), and the element key of each
// (role, permission) checkbox. Keys derive from names, so a form built for
// the page and the one rebuilt on submit agree.
type matrix struct {
	roles  []user.Role
	groups []matrixGroup
	perms  []user.Permission
	keys   map[[2]string]string // (role, permission) → element key
}

type matrixGroup struct {
	label string
	perms []user.Permission
}

var notKeyChars = regexp.MustCompile(`[^a-z0-9]+`)

// newMatrix lays out perms (in the provider's order, grouped by Group in
// order of first appearance) against roles.
func newMatrix(roles []user.Role, perms []user.Permission) *matrix {
	m := &matrix{roles: roles, perms: perms, keys: map[[2]string]string{}}
	index := map[string]int{}
	used := map[string]bool{}
	for _, p := range perms {
		g := p.Group
		if g == "" {
			g = "Other"
		}
		i, ok := index[g]
		if !ok {
			i = len(m.groups)
			index[g] = i
			m.groups = append(m.groups, matrixGroup{label: g})
		}
		m.groups[i].perms = append(m.groups[i].perms, p)
		k := strings.Trim(notKeyChars.ReplaceAllString(strings.ToLower(p.Name), "-"), "-")
		if k == "" || len(k) > 80 || used[k] {
			sum := sha256.Sum256([]byte(p.Name))
			k = strings.Trim(k[:min(len(k), 60)], "-") + "-" + hex.EncodeToString(sum[:4])
		}
		used[k] = true
		for _, r := range roles {
			m.keys[[2]string{r.Name, p.Name}] = r.Name + "." + k
		}
	}
	return m
}

// build builds the matrix form: a fieldset per group holding a checkbox per
// (permission, role), checked by grants.
func (m *matrix) build(grants map[string]map[string]bool) form.Builder {
	return func(_ context.Context, _ *form.State) (*form.Form, error) {
		f := &form.Form{ID: "user_permissions", Action: "/admin/people/permissions"}
		for gi, g := range m.groups {
			set := &form.Element{Key: "group-" + strconv.Itoa(gi), Type: form.Fieldset, Label: g.label}
			for _, p := range g.perms {
				for _, r := range m.roles {
					cb := &form.Element{Key: m.keys[[2]string{r.Name, p.Name}], Type: form.Checkbox, Label: p.Title + ": " + r.Label}
					if grants[r.Name][p.Name] {
						cb.Value = "1"
					}
					set.Children = append(set.Children, cb)
				}
			}
			f.Elements = append(f.Elements, set)
		}
		f.Elements = append(f.Elements, &form.Element{Key: "actions", Type: form.Actions,
			Children: []*form.Element{{Key: "op", Type: form.Submit, Label: "Save permissions"}}})
		return f, nil
	}
}

// props turns a built (or submitted) matrix form into the view's props.
func (m *matrix) props(f *form.Form) views.PermissionsProps {
	p := views.PermissionsProps{Form: f, Submit: f.Find("op")}
	for _, r := range m.roles {
		p.Columns = append(p.Columns, views.PermissionColumn{Name: r.Name, Label: r.Label})
	}
	for _, g := range m.groups {
		vg := views.PermissionGroup{Label: g.label}
		for _, perm := range g.perms {
			row := views.PermissionRow{Name: perm.Name, Title: perm.Title, Description: perm.Description, Restricted: perm.Restricted}
			if row.Title == "" {
				row.Title = perm.Name
			}
			for _, r := range m.roles {
				if e := f.Find(m.keys[[2]string{r.Name, perm.Name}]); e != nil && !e.NoAccess {
					row.Cells = append(row.Cells, e)
				} else {
					row.Cells = append(row.Cells, &form.Element{Key: "missing", Type: form.Checkbox, Disabled: true})
				}
			}
			vg.Rows = append(vg.Rows, row)
		}
		p.Groups = append(p.Groups, vg)
	}
	return p
}

// load reads the roles, the listed permissions and the current grants.
func (h *Handlers) load(ctx context.Context) (*matrix, map[string]map[string]bool, error) {
	roles, err := h.store.Roles(ctx)
	if err != nil {
		return nil, nil, err
	}
	grants, err := h.store.Grants(ctx)
	if err != nil {
		return nil, nil, err
	}
	return newMatrix(roles, h.perms(ctx)), grants, nil
}

func (h *Handlers) renderMatrix(c *fiber.Ctx, status int, m *matrix, f *form.Form) error {
	token, err := h.csrf(c)
	if err != nil {
		return err
	}
	f.CSRFToken = token
	return h.admin(c, status, "permissions", "Permissions", views.Permissions(m.props(f)))
}

// Permissions serves GET /admin/people/permissions: the roles × permissions
// matrix as one form.
func (h *Handlers) Permissions(c *fiber.Ctx) error {
	if done, err := require(c, PermAdministerPermissions); done || err != nil {
		return err
	}
	ctx := c.UserContext()
	m, grants, err := h.load(ctx)
	if err != nil {
		return err
	}
	f, err := h.forms.New(ctx, web.Account(c).ID, "user_permissions", m.build(grants))
	if err != nil {
		return err
	}
	return h.renderMatrix(c, fiber.StatusOK, m, f)
}

// SavePermissions serves POST /admin/people/permissions: the grants of
// every listed permission are replaced by the checked boxes in one
// transaction. Accounts are loaded per request, so the change applies from
// the next request; this node's cached anonymous account is dropped too.
func (h *Handlers) SavePermissions(c *fiber.Ctx) error {
	if done, err := require(c, PermAdministerPermissions); done || err != nil {
		return err
	}
	ctx := c.UserContext()
	m, grants, err := h.load(ctx)
	if err != nil {
		return err
	}
	res, err := h.forms.Submit(ctx, web.Account(c).ID, "user_permissions", web.FormValues(c), m.build(grants), func() *form.State {
		return &form.State{FormID: "user_permissions"}
	})
	if err != nil {
		return err
	}
	if res.Outcome != form.Valid {
		return h.renderMatrix(c, fiber.StatusUnprocessableEntity, m, res.Form)
	}
	listed := make([]string, 0, len(m.perms))
	next := map[string][]string{}
	for _, p := range m.perms {
		listed = append(listed, p.Name)
		for _, r := range m.roles {
			if form.Checked(res.Values.Get(m.keys[[2]string{r.Name, p.Name}])) {
				next[r.Name] = append(next[r.Name], p.Name)
			}
		}
	}
	if err := h.store.SavePermissions(ctx, listed, next); err != nil {
		return err
	}
	h.pages.Sessions.ForgetAnonymous()
	if err := h.pages.Sessions.Flash(c, "The changes have been saved."); err != nil {
		return err
	}
	return c.Redirect("/admin/people/permissions", fiber.StatusSeeOther)
}
