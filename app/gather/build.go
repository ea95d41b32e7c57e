package gather

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/errs"
)

// Viewer is who the listing is built for; access rules go into the SQL.
type Viewer struct {
	ID              uuid.UUID // uuid.Nil for anonymous
	SeesUnpublished bool      // holds "view unpublished content"
	Stage           []string  // the stage chain read in, nearest first (empty: Live); see stage.go
}

// Query is a built statement: SQL with $n placeholders and its arguments.
type Query struct {
	SQL   string
	Args  []any
	Limit int // rows per page; the statement fetches Limit+1 for the mini pager
}

// selectList is what every listing row carries; the FROM source is
// stage-aware (stage.go).
const selectList = `SELECT i.id, i.type, i.title, i.status, i.sticky, i.created, i.changed, u.name, i.fields`

// builder accumulates SQL text from constants and placeholders only.
type builder struct {
	where []string
	args  []any
}

func (b *builder) arg(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

// Build turns a validated definition into one parameterized statement for
// page (0-based) as seen by viewer.
func Build(d *Definition, v Viewer, page int) (Query, error) {
	if err := d.Validate(); err != nil {
		return Query{}, err
	}
	if page < 0 {
		page = 0
	}
	b := &builder{}
	b.where = append(b.where, "i.type = ANY("+b.arg(d.BaseTypes)+"::text[])")
	if !v.SeesUnpublished {
		if v.ID == uuid.Nil {
			b.where = append(b.where, "i.status")
		} else {
			b.where = append(b.where, "(i.status OR i.author_id = "+b.arg(v.ID)+")")
		}
	}
	for i, f := range d.Filters {
		cond, err := b.filter(f)
		if err != nil {
			return Query{}, errs.New(errs.Invalid, "filters[%d]: %v", i, err)
		}
		b.where = append(b.where, cond)
	}
	var order []string
	for _, s := range d.Sorts {
		dir := " ASC"
		if s.Direction == "desc" {
			dir = " DESC"
		}
		order = append(order, b.expr(s.Field)+dir)
	}
	order = append(order, "i.id DESC") // a stable order keeps pages from overlapping
	limit := d.Pager.ItemsPerPage
	sql := selectList + "\nFROM " + b.source(v.Stage) + " JOIN users u ON u.id = i.author_id" + "\nWHERE " + strings.Join(b.where, "\n  AND ") +
		"\nORDER BY " + strings.Join(order, ", ") +
		"\nLIMIT " + b.arg(limit+1) + " OFFSET " + b.arg(page*limit)
	return Query{SQL: sql, Args: b.args, Limit: limit}, nil
}

// expr is the SQL for a field: an allowlisted column, or the first value of
// a JSONB field whose name travels as a bind parameter.
func (b *builder) expr(field string) string {
	if col, ok := baseColumns[field]; ok {
		return col
	}
	return "(i.fields -> " + b.arg(field) + "::text -> 0 ->> 'value')"
}

func (b *builder) filter(f Filter) (string, error) {
	op := operators[f.Op]
	col, isBase := baseColumns[f.Field]
	switch val := f.Value.(type) {
	case bool:
		if f.Op != "=" && f.Op != "!=" {
			return "", fmt.Errorf("a true/false value takes = or !=")
		}
		if isBase {
			if col != "i.status" && col != "i.sticky" && col != "i.promote" {
				return "", fmt.Errorf("%s is not a true/false property", f.Field)
			}
			return col + " " + op + " " + b.arg(val), nil
		}
		return "(" + b.expr(f.Field) + ")::boolean " + op + " " + b.arg(val), nil
	case float64:
		if f.Op == "contains" {
			return "", fmt.Errorf("contains takes text")
		}
		if isBase {
			return "", fmt.Errorf("%s cannot be compared with a number", f.Field)
		}
		return "(" + b.expr(f.Field) + ")::numeric " + op + " " + b.arg(val), nil
	case string:
		if f.Op == "contains" {
			return "strpos(lower(" + b.expr(f.Field) + "), lower(" + b.arg(val) + "::text)) > 0", nil
		}
		if isBase {
			switch col {
			case "i.created", "i.changed":
				return col + " " + op + " " + b.arg(val) + "::timestamptz", nil
			case "i.title", "i.type":
				return col + " " + op + " " + b.arg(val) + "::text", nil
			}
			return "", fmt.Errorf("%s cannot be compared with text", f.Field)
		}
		if f.Op == "=" {
			// Containment uses the GIN index on fields.
			doc, _ := json.Marshal(map[string][]map[string]string{f.Field: {{"value": val}}})
			return "i.fields @> " + b.arg(string(doc)) + "::jsonb", nil
		}
		return b.expr(f.Field) + " " + op + " " + b.arg(val) + "::text", nil
	}
	return "", fmt.Errorf("unsupported value")
}
