package gather

import (
	"context"
	"maps"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/trovato/trovato/app/pg"
	"github.com/trovato/trovato/app/testenv"
)

// FuzzMaterializedSame feeds random filters and sorts on the materialized
// fields of seedMaterialized's items (field, operator, value, second
// value, sort field, direction): each listing that builds returns the same
// rows in the same order from the JSONB expressions and from the columns
// (term filters: from category_index).
// Run longer with: go test ./app/gather -run=^$ -fuzz=FuzzMaterializedSame -fuzztime=60s
func FuzzMaterializedSame(f *testing.F) {
	f.Add(0, 2, "3", "7", 1, true)
	f.Add(1, 0, "red", "", 0, false)
	f.Add(1, 8, "Re", "", 1, true)
	f.Add(2, 11, "2024", "", 2, false)
	f.Add(2, 6, "2023-07-01", "2024-02-29", 2, true)
	f.Add(3, 12, matTerms[2], matTerms[0], 3, false)
	f.Add(3, 10, matTerms[1], matTerms[3], 0, true)
	f.Add(0, 9, "n/a", "100", 4, false)

	pool, err := pg.Connect(context.Background(), testenv.Database(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(pool.Close)
	s := NewService(pool)
	var withCols, jsonb Schema

	fields := []string{"field_rating", "field_color", "field_when", "field_tags", "title"}
	ops := []string{"=", "!=", "<", "<=", ">", ">=", "between", "in", "contains", "starts_with", "not_in", "year", "has_term", "has_term_or_descendants"}
	f.Fuzz(func(t *testing.T, field, op int, v1, v2 string, sortField int, asc bool) {
		ctx := context.Background()
		if withCols == nil {
			seedMaterialized(t, pool)
			newTestRunner(t, pool, s)
			for _, f := range fields[:4] {
				if _, err := s.Materialize(ctx, f); err != nil {
					t.Fatal(err)
				}
				if err := s.RunColumnJob(ctx, f, false); err != nil {
					t.Fatal(err)
				}
			}
			if withCols, err = s.Schema(ctx); err != nil {
				t.Fatal(err)
			}
			jsonb = maps.Clone(withCols)
			for k, info := range jsonb {
				info.Column = ""
				jsonb[k] = info
			}
		}
		if len(v1) > 40 || len(v2) > 40 {
			return
		}
		fl := Filter{Field: fields[pick(field, 4)], Op: ops[pick(op, len(ops))]}
		var val any = v1
		switch fl.Op {
		case "between", "in", "not_in", "has_term":
			val = []any{v1, v2}
		}
		fl.Value = val
		dir := "desc"
		if asc {
			dir = "asc"
		}
		d := &Definition{BaseTypes: []string{"thing"}, Filters: []Filter{fl},
			Sorts: []Sort{{Field: fields[pick(sortField, len(fields))], Direction: dir}}, Pager: Pager{ItemsPerPage: 100}}
		if d.Validate() != nil {
			return
		}
		run := func(schema Schema, jsonbTerms bool) ([]uuid.UUID, string, error) {
			q, err := BuildRequest(d, Viewer{}, Request{Schema: schema, jsonbTerms: jsonbTerms})
			if err != nil {
				return nil, "", err
			}
			res, err := s.Exec(ctx, d, q)
			if err != nil {
				t.Fatalf("%v\n%s %v", err, q.SQL, q.Args)
			}
			out := []uuid.UUID{}
			for _, r := range res.Rows {
				out = append(out, r.ID)
			}
			return out, q.SQL, nil
		}
		want, _, errJ := run(jsonb, true)
		got, sql, errC := run(withCols, false)
		if (errJ == nil) != (errC == nil) {
			t.Fatalf("JSONB error %v, columns error %v", errJ, errC)
		}
		if errJ != nil {
			return
		}
		if !strings.Contains(sql, ".m_") && !strings.Contains(sql, "category_index") {
			t.Fatalf("the listing reads no column:\n%s", sql)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%+v sorted %s %s: columns give other rows (-jsonb +columns):\n%s", fl, d.Sorts[0].Field, dir, diff)
		}
	})
}

// pick maps any int onto 0..n-1.
func pick(i, n int) int { return int(uint(i) % uint(n)) }
