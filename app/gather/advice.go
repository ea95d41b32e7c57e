package gather

// Index advice: the preview's query plan tells a site builder when a JSONB
// field used for sorting or range filtering has no index, and offers to
// build one.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"

	"github.com/trovato/trovato/app/errs"
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

// Advice is an expression index the preview suggests.
type Advice struct {
	Field     string
	Message   string
	Statement string
}

// indexStatement is the CREATE INDEX statement for a JSONB field's first
// value, typed as the builder reads it. field must match fieldName: it is
// the only non-constant text, and that pattern admits no quote.
func indexStatement(field string, schema Schema) string {
	b := &builder{schema: schema}
	expr := "(fields -> '" + field + "' -> 0 ->> " + b.prop(field) + ")"
	if fieldKinds[schema[field].Type] == kNumber {
		expr = "gather_numeric" + expr
	}
	return "CREATE INDEX CONCURRENTLY IF NOT EXISTS item_" + strings.TrimPrefix(field, "field_") + "_expr ON item (" + expr + ")"
}

// indexAdvice says which expression index would serve a JSONB field used
// for sorting or as a range filter when the plan does the work without an
// index: a Sort node whose key reads fields, a Filter that reads fields, or
// a sequential scan of the item table.
func indexAdvice(d *Definition, plan string, schema Schema) []Advice {
	var sortedByFields, filteredOnFields bool
	seq := strings.Contains(plan, "Seq Scan on item ")
	for _, line := range strings.Split(plan, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "Sort Key:") && strings.Contains(line, "fields") {
			sortedByFields = true
		}
		if strings.HasPrefix(line, "Filter:") && strings.Contains(line, "fields") {
			filteredOnFields = true
		}
	}
	seen := map[string]bool{}
	var out []Advice
	add := func(field, use string) {
		if seen[field] || !fieldName.MatchString(field) {
			return
		}
		seen[field] = true
		stmt := indexStatement(field, schema)
		out = append(out, Advice{Field: field, Statement: stmt + ";",
			Message: fmt.Sprintf("The plan %s %s without an index (a sequential scan or a sort of every match). An expression index serves it:", use, field)})
	}
	if sortedByFields || seq {
		for _, s := range d.Sorts {
			if s.Relationship == "" {
				add(s.Field, "sorts by")
			}
		}
	}
	if filteredOnFields || seq {
		for _, f := range d.Filters {
			switch f.Op {
			case "<", "<=", ">", ">=", "between", "year":
				if f.Relationship == "" {
					add(f.Field, "compares")
				}
			}
		}
	}
	return out
}

// CreateIndex serves POST /admin/gather/index: it starts building the
// expression index the preview advised for a field, CONCURRENTLY (writes
// to items go on) and in the background (a large table takes a while);
// the server log says when it is done. The field must be a field of a
// content type.
func (a *Admin) CreateIndex(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	field := c.FormValue("field")
	schema, err := a.gather.Schema(c.UserContext())
	if err != nil {
		return err
	}
	if _, ok := schema[field]; !ok || !fieldName.MatchString(field) {
		return errs.New(errs.Invalid, "%q is not a field of any content type.", field)
	}
	stmt := indexStatement(field, schema)
	log := a.pages.Log
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		start := time.Now()
		// Exec without arguments uses the simple protocol: no transaction
		// block, as CREATE INDEX CONCURRENTLY requires.
		if _, err := a.pool.Exec(ctx, stmt); err != nil {
			if log != nil {
				log.Error("create expression index", "statement", stmt, "error", err)
			}
			return
		}
		if log != nil {
			log.Info("expression index created", "statement", stmt, "took", time.Since(start).String())
		}
	}()
	msg := "Building the index for " + field + " in the background: " + stmt + ". The preview's plan shows it once it is ready."
	if web.IsPartial(c) {
		return web.Render(c, fiber.StatusAccepted, views.GatherIndexStarted(msg))
	}
	if err := a.pages.Sessions.Flash(c, msg); err != nil {
		return err
	}
	return c.Redirect(adminURL, fiber.StatusSeeOther)
}
