package gather

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/render"
	"github.com/trovato/trovato/app/theme"
	"github.com/trovato/trovato/app/web"
	"github.com/trovato/trovato/views"
)

// Handlers serve listing pages.
type Handlers struct {
	gather *Service
	pages  *web.Pages
}

// NewHandlers returns the listing page handlers.
func NewHandlers(s *Service, pages *web.Pages) *Handlers { return &Handlers{gather: s, pages: pages} }

// Page serves any path a listing's page display claims, so new listings
// appear without a restart; other paths fall through to the next handler.
// ?page=N (0-based) selects the page; htmx pager requests get only the
// listing fragment.
func (h *Handlers) Page(c *fiber.Ctx) error {
	if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
		return c.Next()
	}
	v, ok := h.gather.ByPath(c.Path())
	if !ok {
		return c.Next()
	}
	acct := web.Account(c)
	if !acct.Can("access content") {
		return errs.New(errs.Forbidden, "You are not authorized to access this page.")
	}
	viewer := Viewer{SeesUnpublished: acct.Can("view unpublished content") || acct.Can("administer content"),
		Stage: web.StageFrom(c.UserContext()).Chain}
	if acct.IsAuthenticated() && acct.Can("view own unpublished content") {
		viewer.ID = acct.ID
	}
	page := max(c.QueryInt("page", 0), 0)
	res, err := h.gather.Run(c.UserContext(), v.Def, viewer, page)
	if err != nil {
		return err
	}
	el, _ := render.Sanitize(Element(v, res))
	content := theme.Tree(h.pages.Theme, el)
	prev, next := pagerURLs(c.Path(), res)
	return h.pages.Visitor(c, fiber.StatusOK, v.Def.Display.Title, views.Listing(views.ListingProps{
		ID: "gather-" + v.Name, Content: content, PrevURL: prev, NextURL: next,
	}))
}

// Element renders a result as a render tree: a list of rows, each showing
// the definition's fields, and the empty text when there are no rows.
func Element(v *View, res *Result) render.Element {
	root := render.Element{Type: render.TypeContainer, Classes: []string{"gather", "gather--" + v.Name}}
	if len(res.Rows) == 0 {
		empty := v.Def.Display.Empty
		if empty == "" {
			empty = "There is no content to show here yet."
		}
		root.Children = append(root.Children, render.Element{Type: render.TypeText, Classes: []string{"gather-empty"}, Text: empty})
		return root
	}
	list := render.Element{Type: render.TypeList, Classes: []string{"gather-rows"}}
	for _, r := range res.Rows {
		row := render.Element{Type: render.TypeContainer, Classes: []string{"gather-row", "item--" + r.Type}}
		for _, s := range v.Def.Fields {
			row.Children = append(row.Children, cell(s, r)...)
		}
		list.Children = append(list.Children, row)
	}
	root.Children = append(root.Children, list)
	return root
}

func cell(s Show, r Row) []render.Element {
	cls := []string{"gather-field", "gather-field--" + s.Field}
	switch s.Field {
	case "title":
		if s.Formatter == "link" {
			return []render.Element{{Type: render.TypeLink, Classes: cls, Href: "/item/" + r.ID.String(), Text: r.Title}}
		}
		return []render.Element{{Type: render.TypeText, Classes: cls, Text: r.Title}}
	case "created":
		return []render.Element{{Type: render.TypeText, Classes: cls, Text: r.Created.Format("2 January 2006")}}
	case "changed":
		return []render.Element{{Type: render.TypeText, Classes: cls, Text: r.Changed.Format("2 January 2006")}}
	case "author":
		return []render.Element{{Type: render.TypeText, Classes: cls, Text: r.Author}}
	}
	var out []render.Element
	for _, d := range r.Fields[s.Field] {
		if text, ok := d["value"].(string); ok {
			out = append(out, render.Element{Type: render.TypeText, Classes: cls, Text: text})
		}
	}
	return out
}

// pagerURLs returns the previous and next page links of a mini pager.
func pagerURLs(path string, res *Result) (prev, next string) {
	if res.Page > 0 {
		prev = path + "?page=" + strconv.Itoa(res.Page-1)
	}
	if res.HasNext {
		next = path + "?page=" + strconv.Itoa(res.Page+1)
	}
	return prev, next
}
