package people

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/user"
	"github.com/trovato/trovato/app/web"
	"github.com/trovato/trovato/views"
)

// perPage is how many users one page of the list shows.
const perPage = 50

// filterElements builds the exposed filters of the list and fills them
// from the query string; a value that is not one of the options is
// dropped, so only known roles and statuses reach the query.
func filterElements(roles []user.Role, query url.Values) (role, status string, els []*form.Element) {
	roleEl := &form.Element{Key: "role", Type: form.Select, Label: "Role", Options: []form.Option{{Value: "", Label: "- Any -"}}}
	for _, r := range roles {
		if r.Name != user.RoleAnonymous && r.Name != user.RoleAuthenticated {
			roleEl.Options = append(roleEl.Options, form.Option{Value: r.Name, Label: r.Label})
		}
	}
	statusEl := &form.Element{Key: "status", Type: form.Select, Label: "Status", Options: []form.Option{
		{Value: "", Label: "- Any -"}, {Value: "active", Label: "Active"}, {Value: "blocked", Label: "Blocked"},
	}}
	f := &form.Form{ID: "people_filters", Method: "get", Elements: []*form.Element{roleEl, statusEl}}
	f.Fill(form.Values{"role": {query.Get("role")}, "status": {query.Get("status")}})
	for _, e := range f.Elements {
		if e.Error != "" {
			e.Value, e.Error = "", ""
		}
	}
	return roleEl.Value, statusEl.Value, f.Elements
}

// List serves GET /admin/people: the filtered user list. Under htmx (the
// filter form and the pager) only the list is sent; every pushed URL also
// loads as a full page.
func (h *Handlers) List(c *fiber.Ctx) error {
	if done, err := require(c, PermAdministerUsers); done || err != nil {
		return err
	}
	ctx := c.UserContext()
	roles, err := h.store.Roles(ctx)
	if err != nil {
		return err
	}
	query, _ := url.ParseQuery(string(c.Request().URI().QueryString()))
	role, status, filters := filterElements(roles, query)
	pageNo, _ := strconv.Atoi(query.Get("page"))
	pageNo = max(pageNo, 0)
	people, more, err := h.store.People(ctx, user.PeopleFilter{Role: role, Status: status, Page: pageNo, PerPage: perPage})
	if err != nil {
		return err
	}
	token, err := h.csrf(c)
	if err != nil {
		return err
	}
	labels := map[string]string{}
	for _, r := range roles {
		labels[r.Name] = r.Label
	}
	me := web.Account(c).ID
	p := views.PeopleListProps{Filters: filters, CSRFToken: token}
	for _, u := range people {
		row := views.PersonRow{ID: u.ID.String(), Name: u.Name, Email: u.Email, IsAdmin: u.IsAdmin, Active: u.Active,
			Self: u.ID == me, Created: u.Created.Format("2006-01-02"), LastSeen: "never"}
		if u.Login != nil {
			row.LastSeen = ago(*u.Login)
		}
		for _, r := range u.Roles {
			if l := labels[r]; l != "" {
				row.Roles = append(row.Roles, l)
			} else {
				row.Roles = append(row.Roles, r)
			}
		}
		p.Rows = append(p.Rows, row)
	}
	pageURL := func(n int) string {
		q := url.Values{}
		if role != "" {
			q.Set("role", role)
		}
		if status != "" {
			q.Set("status", status)
		}
		if n > 0 {
			q.Set("page", strconv.Itoa(n))
		}
		if len(q) == 0 {
			return "/admin/people"
		}
		return "/admin/people?" + q.Encode()
	}
	if pageNo > 0 {
		p.PrevURL = pageURL(pageNo - 1)
	}
	if more {
		p.NextURL = pageURL(pageNo + 1)
	}
	list := views.PeopleList(p)
	if web.IsPartial(c) {
		return web.Render(c, fiber.StatusOK, list)
	}
	return h.admin(c, fiber.StatusOK, "list", "People", list)
}

// ago says how long ago t was, coarsely.
func ago(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d hours ago", int(d.Hours()))
	}
	return t.Format("2006-01-02")
}

// setActive serves POST /admin/people/{id}/block and …/unblock.
func (h *Handlers) setActive(c *fiber.Ctx, active bool) error {
	if done, err := require(c, PermAdministerUsers); done || err != nil {
		return err
	}
	ctx := c.UserContext()
	id, err := userID(c)
	if err != nil {
		return err
	}
	p, err := h.store.Person(ctx, id)
	if err != nil {
		return err
	}
	if err := h.store.SetActive(ctx, web.Account(c).ID, id, active); err != nil {
		return err
	}
	msg := "The account " + p.Name + " has been blocked; their sessions end with their next request."
	if active {
		msg = "The account " + p.Name + " has been unblocked."
	}
	if err := h.pages.Sessions.Flash(c, msg); err != nil {
		return err
	}
	return c.Redirect(backToList(c), fiber.StatusSeeOther)
}

// Block serves POST /admin/people/{id}/block.
func (h *Handlers) Block(c *fiber.Ctx) error { return h.setActive(c, false) }

// Unblock serves POST /admin/people/{id}/unblock.
func (h *Handlers) Unblock(c *fiber.Ctx) error { return h.setActive(c, true) }

// backToList is the list URL the operation came from (same-site Referer
// under /admin/people only), or the plain list.
func backToList(c *fiber.Ctx) string {
	if ref, err := url.Parse(c.Get(fiber.HeaderReferer)); err == nil && ref.Path == "/admin/people" &&
		(ref.Host == "" || ref.Host == c.Hostname()) {
		if ref.RawQuery != "" {
			return "/admin/people?" + ref.RawQuery
		}
	}
	return "/admin/people"
}

// userID parses the {id} route parameter; the anonymous user's id is
// never a valid target.
func userID(c *fiber.Ctx) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Params("id"))
	if err != nil || id == user.AnonymousID {
		return uuid.Nil, fiber.ErrNotFound
	}
	return id, nil
}
