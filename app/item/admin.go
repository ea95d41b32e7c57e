package item

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/web"
	"github.com/trovato/trovato/views"
)

// adminPageSize is the number of rows per page of the admin content list.
const adminPageSize = 50

// sortColumns are the sortable columns of the content list, in order.
var sortColumns = []struct{ Key, Label string }{
	{"title", "Title"}, {"type", "Content type"}, {"author", "Author"}, {"", "Status"}, {"changed", "Updated"},
}

// contentFilters reads the list's filters from the query string; unknown
// values are ignored, never passed on.
func contentFilters(c *fiber.Ctx) (views.ContentFilters, AdminFilter) {
	vf := views.ContentFilters{Type: c.Query("type"), Status: c.Query("status"), Author: c.Query("author"),
		Title: c.Query("title"), Sort: c.Query("sort"), Order: c.Query("order")}
	f := AdminFilter{Type: vf.Type, Author: vf.Author, Title: vf.Title, Sort: "changed", Descending: true}
	switch vf.Status {
	case "1", "0":
		b := vf.Status == "1"
		f.Status = &b
	default:
		vf.Status = ""
	}
	switch vf.Sort {
	case "title", "type", "author", "changed":
		f.Sort, f.Descending = vf.Sort, vf.Order == "desc"
	default:
		vf.Sort, vf.Order = "", ""
	}
	return vf, f
}

// listURL is the content list URL for filters, a sort and a page.
func listURL(f views.ContentFilters, page int) string {
	q := url.Values{}
	for k, v := range map[string]string{"type": f.Type, "status": f.Status, "author": f.Author, "title": f.Title, "sort": f.Sort, "order": f.Order} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if page > 0 {
		q.Set("page", strconv.Itoa(page))
	}
	if len(q) == 0 {
		return "/admin/content"
	}
	return "/admin/content?" + q.Encode()
}

// AdminContent serves /admin/content (and /admin): items the account may
// see, filtered and sorted from the query string, with bulk operations and
// a mini pager. Under htmx the filters, sort links and pager swap only the
// list and push their URL, which also loads as a full page.
func (h *Handlers) AdminContent(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, "access admin"); done || err != nil {
		return err
	}
	ctx := c.UserContext()
	acct := web.Account(c)
	vf, f := contentFilters(c)
	page := max(c.QueryInt("page", 0), 0)
	rows, more, err := h.items.AdminList(ctx, acct, f, page, adminPageSize)
	if err != nil {
		return err
	}
	token, err := h.pages.Sessions.CSRFToken(c)
	if err != nil {
		return err
	}
	props := views.ContentListProps{Page: page, Filters: vf, CSRFToken: token}
	for _, r := range rows {
		it := &Item{ID: r.ID, Type: r.Type, AuthorID: r.AuthorID, Status: r.Status}
		props.Rows = append(props.Rows, views.ContentRow{
			ID: r.ID.String(), Title: r.Title, URL: it.URL(), Type: r.Type, Author: r.Author,
			Published: r.Status, Changed: r.Changed.Format("2006-01-02 15:04"),
			CanEdit: h.allowed(c, OpUpdate, it), CanDelete: h.allowed(c, OpDelete, it),
		})
	}
	for _, col := range sortColumns {
		link := views.SortLink{Label: col.Label}
		if col.Key != "" {
			next := vf
			next.Sort, next.Order = col.Key, "asc"
			if vf.Sort == col.Key {
				link.Active = "asc"
				if vf.Order == "desc" {
					link.Active = "desc"
				} else {
					next.Order = "desc"
				}
			}
			link.URL = listURL(next, 0)
		}
		props.Columns = append(props.Columns, link)
	}
	if page > 0 {
		props.PrevURL = listURL(vf, page-1)
	}
	if more {
		props.NextURL = listURL(vf, page+1)
	}
	types, err := h.items.Types(ctx)
	if err != nil {
		return err
	}
	for _, t := range types {
		props.Types = append(props.Types, views.AddLink{Label: t.Label, URL: t.Type})
		if CanCreate(acct, t.Type) {
			props.AddURLs = append(props.AddURLs, views.AddLink{Label: t.Label, URL: "/item/add/" + t.Type})
		}
	}
	return h.pages.Admin(c, fiber.StatusOK, "content", "Content", views.ContentList(props))
}

