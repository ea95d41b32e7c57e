package block

import (
	"context"
	"log/slog"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/trovato/trovato/app/render"
	"github.com/trovato/trovato/app/theme"
	"github.com/trovato/trovato/app/web"
	"github.com/trovato/trovato/views"
)

// Listing is a listing that has a block display.
type Listing struct {
	Name  string
	Label string
}

// Listings is what listing blocks need from Gather (gather.Blocks, adapted
// in app/server).
type Listings interface {
	// Choices lists the listings that have a block display.
	Choices(ctx context.Context) ([]Listing, error)
	// Render renders the block display of the listing name for the
	// request's viewer; a nil content means nothing to show.
	Render(c *fiber.Ctx, name string) (title string, content templ.Component, err error)
}

// Renderer fills the regions of visitor pages with the blocks that show on
// the requested path (web.Pages.Regions).
type Renderer struct {
	blocks   *Service
	listings Listings
	log      *slog.Logger
}

// NewRenderer returns the region renderer.
func NewRenderer(blocks *Service, listings Listings, log *slog.Logger) *Renderer {
	return &Renderer{blocks: blocks, listings: listings, log: log}
}

// Regions renders the blocks visible at the request's path, by region. A
// block that fails to render is logged and left out; the page still shows.
func (r *Renderer) Regions(c *fiber.Ctx) map[string][]templ.Component {
	visible := r.blocks.Visible(c.Path(), Viewer{Roles: ViewerRoles(web.Account(c)), ItemType: web.ShownItemType(c)})
	if len(visible) == 0 {
		return nil
	}
	out := map[string][]templ.Component{}
	for region, list := range visible {
		for _, b := range list {
			comp, err := r.render(c, b)
			if err != nil {
				r.log.Error("render block", "block", b.ID, "region", region, "path", c.Path(),
					"request_id", c.Locals("requestid"), "error", err)
				continue
			}
			if comp != nil {
				out[region] = append(out[region], comp)
			}
		}
	}
	return out
}

// render renders one block, or nil when it has nothing to show.
func (r *Renderer) render(c *fiber.Ctx, b *Block) (templ.Component, error) {
	p := views.BlockProps{ID: b.ID.String(), Kind: b.Kind, Title: b.Title}
	switch b.Kind {
	case KindText:
		el, _ := render.Sanitize(render.Element{Type: render.TypeMarkup, Format: b.Format, Text: b.Body})
		p.Content = theme.Tree(r.blocks.Theme(), el)
	case KindListing:
		if r.listings == nil {
			return nil, nil
		}
		title, content, err := r.listings.Render(c, b.Listing)
		if err != nil || content == nil {
			return nil, err
		}
		if p.Title == "" {
			p.Title = title
		}
		p.Content = content
	default:
		return nil, nil
	}
	if p.Title == NoTitle {
		p.Title = ""
	}
	return views.Block(p), nil
}
