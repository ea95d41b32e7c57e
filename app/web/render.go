// Package web holds the request plumbing shared by every handler: the
// session and the current account, CSRF protection, flash messages, the one
// function that decides between a full page and an htmx partial, and the
// error handler that maps error classes to statuses.
package web

import (
	"bytes"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/trovato/trovato/app/form"
)

// IsPartial reports whether the request wants only a fragment: an htmx
// request that is not a boosted navigation.
func IsPartial(c *fiber.Ctx) bool {
	return c.Get(HXRequest) == "true" && c.Get(HXBoosted) != "true"
}

// Render writes a templ component as HTML with the given status. Every
// response that can differ by HX-Request says so in Vary.
func Render(c *fiber.Ctx, status int, comp templ.Component) error {
	var buf bytes.Buffer
	if err := comp.Render(c.UserContext(), &buf); err != nil {
		return err
	}
	c.Vary(HXRequest)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(buf.Bytes())
}

// RenderPage writes page, or only partial when the request is an htmx
// partial request and partial is not nil. Every URL htmx pushes therefore
// also loads as a full page.
func RenderPage(c *fiber.Ctx, status int, page, partial templ.Component) error {
	if partial != nil && IsPartial(c) {
		return Render(c, status, partial)
	}
	return Render(c, status, page)
}

// WantsJSON reports whether the client asked for JSON rather than HTML.
func WantsJSON(c *fiber.Ctx) bool {
	return c.Accepts(fiber.MIMETextHTML, fiber.MIMEApplicationJSON) == fiber.MIMEApplicationJSON
}

// SentJSON reports whether the request body is JSON.
func SentJSON(c *fiber.Ctx) bool {
	return bytes.HasPrefix(bytes.TrimSpace([]byte(c.Get(fiber.HeaderContentType))), []byte(fiber.MIMEApplicationJSON))
}

// FormValues returns every posted form value (urlencoded or multipart).
// The Form API reads from it only the keys of elements it built.
func FormValues(c *fiber.Ctx) form.Values {
	out := form.Values{}
	if mf, err := c.MultipartForm(); err == nil && mf != nil {
		for k, vs := range mf.Value {
			out[k] = append([]string(nil), vs...)
		}
		return out
	}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		out[string(k)] = append(out[string(k)], string(v))
	})
	return out
}