// selectedItems loads the items a bulk request names, keeping only those
// the account may change with check.
func (h *Handlers) selectedItems(c *fiber.Ctx, check func(*Item) bool) ([]*Item, error) {
	var out []*Item
	for _, raw := range web.FormValues(c).All("items") {
		id, err := uuid.Parse(raw)
		if err != nil {
			continue
		}
		it, err := h.items.Load(c.UserContext(), id)
		if errs.Is(err, errs.NotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if check(it) {
			out = append(out, it)
		}
	}
	return out, nil
}

// AdminContentBulk serves POST /admin/content: publish or unpublish the
// selected items (each a new revision), or ask to confirm deleting them.
// Items the account may not change are skipped and counted.
func (h *Handlers) AdminContentBulk(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, "access admin"); done || err != nil {
		return err
	}
	acct := web.Account(c)
	action := c.FormValue("action")
	check := func(it *Item) bool { return h.allowed(c, OpUpdate, it) }
	if action == "delete" {
		check = func(it *Item) bool { return h.allowed(c, OpDelete, it) }
	} else if action != "publish" && action != "unpublish" {
		return errs.New(errs.Invalid, "Choose an operation: publish, unpublish or delete.")
	}
	items, err := h.selectedItems(c, check)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		if err := h.pages.Sessions.Flash(c, "No items were selected that you may change."); err != nil {
			return err
		}
		return c.Redirect("/admin/content", fiber.StatusSeeOther)
	}
	if action == "delete" {
		token, err := h.pages.Sessions.CSRFToken(c)
		if err != nil {
			return err
		}
		p := views.BulkConfirmProps{CSRFToken: token}
		for _, it := range items {
			p.IDs, p.Titles = append(p.IDs, it.ID.String()), append(p.Titles, it.Title)
		}
		return h.pages.Admin(c, fiber.StatusOK, "content", "Delete content", views.BulkDeleteConfirm(p))
	}
	published := action == "publish"
	for _, it := range items {
		t, err := h.items.GetType(c.UserContext(), it.Type)
		if err != nil {
			return err
		}
		log := "Unpublished from the content list."
		if published {
			log = "Published from the content list."
		}
		if _, err := h.items.Update(c.UserContext(), acct, t, it, Input{Title: it.Title, Fields: it.Fields, Status: &published, Log: log}); err != nil {
			return err
		}
	}
	if err := h.pages.Sessions.Flash(c, fmt.Sprintf("%s %d item(s).", map[bool]string{true: "Published", false: "Unpublished"}[published], len(items))); err != nil {
		return err
	}
	return c.Redirect("/admin/content", fiber.StatusSeeOther)
}

// AdminContentDelete serves POST /admin/content/delete, the confirmed bulk delete.
func (h *Handlers) AdminContentDelete(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, "access admin"); done || err != nil {
		return err
	}
	items, err := h.selectedItems(c, func(it *Item) bool { return h.allowed(c, OpDelete, it) })
	if err != nil {
		return err
	}
	for _, it := range items {
		if err := h.items.Delete(c.UserContext(), it.ID); err != nil {
			return err
		}
	}
	if err := h.pages.Sessions.Flash(c, fmt.Sprintf("Deleted %d item(s).", len(items))); err != nil {
		return err
	}
	return c.Redirect("/admin/content", fiber.StatusSeeOther)
}

// Delete serves GET /item/{id}/delete (a confirmation that says what will be
// removed), POST /item/{id}/delete, and DELETE /item/{id} for API clients
// (204).
func (h *Handlers) Delete(c *fiber.Ctx) error {
	ctx := c.UserContext()
	it, err := h.itemParam(c)
	if err != nil {
		return err
	}
	if !h.allowed(c, OpDelete, it) {
		done, err := web.RequirePermission(c, PermAdministerContent)
		if done || err != nil {
			return err
		}
	}
	switch c.Method() {
	case fiber.MethodDelete:
		if err := h.items.Delete(ctx, it.ID); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	case fiber.MethodPost:
		if err := h.items.Delete(ctx, it.ID); err != nil {
			return err
		}
		if err := h.pages.Sessions.Flash(c, it.Title+" has been deleted."); err != nil {
			return err
		}
		return c.Redirect("/admin/content", fiber.StatusSeeOther)
	}
	n, err := h.items.Revisions(ctx, it.ID)
	if err != nil {
		return err
	}
	token, err := h.pages.Sessions.CSRFToken(c)
	if err != nil {
		return err
	}
	return h.pages.Admin(c, fiber.StatusOK, "content", "Delete "+it.Title, views.Confirm(views.ConfirmProps{
		Question: fmt.Sprintf("Are you sure you want to delete %s? The item and its %d revision(s) will be removed.", it.Title, n),
		Action:   it.URL() + "/delete", Confirm: "Delete", CancelURL: it.URL(), CSRFToken: token,
	}))
}
