package server

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/gather"
	"github.com/trovato/trovato/app/item"
	"github.com/trovato/trovato/app/metrics"
	"github.com/trovato/trovato/app/plugin"
	"github.com/trovato/trovato/app/render"
	"github.com/trovato/trovato/app/theme"
	"github.com/trovato/trovato/app/user"
	"github.com/trovato/trovato/app/web"
)

// pluginPages serves the routes plugins declare through tap_menu. It runs
// as a fallback after every kernel route (kernel paths always win), so a
// route appears when its plugin is enabled and disappears when it is
// disabled, without a restart. The kernel checks the route's permission,
// calls the page callback tap, lets tap_preprocess add to the page, then
// sanitizes the element and renders it in the visitor theme.
func (s *Server) pluginPages(pages *web.Pages) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
			return c.Next()
		}
		m, ok := s.Plugins.MatchRoute(c.Path())
		if !ok {
			return c.Next()
		}
		if done, err := web.RequirePermission(c, m.Route.Permission); done || err != nil {
			return err
		}
		acct := web.Account(c)
		query := map[string]string{}
		for k, v := range c.Queries() {
			if len(query) < 32 && len(k) <= 64 && len(v) <= 1024 {
				query[k] = v
			}
		}
		ctx := plugin.WithViewer(c.UserContext(), viewerOf(acct))
		start := time.Now()
		res, err := s.Plugins.Page(ctx, m, query, accessAccount(acct), viewerOf(acct))
		if err != nil {
			metrics.AddTaps(ctx, time.Since(start))
			return err
		}
		content, err := render.Decode(res.Content)
		if err != nil || content == nil {
			metrics.AddTaps(ctx, time.Since(start))
			return errs.Wrap(errs.Internal, err, "plugin "+m.Plugin+" returned a bad page element")
		}
		root := render.Element{Type: render.TypeContainer, Classes: []string{"plugin-page", "plugin-page--" + m.Plugin},
			Children: []render.Element{*content}}
		root = mergeAdditions(root, s.Plugins.Preprocess(ctx, plugin.PreprocessInput{
			Element:     "page",
			Suggestions: []string{"page__" + m.Plugin, "page__" + m.Plugin + "__" + strings.TrimPrefix(m.Route.Callback, "page_")},
			Path:        m.Path,
			Classes:     root.Classes,
		}))
		metrics.AddTaps(ctx, time.Since(start))
		clean, dropped := render.Sanitize(root)
		if dropped > 0 {
			s.Log.Warn("dropped unknown render elements", "plugin", m.Plugin, "path", m.Path, "count", dropped)
		}
		return pages.Visitor(c, fiber.StatusOK, res.Title, theme.Tree(pages.Theme, clean))
	}
}

// viewerOf is whose access item queries apply, as listings do.
func viewerOf(acct *user.Account) plugin.Viewer {
	v := plugin.Viewer{SeesUnpublished: acct.Can("view unpublished content") || acct.Can("administer content")}
	if acct.IsAuthenticated() && acct.Can("view own unpublished content") {
		v.UserID = acct.ID.String()
	}
	return v
}

func accessAccount(acct *user.Account) plugin.AccessAccount {
	a := plugin.AccessAccount{Roles: []string{}}
	if acct != nil {
		a = plugin.AccessAccount{ID: acct.ID.String(), Name: acct.Name, Roles: acct.Roles, Authenticated: acct.IsAuthenticated()}
	}
	return a
}

// queryItems runs a plugin's item query (host function item_query)
// through the Gather builder with the viewer's access in the SQL.
func (s *Server) queryItems(ctx context.Context, q plugin.ItemQuery, v plugin.Viewer) ([]*plugin.Item, error) {
	d := &gather.Definition{BaseTypes: q.Types, Pager: gather.Pager{Type: "mini", ItemsPerPage: q.Limit}}
	for _, f := range q.Filters {
		d.Filters = append(d.Filters, gather.Filter{Field: f.Field, Op: f.Op, Value: f.Value})
	}
	for _, o := range q.Sort {
		d.Sorts = append(d.Sorts, gather.Sort{Field: o.Field, Direction: o.Direction})
	}
	gv := gather.Viewer{SeesUnpublished: v.SeesUnpublished}
	if v.UserID != "" {
		id, err := uuid.Parse(v.UserID)
		if err != nil {
			return nil, errs.New(errs.Internal, "viewer id %q is not a uuid", v.UserID)
		}
		gv.ID = id
	}
	res, err := s.Gather.Run(ctx, d, gv, max(q.Page, 0))
	if err != nil {
		return nil, err
	}
	out := make([]*plugin.Item, len(res.Rows))
	for i, r := range res.Rows {
		out[i] = &plugin.Item{ID: r.ID.String(), Type: r.Type, Title: r.Title, AuthorName: r.Author,
			Status: r.Status, Created: r.Created, Fields: r.Fields}
	}
	return out, nil
}

// preprocessItem lets tap_preprocess add to an item's rendered element
// tree (JSON, before it is sanitized by the item display).
func (s *Server) preprocessItem(ctx context.Context, it *item.Item, mode string, el json.RawMessage) json.RawMessage {
	if len(s.Plugins.Implements(plugin.TapPreprocess)) == 0 {
		return el
	}
	root, err := render.Decode(el)
	if err != nil || root == nil {
		return el
	}
	adds := s.Plugins.Preprocess(ctx, plugin.PreprocessInput{
		Element:     "item",
		Suggestions: []string{"item__" + it.Type, "item__" + it.Type + "__" + mode},
		Item:        pluginItem(it),
		ViewMode:    mode,
		Classes:     root.Classes,
	})
	if len(adds) == 0 {
		return el
	}
	out, err := json.Marshal(mergeAdditions(*root, adds))
	if err != nil {
		return el
	}
	return out
}

// mergeAdditions adds what tap_preprocess returned to el: classes not yet
// present, attributes el does not have, children at the end. Nothing is
// removed or replaced; the caller sanitizes the result.
func mergeAdditions(el render.Element, adds []plugin.Additions) render.Element {
	for _, a := range adds {
		for _, c := range a.Classes {
			if !slices.Contains(el.Classes, c) {
				el.Classes = append(el.Classes, c)
			}
		}
		for k, v := range a.Attributes {
			if _, exists := el.Attributes[k]; exists {
				continue
			}
			if el.Attributes == nil {
				el.Attributes = map[string]string{}
			}
			el.Attributes[k] = v
		}
		for _, raw := range a.Children {
			if child, err := render.Decode(raw); err == nil && child != nil {
				el.Children = append(el.Children, *child)
			}
		}
	}
	return el
}

// menuLinks are the links plugins add to menu (tap_menu), for the theme.
// There is no menu editor yet: the links come from enabled plugins only.
func (s *Server) menuLinks(menu string) []theme.Tab {
	links := s.Plugins.MenuLinks(menu)
	out := make([]theme.Tab, 0, len(links))
	for _, l := range links {
		out = append(out, theme.Tab{Label: l.Title, URL: render.SafeURL(l.Path)})
	}
	return out
}
