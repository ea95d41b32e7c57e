package item

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/trovato/trovato/app/web"
	"github.com/trovato/trovato/views"
)

// adminPageSize is the number of rows per page of the admin content list.
const adminPageSize = 50

// AdminContent serves /admin/content (and /admin): every item, most
// recently changed first, with a mini pager that swaps only the list
// under htmx and still works as plain links.
func (h *Handlers) AdminContent(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, "access admin"); done || err != nil {
		return err
	}
	ctx := c.UserContext()
	page := max(c.QueryInt("page", 0), 0)
	rows, more, err := h.items.AdminList(ctx, page, adminPageSize)
	if err != nil {
		return err
	}
	props := views.ContentListProps{Page: page}
	for _, r := range rows {
		props.Rows = append(props.Rows, views.ContentRow{
			Title: r.Title, URL: "/item/" + r.ID.String(), Type: r.Type, Author: r.Author,
			Published: r.Status, Changed: r.Changed.Format("2006-01-02 15:04"),
		})
	}
	if page > 0 {
		props.PrevURL = "/admin/content?page=" + strconv.Itoa(page-1)
	}
	if more {
		props.NextURL = "/admin/content?page=" + strconv.Itoa(page+1)
	}
	types, err := h.items.Types(ctx)
	if err != nil {
		return err
	}
	acct := web.Account(c)
	for _, t := range types {
		if CanCreate(acct, t.Type) {
			props.AddURLs = append(props.AddURLs, views.AddLink{Label: t.Label, URL: "/item/add/" + t.Type})
		}
	}
	return h.pages.Admin(c, fiber.StatusOK, "content", "Content", views.ContentList(props))
}
