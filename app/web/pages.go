package web

import (
	"errors"
	"log/slog"
	"net/url"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/theme"
	"github.com/trovato/trovato/views"
)

// Pages wraps content in the visitor theme or the admin shell, filling in
// what every page shows: site name, account, CSRF token and flash messages.
type Pages struct {
	Sessions *Sessions
	Theme    theme.Theme
	SiteName string
	Log      *slog.Logger
	// StageBar builds the admin toolbar's active-stage switcher (nil, or a
	// nil result: a plain "Live" label). app/stage provides it.
	StageBar func(c *fiber.Ctx) *views.StageBar
	// Menu returns the links of a menu ("main" is shown in the visitor
	// theme's navigation); nil for none.
	Menu func(menu string) []theme.Tab
	// Regions returns the blocks of each theme region for the request
	// (app/block); nil for none. Partial (htmx) responses skip it.
	Regions func(c *fiber.Ctx) map[string][]templ.Component
}

// Visitor renders content in the active theme's page layout (or only the
// content for an htmx partial request).
func (p *Pages) Visitor(c *fiber.Ctx, status int, title string, content templ.Component, tabs ...theme.Tab) error {
	props, err := p.visitorProps(c, title, content)
	if err != nil {
		return err
	}
	props.Tabs = tabs
	if p.Regions != nil && !IsPartial(c) {
		props.Regions = p.Regions(c)
	}
	return RenderPage(c, status, p.Theme.Page(props), content)
}

func (p *Pages) visitorProps(c *fiber.Ctx, title string, content templ.Component) (theme.PageProps, error) {
	acct := Account(c)
	props := theme.PageProps{SiteName: p.SiteName, Title: title, Content: content}
	if p.Menu != nil {
		props.Menu = p.Menu("main")
	}
	if acct.IsAuthenticated() {
		props.UserName = acct.Name
		props.CanAdmin = acct.Can("access admin")
		token, err := p.Sessions.CSRFToken(c)
		if err != nil {
			return props, err
		}
		props.CSRFToken = token
	}
	msgs, err := p.Sessions.Messages(c)
	props.Messages = msgs
	if st := StageFrom(c.UserContext()); !st.IsLive() {
		props.NoIndex = true
		note := "You are viewing stage " + st.Label + ", not Live."
		if st.Preview {
			note = "Preview of stage " + st.Label + ": this is how the site will look after publishing. Leave the preview at /stage-preview/exit."
		}
		props.Messages = append([]string{note}, props.Messages...)
	}
	return props, err
}

// Admin renders content in the admin shell.
func (p *Pages) Admin(c *fiber.Ctx, status int, section, title string, content templ.Component) error {
	token, err := p.Sessions.CSRFToken(c)
	if err != nil {
		return err
	}
	msgs, err := p.Sessions.Messages(c)
	if err != nil {
		return err
	}
	page := views.AdminPage(views.AdminProps{
		SiteName: p.SiteName, Title: title, UserName: Account(c).Name, CSRFToken: token,
		Messages: msgs, Section: section, Content: content, Stage: p.stageBar(c),
	})
	return RenderPage(c, status, page, content)
}

func (p *Pages) stageBar(c *fiber.Ctx) *views.StageBar {
	if p.StageBar == nil {
		return nil
	}
	return p.StageBar(c)
}

// RequirePermission answers with a redirect to the login page for
// anonymous visitors of HTML pages, and Forbidden for everyone else lacking
// the permission. It returns done=true when it has answered.
func RequirePermission(c *fiber.Ctx, permission string) (done bool, err error) {
	acct := Account(c)
	if acct.Can(permission) {
		return false, nil
	}
	if !acct.IsAuthenticated() && !WantsJSON(c) && !SentJSON(c) {
		dest := url.QueryEscape(string(c.Request().URI().RequestURI()))
		return true, c.Redirect("/user/login?destination="+dest, fiber.StatusSeeOther)
	}
	if !acct.IsAuthenticated() {
		return true, errs.New(errs.Unauthorized, "Log in or send an API token to do this.")
	}
	return true, errs.New(errs.Forbidden, "You are not authorized to access this page.")
}

// apiError is the JSON body of every API error.
type apiError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields,omitempty"`
	} `json:"error"`
}

// ErrorHandler maps an error to a status by its class, logs server errors
// with the request id, and answers in the client's language: JSON for API
// clients, an htmx fragment for partial requests, a themed page otherwise.
func (p *Pages) ErrorHandler() fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		class := errs.ClassOf(err)
		status := class.Status()
		msg := errs.Public(err)
		var fe *fiber.Error
		if errors.As(err, &fe) {
			status, msg = fe.Code, fe.Message
			switch fe.Code {
			case fiber.StatusNotFound:
				class, msg = errs.NotFound, "The requested page could not be found."
			case fiber.StatusMethodNotAllowed:
				class = errs.Invalid
			case fiber.StatusRequestEntityTooLarge, fiber.StatusBadRequest:
				class = errs.Invalid
			default:
				if fe.Code >= 500 {
					class = errs.Internal
				}
			}
		}
		if status >= 500 {
			p.Log.Error("request failed", "status", status, "method", c.Method(), "path", c.Path(),
				"request_id", c.Locals("requestid"), "error", err)
		}
		if WantsJSON(c) || SentJSON(c) || IsTokenAuth(c) {
			var body apiError
			body.Error.Code, body.Error.Message, body.Error.Fields = class.String(), msg, errs.FieldsOf(err)
			return c.Status(status).JSON(body)
		}
		content := views.ErrorContent(status, msg)
		if Account(c) == nil || IsPartial(c) {
			return Render(c, status, content)
		}
		title := map[int]string{401: "Log in required", 403: "Access denied", 404: "Page not found"}[status]
		if title == "" {
			title = "Error"
		}
		if rerr := p.Visitor(c, status, title, content); rerr != nil {
			p.Log.Error("render error page", "error", rerr)
			return c.Status(status).SendString(msg)
		}
		return nil
	}
}

// localItemType is the Locals key of the content type of the item a page
// shows (ShowingItem).
const localItemType = "trovato.item-type"

// ShowingItem records that the request's page shows an item of the content
// type itemType (the item page calls it before rendering), so what depends
// on the page's item — blocks limited to content types — can tell.
func ShowingItem(c *fiber.Ctx, itemType string) { c.Locals(localItemType, itemType) }

// ShownItemType is the content type ShowingItem recorded for the request,
// or "" when the page shows no item.
func ShownItemType(c *fiber.Ctx) string {
	t, _ := c.Locals(localItemType).(string)
	return t
}
