package gather

import (
	"context"
	"fmt"
	"sort"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/trovato/trovato/app/web"
	"github.com/trovato/trovato/views"
)

// BlockListing is a listing that has a block display, as the block
// placement admin offers it.
type BlockListing struct {
	Name  string
	Label string
}

// Blocks renders listings' block displays for app/block. The listings
// with a block display come from the service's table (Reload: a save on
// this node reloads it at once, Watch follows other nodes), so a changed
// block display shows on the next request without a query to find it.
type Blocks struct{ h *Handlers }

// NewBlocks returns the block renderer over the listing page handlers (it
// shares their theme, term name lookups and formatting).
func NewBlocks(h *Handlers) *Blocks { return &Blocks{h: h} }

// index returns the listings with a block display by name (read only).
func (b *Blocks) index() map[string]*View {
	s := b.h.gather
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.blocks
}

// List returns the listings that have a block display, by label.
func (b *Blocks) List(ctx context.Context) ([]BlockListing, error) {
	idx := b.index()
	out := make([]BlockListing, 0, len(idx))
	for _, v := range idx {
		out = append(out, BlockListing{Name: v.Name, Label: v.Label})
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Label < out[j].Label || out[i].Label == out[j].Label && out[i].Name < out[j].Name
	})
	return out, nil
}

// Render renders the block display of the listing name for the request's
// viewer: its title and content. content is nil — show nothing — when the
// listing is gone or has no block display, or the viewer may not access
// content. The rows come from the same builder and run path as the page
// (RunRequest), so published status, item access and the viewer's stage
// apply exactly as on the page.
func (b *Blocks) Render(c *fiber.Ctx, name string) (title string, content templ.Component, err error) {
	ctx := c.UserContext()
	v, ok := b.index()[name]
	if !ok {
		return "", nil, nil
	}
	acct := web.Account(c)
	if acct == nil || !acct.Can("access content") {
		return "", nil, nil
	}
	bd := blockDefinition(v.Def)
	schema, err := b.h.gather.Schema(ctx)
	if err != nil {
		return "", nil, err
	}
	res, err := b.h.gather.RunRequest(ctx, bd, viewerOf(c), Request{Schema: schema})
	if err != nil {
		return "", nil, fmt.Errorf("block of listing %s: %w", name, err)
	}
	bv := &View{Name: v.Name, Label: v.Label, Def: bd}
	p, err := b.h.props(ctx, bv, v.Def.Display.Path, res, nil, nil, schema)
	if err != nil {
		return "", nil, err
	}
	p.ID = "block-gather-" + v.Name
	p.Form = nil
	title = v.Def.Block.Title
	if title == "" {
		title = v.Def.Display.Title
	}
	var more views.BlockMore
	if v.Def.Block.More {
		more.URL, more.Text = v.Def.Display.Path, v.Def.Block.MoreText
		if more.Text == "" {
			more.Text = "More"
		}
	}
	return title, views.GatherBlock(p, more), nil
}

// blockDefinition is d as its block display runs: the first Block.Items
// rows, no pager, and exposed filters reduced to what they do without
// input — their own value, or nothing — so no exposed form is built and the
// request's query string is never read.
func blockDefinition(d *Definition) *Definition {
	bd := *d
	bd.Pager = Pager{Type: "none", ItemsPerPage: d.Block.Items}
	bd.Filters = nil
	for _, f := range d.Filters {
		if f.Expose != nil {
			if f.Value == nil {
				continue
			}
			f.Expose = nil
		}
		bd.Filters = append(bd.Filters, f)
	}
	return &bd
}

// viewerOf is the request's viewer as listing pages see it: unpublished
// items for those who may see them (their own, with "view own unpublished
// content"), in the request's stage chain.
func viewerOf(c *fiber.Ctx) Viewer {
	acct := web.Account(c)
	v := Viewer{SeesUnpublished: acct.Can("view unpublished content") || acct.Can("administer content"),
		Stage: web.StageFrom(c.UserContext()).Chain}
	if acct.IsAuthenticated() && acct.Can("view own unpublished content") {
		v.ID = acct.ID
	}
	return v
}
