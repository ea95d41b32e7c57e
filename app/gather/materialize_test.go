package gather

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/jobs"
	"github.com/trovato/trovato/views"
)

// Terms of the materialization tests' category field.
var matTerms = []string{
	"0193a000-0000-7000-8000-000000000001", "0193a000-0000-7000-8000-000000000002",
	"0193a000-0000-7000-8000-000000000003", "0193a000-0000-7000-8000-000000000004",
}

// seedMaterialized makes a "thing" type with a number, text, date,
// category and boolean field, and 60 items whose values cover what the
// JSONB expressions and the columns must agree on: missing fields, empty
// lists, several values, a first value without the property, numbers
// stored as text and text that is not a number.
func seedMaterialized(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	settings := `{"fields":[
	  {"name":"field_rating","type":"integer","label":"Rating"},
	  {"name":"field_color","type":"text","label":"Color"},
	  {"name":"field_when","type":"date","label":"When"},
	  {"name":"field_tags","type":"category_reference","label":"Tags"},
	  {"name":"field_flag","type":"boolean","label":"Flag"}]}`
	if _, err := pool.Exec(ctx, `INSERT INTO item_type (type, label, settings) VALUES ('thing', 'Thing', $1)`, settings); err != nil {
		t.Fatal(err)
	}
	colors := []string{"red", "blue", "light blue", "Red", "green", "redwood"}
	base := time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 60; i++ {
		f := map[string]any{}
		switch i % 7 {
		case 0: // no rating
		case 1:
			f["field_rating"] = []map[string]any{{"value": fmt.Sprint(i % 9)}} // a number as text
		case 2:
			f["field_rating"] = []map[string]any{{"value": "n/a"}}
		case 3:
			f["field_rating"] = []map[string]any{}
		default:
			f["field_rating"] = []map[string]any{{"value": i % 9}, {"value": 100}}
		}
		switch i % 5 {
		case 0:
		case 1:
			f["field_color"] = []map[string]any{{"value": colors[i%len(colors)]}, {"value": colors[(i+1)%len(colors)]}}
		case 2:
			f["field_color"] = []map[string]any{{"format": "plain"}, {"value": colors[i%len(colors)]}}
		default:
			f["field_color"] = []map[string]any{{"value": colors[i%len(colors)]}}
		}
		if i%4 != 0 {
			f["field_when"] = []map[string]any{{"value": base.AddDate(0, 0, i*17).Format("2006-01-02")}}
		}
		var tags []map[string]any
		for j := 0; j < i%4; j++ {
			tags = append(tags, map[string]any{"target_id": matTerms[(i+j)%len(matTerms)]})
		}
		if tags != nil {
			f["field_tags"] = tags
		}
		f["field_flag"] = []map[string]any{{"value": i%2 == 0}}
		doc, _ := json.Marshal(f)
		_, err := pool.Exec(ctx, `INSERT INTO item (id, type, title, author_id, status, fields, created) VALUES ($1, 'thing', $2, $3, $4, $5, $6)`,
			uuid.Must(uuid.NewV7()), fmt.Sprintf("Thing %02d", i), uuid.Nil, i%6 != 5, doc, base.Add(time.Duration(i)*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
	}
}

// matDefinitions exercise every operator a column serves, and sorts.
func matDefinitions() map[string]*Definition {
	d := func(filters []Filter, sorts ...Sort) *Definition {
		return &Definition{BaseTypes: []string{"thing"}, Filters: filters, Sorts: sorts, Pager: Pager{Type: "mini", ItemsPerPage: 100}}
	}
	f := func(field, op string, v any) []Filter { return []Filter{{Field: field, Op: op, Value: v}} }
	asc := func(field string) Sort { return Sort{Field: field, Direction: "asc"} }
	desc := func(field string) Sort { return Sort{Field: field, Direction: "desc"} }
	return map[string]*Definition{
		"sort number asc":        d(nil, asc("field_rating")),
		"sort number desc":       d(nil, desc("field_rating"), asc("title")),
		"sort text":              d(nil, asc("field_color")),
		"sort date desc":         d(nil, desc("field_when")),
		"sort term":              d(nil, asc("field_tags")),
		"number =":               d(f("field_rating", "=", 4.0)),
		"number !=":              d(f("field_rating", "!=", 4.0)),
		"number <":               d(f("field_rating", "<", 5.0), desc("field_rating")),
		"number between":         d(f("field_rating", "between", []any{2.0, 6.0})),
		"number in":              d(f("field_rating", "in", []any{1.0, 3.0, 8.0})),
		"number not in":          d(f("field_rating", "not_in", []any{1.0, 3.0})),
		"text =":                 d(f("field_color", "=", "red"), asc("field_color")),
		"text !=":                d(f("field_color", "!=", "red")),
		"text in":                d(f("field_color", "in", []any{"blue", "green"})),
		"text not in":            d(f("field_color", "not_in", []any{"blue", "green"})),
		"text contains":          d(f("field_color", "contains", "RED")),
		"text starts with":       d(f("field_color", "starts_with", "light")),
		"text >=":                d(f("field_color", ">=", "l")),
		"date year":              d(f("field_when", "year", 2024.0), asc("field_when")),
		"date >":                 d(f("field_when", ">", "2024-03-01")),
		"date =":                 d(f("field_when", "=", "2023-06-18")),
		"date between":           d(f("field_when", "between", []any{"2023-09-01", "2024-01-31"})),
		"term has":               d(f("field_tags", "has_term", matTerms[1])),
		"term in":                d(f("field_tags", "in", []any{matTerms[0], matTerms[3]})),
		"term !=":                d(f("field_tags", "!=", matTerms[2])),
		"term or descendants":    d(f("field_tags", "has_term_or_descendants", matTerms[2])),
		"term and number sorted": d(append(f("field_tags", "has_term", matTerms[0]), Filter{Field: "field_rating", Op: ">=", Value: 2.0}), desc("field_rating")),
		"empty":                  d(f("field_color", "empty", nil)),
	}
}

// ids runs def for an administrator (Live, or in stage) and returns the
// row ids in order, with the SQL.
func ids(t *testing.T, s *Service, def *Definition, stage []string) ([]uuid.UUID, string) {
	t.Helper()
	return listIDs(t, s, def, Viewer{Stage: stage}, false)
}

// listIDs runs def for v, with Live term filters on the JSONB fields if
// jsonbTerms (else on category_index), and returns the row ids in order,
// with the SQL.
func listIDs(t *testing.T, s *Service, def *Definition, v Viewer, jsonbTerms bool) ([]uuid.UUID, string) {
	t.Helper()
	ctx := context.Background()
	schema, err := s.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r := Request{Schema: schema, jsonbTerms: jsonbTerms}
	q, err := BuildRequest(def, v, r)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.RunRequest(ctx, def, v, r)
	if err != nil {
		t.Fatalf("%v\n%s", err, q.SQL)
	}
	out := []uuid.UUID{}
	for _, r := range res.Rows {
		out = append(out, r.ID)
	}
	return out, q.SQL
}

func newTestRunner(t *testing.T, pool *pgxpool.Pool, s *Service) *jobs.Runner {
	t.Helper()
	r, err := jobs.New(jobs.Config{Pool: pool, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), CronInterval: -1,
		Columns: s.RunColumnJob})
	if err != nil {
		t.Fatal(err)
	}
	s.UseColumnQueue(r)
	return r
}

// Every listing gives the same rows in the same order from the JSONB
// expressions and from materialized columns (and, for term filters, from
// category_index); stage listings, which cannot
// read the columns, still run; dropping the columns goes back to JSONB.
func TestMaterializedColumnsGiveTheSameRows(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	seedMaterialized(t, pool)
	s := NewService(pool)
	s.dropDelay = 0
	if err := s.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	newTestRunner(t, pool, s) // enqueues only; the test runs the jobs itself
	defs := matDefinitions()
	before := map[string][]uuid.UUID{}
	for name, d := range defs {
		got, sql := listIDs(t, s, d, Viewer{}, true)
		if strings.Contains(sql, ".m_") || strings.Contains(sql, "category_index") {
			t.Fatalf("%s reads a column before any exists:\n%s", name, sql)
		}
		before[name] = got
	}
	if len(before["text ="]) == 0 || len(before["term has"]) == 0 || len(before["number between"]) == 0 || len(before["date year"]) == 0 {
		t.Fatalf("the seed leaves filters empty: %v", before)
	}

	fields := []string{"field_rating", "field_color", "field_when", "field_tags"}
	for _, f := range fields {
		col, err := s.Materialize(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if col.Status != ColumnPending {
			t.Errorf("%s: status %s after Materialize", f, col.Status)
		}
		if err := s.RunColumnJob(ctx, f, false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Materialize(ctx, "field_flag"); err == nil {
		t.Error("a boolean field was materialized")
	}
	if _, err := s.Materialize(ctx, "field_rating"); err == nil {
		t.Error("a ready column was materialized twice")
	}
	schema, err := s.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fields {
		if schema[f].Column != columnName(f) {
			t.Errorf("%s: schema column %q (status %s %s)", f, schema[f].Column, schema[f].ColumnStatus, schema[f].ColumnError)
		}
	}
	for name, d := range defs {
		got, sql := ids(t, s, d, nil)
		// Term filters read category_index (migrations/00015) in Live,
		// column or not.
		if want := "i.m_"; strings.HasPrefix(name, "term ") && !strings.Contains(sql, "category_index") ||
			!strings.HasPrefix(name, "term ") && name != "empty" && !strings.Contains(sql, want) {
			t.Errorf("%s does not read a column or the term index:\n%s", name, sql)
		}
		if diff := cmp.Diff(before[name], got); diff != "" {
			t.Errorf("%s: columns give other rows than JSONB (-jsonb +columns):\n%s", name, diff)
		}
		staged, sql := ids(t, s, d, []string{"spring"})
		if strings.Contains(sql, ".m_") {
			t.Errorf("%s in a stage reads a column:\n%s", name, sql)
		}
		if diff := cmp.Diff(before[name], staged); diff != "" {
			t.Errorf("%s in a stage (no staged changes): other rows (-live +stage):\n%s", name, diff)
		}
	}

	// A save recomputes the column: the new value is found through it.
	var id uuid.UUID
	if err := pool.QueryRow(ctx, `UPDATE item SET fields = jsonb_set(fields, '{field_color}', '[{"value":"ultraviolet"}]')
		WHERE id = (SELECT id FROM item WHERE status ORDER BY id LIMIT 1) RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	got, _ := ids(t, s, &Definition{BaseTypes: []string{"thing"}, Filters: []Filter{{Field: "field_color", Op: "=", Value: "ultraviolet"}},
		Pager: Pager{ItemsPerPage: 10}}, nil)
	if diff := cmp.Diff([]uuid.UUID{id}, got); diff != "" {
		t.Errorf("after a save: %s", diff)
	}

	for _, f := range fields {
		if _, err := s.Dematerialize(ctx, f); err != nil {
			t.Fatal(err)
		}
		if err := s.RunColumnJob(ctx, f, true); err != nil {
			t.Fatal(err)
		}
	}
	var left int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM information_schema.columns WHERE table_name = 'item' AND column_name LIKE 'm\_%')
		+ (SELECT count(*) FROM gather_column)`).Scan(&left); err != nil || left != 0 {
		t.Errorf("after dropping: %d columns or rows left (%v)", left, err)
	}
	got, sql := ids(t, s, defs["number between"], nil)
	if strings.Contains(sql, ".m_") || len(got) == 0 {
		t.Errorf("after dropping: %d rows from\n%s", len(got), sql)
	}
}

// The preview's flow: a plan that scans item for a JSONB sort and range
// gets "Materialize" advice with the lock warning; Materialize enqueues a
// River job; the running job makes the column ready; the next listing's
// SQL reads the column and the advice is gone.
func TestAdviceMaterializesThroughAJob(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	seedMaterialized(t, pool)
	s := NewService(pool)
	if err := s.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	runner := newTestRunner(t, pool, s)
	if _, err := pool.Exec(ctx, "ANALYZE item"); err != nil {
		t.Fatal(err)
	}
	def := &Definition{BaseTypes: []string{"thing"}, Filters: []Filter{{Field: "field_rating", Op: ">=", Value: 3.0}},
		Sorts: []Sort{{Field: "field_rating", Direction: "desc"}}, Pager: Pager{ItemsPerPage: 10}}
	schema, err := s.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	q, err := BuildRequest(def, Viewer{SeesUnpublished: true}, Request{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	a := &Admin{gather: s, pool: pool}
	plan, err := a.explain(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "Seq Scan on item") {
		t.Fatalf("expected a sequential scan on 60 rows:\n%s", plan)
	}
	advice := indexAdvice(def, plan, schema)
	if len(advice) != 1 || advice[0].Field != "field_rating" || !advice[0].Materialize ||
		!strings.Contains(advice[0].Message, "exclusive lock") || !strings.Contains(advice[0].Statement, "m_rating numeric GENERATED ALWAYS AS") {
		t.Fatalf("advice: %+v", advice)
	}

	var html strings.Builder
	if err := views.GatherAdviceList(adviceViews(advice), "token").Render(ctx, &html); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`data-testid="gather-materialize-field_rating"`, `action="/admin/gather/index"`, "exclusive lock", `value="token"`} {
		if !strings.Contains(html.String(), want) {
			t.Errorf("the advice's HTML lacks %s:\n%s", want, html.String())
		}
	}

	if _, err := s.Materialize(ctx, "field_rating"); err != nil {
		t.Fatal(err)
	}
	var queued int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'gather_column' AND args ->> 'field' = 'field_rating'`).Scan(&queued); err != nil || queued != 1 {
		t.Fatalf("queued jobs: %d (%v)", queued, err)
	}
	schema, _ = s.Schema(ctx)
	if adv := indexAdvice(def, plan, schema); len(adv) != 1 || adv[0].Materialize || adv[0].Status != ColumnPending {
		t.Errorf("advice while pending: %+v", adv)
	}

	if err := runner.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = runner.Stop(stop)
	})
	status := ""
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline) && status != ColumnReady && status != ColumnFailed; time.Sleep(50 * time.Millisecond) {
		if err := pool.QueryRow(ctx, `SELECT status FROM gather_column WHERE field = 'field_rating'`).Scan(&status); err != nil {
			t.Fatal(err)
		}
	}
	if status != ColumnReady {
		var msg string
		_ = pool.QueryRow(ctx, `SELECT error FROM gather_column WHERE field = 'field_rating'`).Scan(&msg)
		t.Fatalf("column status %q: %s", status, msg)
	}
	// The job's node reloaded its own cache; another node's Watch notices.
	other := NewService(pool)
	if err := other.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	for _, node := range []*Service{s, other} {
		schema, err := node.Schema(ctx)
		if err != nil {
			t.Fatal(err)
		}
		q, err := BuildRequest(def, Viewer{SeesUnpublished: true}, Request{Schema: schema})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(q.SQL, "i.m_rating >= ") || !strings.Contains(q.SQL, "ORDER BY i.m_rating DESC") {
			t.Errorf("the listing does not read the column:\n%s", q.SQL)
		}
		if adv := indexAdvice(def, plan, schema); len(adv) != 0 {
			t.Errorf("advice once ready: %+v", adv)
		}
	}
	var indexes int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_index WHERE indexrelid = to_regclass('item_m_rating') AND indisvalid`).Scan(&indexes); err != nil || indexes != 1 {
		t.Errorf("index item_m_rating: %d (%v)", indexes, err)
	}
}

// A build that cannot take its lock fails with a message on the column,
// and may be tried again.
func TestMaterializeFailureIsRecorded(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	seedMaterialized(t, pool)
	s := NewService(pool)
	if err := s.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	newTestRunner(t, pool, s)
	if _, err := s.Materialize(ctx, "field_color"); err != nil {
		t.Fatal(err)
	}
	// A conflicting column of another type makes the index build fail.
	if _, err := pool.Exec(ctx, `ALTER TABLE item ADD COLUMN m_color jsonb`); err != nil {
		t.Fatal(err)
	}
	if err := s.RunColumnJob(ctx, "field_color", false); err == nil {
		t.Fatal("the build succeeded over a conflicting column")
	}
	schema, _ := s.Schema(ctx)
	if info := schema["field_color"]; info.ColumnStatus != ColumnFailed || info.ColumnError == "" || info.Column != "" {
		t.Fatalf("after a failed build: %+v", info)
	}
	if _, err := pool.Exec(ctx, `ALTER TABLE item DROP COLUMN m_color`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Materialize(ctx, "field_color"); err != nil {
		t.Fatalf("trying again: %v", err)
	}
	if err := s.RunColumnJob(ctx, "field_color", false); err != nil {
		t.Fatal(err)
	}
	schema, _ = s.Schema(ctx)
	if schema["field_color"].Column != "m_color" {
		t.Errorf("after trying again: %+v", schema["field_color"])
	}
}

// Text PostgreSQL would refuse with an error (invalid UTF-8, NUL), from
// the query string or a definition, is a validation error, not a 500.
func TestInvalidTextIsRejected(t *testing.T) {
	d := &Definition{BaseTypes: []string{"thing"}, Filters: []Filter{{Field: "field_color", Op: "=",
		Expose: &Expose{Identifier: "color", Label: "Color", Widget: "text"}}}, Pager: Pager{ItemsPerPage: 10}}
	schema := Schema{"field_color": {Type: "text"}}
	for _, bad := range []string{"\xac", "a\x00b"} {
		_, err := BuildRequest(d, Viewer{}, Request{Schema: schema, Input: map[string]string{"color": bad}})
		if got := errs.FieldsOf(err)["color"]; got != "Enter valid text." {
			t.Errorf("exposed %q: %v (%q)", bad, err, got)
		}
		def := &Definition{BaseTypes: []string{"thing"}, Filters: []Filter{{Field: "field_color", Op: "contains", Value: bad}}, Pager: Pager{ItemsPerPage: 10}}
		if _, err := BuildRequest(def, Viewer{}, Request{Schema: schema}); !errs.Is(err, errs.Invalid) {
			t.Errorf("definition value %q: %v", bad, err)
		}
	}
}
