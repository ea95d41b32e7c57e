// Package auth serves the login and logout pages on top of the user store
// and the session layer.
package auth

import (
	"context"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/user"
	"github.com/trovato/trovato/app/web"
	"github.com/trovato/trovato/views"
)

// Authenticator checks a name and password.
type Authenticator interface {
	Authenticate(ctx context.Context, name, password string) (*user.Account, error)
}

// Handlers serve /user/login and /user/logout.
type Handlers struct {
	users  Authenticator
	pages  *web.Pages
	events Events
}

// Events are told about logins and logouts (the plugins' tap_user_login
// and tap_user_logout); both are optional and cannot fail the request.
type Events struct {
	Login, Logout func(ctx context.Context, acct *user.Account)
}

// SetEvents installs e; call it while wiring, before serving.
func (h *Handlers) SetEvents(e Events) { h.events = e }

// NewHandlers returns the login and logout handlers.
func NewHandlers(users Authenticator, pages *web.Pages) *Handlers {
	return &Handlers{users: users, pages: pages}
}

func (h *Handlers) loginForm(c *fiber.Ctx) (*form.Form, error) {
	token, err := h.pages.Sessions.CSRFToken(c)
	if err != nil {
		return nil, err
	}
	action := "/user/login"
	if dest := safeDestination(c.Query("destination")); dest != "/" {
		action += "?destination=" + url.QueryEscape(dest)
	}
	return &form.Form{ID: "user_login", Action: action, CSRFToken: token, Elements: []*form.Element{
		{Key: "name", Type: form.TextField, Label: "Username", Required: true, MaxLength: 60},
		{Key: "pass", Type: form.Password, Label: "Password", Required: true},
		{Key: "actions", Type: form.Actions, Children: []*form.Element{{Key: "op", Type: form.Submit, Label: "Log in"}}},
	}}, nil
}

// LoginForm serves GET /user/login.
func (h *Handlers) LoginForm(c *fiber.Ctx) error {
	if web.Account(c).IsAuthenticated() {
		return c.Redirect(safeDestination(c.Query("destination")), fiber.StatusSeeOther)
	}
	f, err := h.loginForm(c)
	if err != nil {
		return err
	}
	return h.pages.Visitor(c, fiber.StatusOK, "Log in", views.Form(f))
}

// Login serves POST /user/login: on success the session id is rotated and
// the user is sent to ?destination (a local path) or the front page.
func (h *Handlers) Login(c *fiber.Ctx) error {
	f, err := h.loginForm(c)
	if err != nil {
		return err
	}
	values := f.Submit(func(k string) string { return c.FormValue(k) })
	if !f.ValidateElements() {
		return h.pages.Visitor(c, fiber.StatusUnprocessableEntity, "Log in", views.Form(f))
	}
	acct, err := h.users.Authenticate(c.UserContext(), values["name"], values["pass"])
	if errs.Is(err, errs.Unauthorized) {
		f.SetError("name", errs.Public(err))
		return h.pages.Visitor(c, fiber.StatusUnprocessableEntity, "Log in", views.Form(f))
	}
	if err != nil {
		return err
	}
	if err := h.pages.Sessions.Login(c, acct); err != nil {
		return err
	}
	if h.events.Login != nil {
		h.events.Login(c.UserContext(), acct)
	}
	return c.Redirect(safeDestination(c.Query("destination")), fiber.StatusSeeOther)
}

// Logout serves POST /user/logout (CSRF-protected, so a third-party page
// cannot log users out).
func (h *Handlers) Logout(c *fiber.Ctx) error {
	acct := web.Account(c)
	if err := h.pages.Sessions.Logout(c); err != nil {
		return err
	}
	if h.events.Logout != nil && acct.IsAuthenticated() {
		h.events.Logout(c.UserContext(), acct)
	}
	return c.Redirect("/", fiber.StatusSeeOther)
}

// safeDestination keeps redirects on this site: only a local absolute path
// is accepted ("//host" and "/\host" are not local).
func safeDestination(dest string) string {
	if !strings.HasPrefix(dest, "/") || strings.HasPrefix(dest, "//") || strings.HasPrefix(dest, "/\\") {
		return "/"
	}
	return dest
}
