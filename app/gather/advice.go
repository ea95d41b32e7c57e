package gather

// Index advice: the preview's query plan tells a site builder when a
// listing filters or sorts on a JSONB field that has no materialized
// column, and offers to materialize it (materialize.go): the JSONB
// benchmark's decision (docs/benchmarks.md) in the builder's hands.

import (
	"context"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"

	"github.com/trovato/trovato/app/web"
	"github.com/trovato/trovato/views"
)

// explain returns the statement's plan (EXPLAIN without ANALYZE: the
// preview never runs a listing twice).
func (a *Admin) explain(ctx context.Context, q Query) (string, error) {
	var lines []string
	err := pgx.BeginTxFunc(ctx, a.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, guardSQL, statementTimeout); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "EXPLAIN "+q.SQL, q.Args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l string
			if err := rows.Scan(&l); err != nil {
				return err
			}
			lines = append(lines, l)
		}
		return rows.Err()
	})
	return strings.Join(lines, "\n"), err
}

// Advice is what the preview says about one JSONB field the listing reads
// without a materialized column.
type Advice struct {
	Field       string
	Column      string
	Message     string
	Statement   string // what the column job runs
	Status      string // the column's state, if one was asked for
	Error       string // why its build failed
	Materialize bool   // offer to materialize it
}

// readsFields reports a plan that reads the JSONB fields column to filter
// or sort, or scans the item table sequentially.
func readsFields(plan string) bool {
	if strings.Contains(plan, "Seq Scan on item ") {
		return true
	}
	for _, line := range strings.Split(plan, "\n") {
		line = strings.TrimSpace(line)
		for _, p := range []string{"Sort Key:", "Filter:", "Recheck Cond:", "Index Cond:", "Join Filter:"} {
			if strings.HasPrefix(line, p) && strings.Contains(line, "fields") {
				return true
			}
		}
	}
	return false
}

// indexAdvice lists, when the plan reads fields to filter or sort (or scans
// item sequentially), each field of the base item the listing sorts by or
// filters on (comparison, range, equality, term) that could have a
// materialized column and has no ready one: with a Materialize offer, or
// the state of the column already asked for.
func indexAdvice(d *Definition, plan string, schema Schema) []Advice {
	if !readsFields(plan) {
		return nil
	}
	type use struct{ field, how string }
	var uses []use
	for _, s := range d.Sorts {
		if s.Relationship == "" {
			uses = append(uses, use{s.Field, "sorts by"})
		}
	}
	for _, f := range d.Filters {
		switch f.Op {
		case "empty", "not_empty", "fulltext":
			continue
		}
		if f.Relationship == "" {
			uses = append(uses, use{f.Field, "filters on"})
		}
	}
	seen := map[string]bool{}
	var out []Advice
	for _, u := range uses {
		info := schema[u.field]
		if seen[u.field] || info.Column != "" {
			continue
		}
		seen[u.field] = true
		kind, err := checkMaterializable(u.field, schema)
		if err != nil {
			continue
		}
		col := columnName(u.field)
		add, indexes := columnStatements(u.field, kind)
		a := Advice{Field: u.field, Column: col, Status: info.ColumnStatus, Error: info.ColumnError,
			Statement: add + ";\n" + strings.Join(indexes, ";\n") + ";"}
		switch info.ColumnStatus {
		case ColumnPending, ColumnBuilding:
			a.Message = fmt.Sprintf("The materialized column %s of %s is %s; the preview reads it once it is ready.", col, u.field, info.ColumnStatus)
		case ColumnDropping:
			a.Message = fmt.Sprintf("The materialized column %s of %s is being dropped.", col, u.field)
		default:
			a.Materialize = true
			a.Message = fmt.Sprintf("The plan %s %s through the JSONB fields column. Materialize %s: a column %s that PostgreSQL "+
				"computes from fields, with its index, serves it, as the JSONB benchmark decided. %s",
				u.how, u.field, u.field, col, views.GatherLockWarning)
			if info.ColumnStatus == ColumnFailed {
				a.Message = "Materializing " + u.field + " failed; you may try again. " + a.Message
			}
		}
		out = append(out, a)
	}
	return out
}

// adviceViews are the props of the preview's advice
// (views.GatherAdviceList).
func adviceViews(list []Advice) []views.GatherColumnAdvice {
	out := make([]views.GatherColumnAdvice, 0, len(list))
	for _, a := range list {
		out = append(out, views.GatherColumnAdvice{Field: a.Field, Column: a.Column, Message: a.Message, Statement: a.Statement,
			Status: a.Status, Error: a.Error, Materialize: a.Materialize})
	}
	return out
}

// CreateIndex serves POST /admin/gather/index: field is materialized (or,
// with op=drop, its column dropped) by a River job (materialize.go); the
// answer says it is queued, and /admin/gather/columns follows its state.
// The field must be one a column can serve.
func (a *Admin) CreateIndex(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	ctx := c.UserContext()
	field := c.FormValue("field")
	var msg string
	if c.FormValue("op") == "drop" {
		col, err := a.gather.Dematerialize(ctx, field)
		if err != nil {
			return err
		}
		msg = fmt.Sprintf("Listings stopped reading %s; the column is dropped in the background.", col.Name)
	} else {
		col, err := a.gather.Materialize(ctx, field)
		if err != nil {
			return err
		}
		msg = fmt.Sprintf("Materializing %s as the column %s: queued. The item table is locked while the column is added; "+
			"the preview reads the column once it is ready.", field, col.Name)
	}
	if web.IsPartial(c) {
		return web.Render(c, fiber.StatusAccepted, views.GatherIndexStarted(msg))
	}
	if err := a.pages.Sessions.Flash(c, msg); err != nil {
		return err
	}
	return c.Redirect(columnsURL, fiber.StatusSeeOther)
}
