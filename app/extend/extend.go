// Package extend is the Extend admin section: /admin/plugins lists every
// plugin and enables, disables and uninstalls them at runtime through the
// plugin host, and Store keeps their enabled flags in plugin_status.
package extend

import (
	"context"
	"fmt"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/trovato/trovato/app/db"
	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/plugin"
	"github.com/trovato/trovato/app/user"
	"github.com/trovato/trovato/app/web"
	"github.com/trovato/trovato/views"
)

// PermAdministerPlugins guards /admin/plugins.
const PermAdministerPlugins = "administer plugins"

// Permissions are this package's permissions for the permissions matrix.
func Permissions() []user.Permission {
	return []user.Permission{{
		Name: PermAdministerPlugins, Title: "Administer plugins",
		Description: "Enable, disable and uninstall plugins.", Group: "System", Restricted: true,
	}}
}

// Store is the plugin_status table as a plugin.Store.
type Store struct {
	pool *pgxpool.Pool
	q    *db.Queries
}

// NewStore returns a Store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool, q: db.New(pool)} }

// PluginStatus returns the stored state of every plugin with a row.
func (s *Store) PluginStatus(ctx context.Context) (map[string]plugin.StoredStatus, error) {
	rows, err := s.q.ListPluginStatus(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]plugin.StoredStatus, len(rows))
	for _, r := range rows {
		out[r.Name] = plugin.StoredStatus{Enabled: r.Enabled, Installed: r.Installed}
	}
	return out, nil
}

// SetPluginStatus records name as installed, enabled or not.
func (s *Store) SetPluginStatus(ctx context.Context, name string, enabled bool) error {
	return s.q.SetPluginStatus(ctx, db.SetPluginStatusParams{Name: name, Enabled: enabled})
}

// SetPluginUninstalled records name as uninstalled and disabled and forgets
// its variables (variable_set), in one transaction: like Drupal's
// hook_uninstall deleting a module's variables, a reinstalled plugin starts
// from nothing. Its tables are dropped by the host (host_db.go).
func (s *Store) SetPluginUninstalled(ctx context.Context, name string) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if err := q.SetPluginUninstalled(ctx, name); err != nil {
			return err
		}
		return q.DeletePluginVariables(ctx, name)
	})
}

// DeletePluginStatus forgets name: the next start installs it as new.
func (s *Store) DeletePluginStatus(ctx context.Context, name string) error {
	return s.q.DeletePluginStatus(ctx, name)
}

// Handlers serve /admin/plugins.
type Handlers struct {
	host  *plugin.Host
	pages *web.Pages
}

// NewHandlers returns the handlers of /admin/plugins.
func NewHandlers(host *plugin.Host, pages *web.Pages) *Handlers {
	return &Handlers{host: host, pages: pages}
}

// section is the admin toolbar entry these pages belong to.
const section = "plugins"

// List serves GET /admin/plugins.
func (h *Handlers) List(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdministerPlugins); done || err != nil {
		return err
	}
	token, err := h.pages.Sessions.CSRFToken(c)
	if err != nil {
		return err
	}
	p := views.PluginsProps{CSRFToken: token}
	for _, s := range h.host.Status() {
		r := views.PluginRow{
			Name: s.Name, Version: s.Version, Description: s.Description, Error: s.Error,
			Taps: s.Taps, Capabilities: s.Capabilities, Dependencies: s.Dependencies,
			Instances: s.Instances, Faults: s.Faults,
		}
		switch {
		case s.State == plugin.StateFailed:
			r.Status = "failed"
		case s.Enabled:
			r.Status = "enabled"
		case !h.host.Installed(s.Name):
			r.Status = "uninstalled" // enabling installs it again
		default:
			r.Status = "disabled"
		}
		p.Rows = append(p.Rows, r)
	}
	return h.pages.Admin(c, fiber.StatusOK, section, "Plugins", views.Plugins(p))
}

// Enable serves POST /admin/plugins/:name/enable.
func (h *Handlers) Enable(c *fiber.Ctx) error {
	return h.change(c, h.host.Enable, "The plugin %s has been enabled.")
}

// Disable serves POST /admin/plugins/:name/disable.
func (h *Handlers) Disable(c *fiber.Ctx) error {
	return h.change(c, h.host.Disable, "The plugin %s has been disabled.")
}

// Uninstall serves GET and POST /admin/plugins/:name/uninstall: a
// confirmation, then the plugin's uninstall tap. Only a disabled plugin can
// be uninstalled.
func (h *Handlers) Uninstall(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdministerPlugins); done || err != nil {
		return err
	}
	name := c.Params("name")
	if c.Method() == fiber.MethodPost {
		return h.change(c, h.host.Uninstall, "The plugin %s has been uninstalled.")
	}
	if !h.disabled(name) {
		if err := h.pages.Sessions.Flash(c, name+" must be disabled before it can be uninstalled."); err != nil {
			return err
		}
		return c.Redirect("/admin/plugins", fiber.StatusSeeOther)
	}
	token, err := h.pages.Sessions.CSRFToken(c)
	if err != nil {
		return err
	}
	return h.pages.Admin(c, fiber.StatusOK, section, "Uninstall "+name, views.UninstallConfirm(views.UninstallConfirmProps{
		Name: name, Action: c.Path(), CSRFToken: token, Tables: h.host.Tables(name),
	}))
}

// disabled reports whether name is a loaded, disabled plugin.
func (h *Handlers) disabled(name string) bool {
	for _, s := range h.host.Status() {
		if s.Name == name {
			return s.State == plugin.StateLoaded && !s.Enabled
		}
	}
	return false
}

// change runs a lifecycle operation and goes back to the list with a flash
// message: the confirmation, or the reason it was refused. API clients get
// the error itself.
func (h *Handlers) change(c *fiber.Ctx, op func(context.Context, string) error, done string) error {
	if d, err := web.RequirePermission(c, PermAdministerPlugins); d || err != nil {
		return err
	}
	name := c.Params("name")
	err := op(c.UserContext(), name)
	if web.WantsJSON(c) || web.SentJSON(c) {
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"plugin": name, "status": h.statusOf(name)})
	}
	msg := fmt.Sprintf(done, name)
	if err != nil {
		if errs.ClassOf(err) == errs.Internal {
			return err
		}
		msg = errs.Public(err)
	}
	if err := h.pages.Sessions.Flash(c, msg); err != nil {
		return err
	}
	return c.Redirect("/admin/plugins", fiber.StatusSeeOther)
}

// statusOf is name's status word for the JSON answer.
func (h *Handlers) statusOf(name string) string {
	for _, s := range h.host.Status() {
		if s.Name == name {
			switch {
			case s.State == plugin.StateFailed:
				return "failed"
			case s.Enabled:
				return "enabled"
			case !h.host.Installed(s.Name):
				return "uninstalled"
			}
			return "disabled"
		}
	}
	return ""
}
