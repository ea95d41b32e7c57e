package gather

import (
	"sort"

	"github.com/gofiber/fiber/v2"

	"github.com/trovato/trovato/app/web"
	"github.com/trovato/trovato/views"
)

// columnsURL is the materialized columns page.
const columnsURL = "/admin/gather/columns"

// ColumnsPage serves GET /admin/gather/columns: every materialized column
// with the state of its job (refreshing itself while one is queued or
// running), drop buttons, and a form to materialize another field, each
// saying before the click that adding a column locks the item table.
func (a *Admin) ColumnsPage(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	ctx := c.UserContext()
	cols, err := a.gather.Columns(ctx)
	if err != nil {
		return err
	}
	schema, err := a.gather.Schema(ctx)
	if err != nil {
		return err
	}
	p := views.GatherColumnsProps{}
	if p.CSRFToken, err = a.pages.Sessions.CSRFToken(c); err != nil {
		return err
	}
	has := map[string]bool{}
	for _, col := range cols {
		has[col.Field] = true
		p.Rows = append(p.Rows, views.GatherColumnRow{Field: col.Field, Label: schema[col.Field].Label, Column: col.Name, Kind: col.Kind,
			Status: col.Status, Error: col.Error, Changed: col.Changed.UTC().Format("2006-01-02 15:04:05 UTC")})
		switch col.Status {
		case ColumnPending, ColumnBuilding, ColumnDropping:
			p.Busy = true
		}
	}
	for field, info := range schema {
		if has[field] {
			continue
		}
		if kind, err := checkMaterializable(field, schema); err == nil {
			p.Fields = append(p.Fields, views.GatherColumnField{Field: field, Label: info.Label, Kind: kind})
		}
	}
	sort.Slice(p.Fields, func(i, j int) bool { return p.Fields[i].Field < p.Fields[j].Field })
	page := views.GatherColumns(p)
	if web.IsPartial(c) {
		return web.Render(c, fiber.StatusOK, page)
	}
	return a.pages.Admin(c, fiber.StatusOK, "structure", "Materialized columns", page)
}
