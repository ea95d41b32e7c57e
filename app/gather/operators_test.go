package gather

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/trovato/trovato/app/errs"
)

// testSchema is the article type of seedArticles.
var testSchema = Schema{
	"field_tags":   {Type: "category_reference", Vocabulary: "tags"},
	"field_rating": {Type: "integer"},
	"field_price":  {Type: "decimal"},
	"field_day":    {Type: "date"},
	"field_at":     {Type: "datetime"},
	"field_body":   {Type: "text_long"},
	"field_flag":   {Type: "boolean"},
	"field_parent": {Type: "item_reference"},
	"field_color":  {Type: "list", Allowed: []Option{{Value: "red", Label: "Red"}, {Value: "blue", Label: "Blue"}}},
	"field_site":   {Type: "link"},
}

// The SQL each operator builds: the expected condition shape, with every
// value and field name in the arguments.
func TestOperatorSQL(t *testing.T) {
	term := uuid.MustParse("0190a4c1-0000-7000-8000-000000000001")
	cases := []struct {
		name string
		f    Filter
		want []string // fragments of the SQL
		args []any    // values that must be among the arguments
	}{
		{"text equals uses containment", Filter{Field: "field_color", Op: "=", Value: "red"},
			[]string{"i.fields @> ANY($"}, []any{[]string{`{"field_color":[{"value":"red"}]}`}}},
		{"text not equals", Filter{Field: "field_color", Op: "!=", Value: "red"}, []string{"NOT (i.fields @> ANY("}, nil},
		{"text less than", Filter{Field: "field_color", Op: "<", Value: "m"}, []string{"->> 'value') < $", "::text"}, []any{"field_color", "m"}},
		{"number greater or equal", Filter{Field: "field_rating", Op: ">=", Value: 3.0}, []string{"gather_numeric(i.fields -> $", ">= $", "::numeric"}, []any{3.0}},
		{"number equals", Filter{Field: "field_price", Op: "=", Value: "2.5"}, []string{"gather_numeric(", " = $"}, []any{2.5}},
		{"number between", Filter{Field: "field_rating", Op: "between", Value: []any{2.0, 4.0}}, []string{" BETWEEN $", "::numeric AND $"}, []any{2.0, 4.0}},
		{"number in", Filter{Field: "field_rating", Op: "in", Value: []any{1.0, 5.0}}, []string{"= ANY($", "::numeric[])"}, []any{[]float64{1, 5}}},
		{"number not in", Filter{Field: "field_rating", Op: "not_in", Value: []any{1.0}}, []string{"NOT (gather_numeric("}, nil},
		{"contains", Filter{Field: "field_body", Op: "contains", Value: "Go"}, []string{"strpos(lower(", "lower($"}, []any{"Go"}},
		{"starts with", Filter{Field: "title", Op: "starts_with", Value: "Art"}, []string{"starts_with(lower(i.title::text), lower($"}, []any{"Art"}},
		{"title in", Filter{Field: "title", Op: "in", Value: []any{"A", "B"}}, []string{"i.title = ANY($", "::text[])"}, []any{[]string{"A", "B"}}},
		{"type not in", Filter{Field: "type", Op: "not_in", Value: []any{"page"}}, []string{"NOT (i.type = ANY("}, nil},
		{"empty", Filter{Field: "field_tags", Op: "empty"}, []string{"NOT coalesce((i.fields -> $", "@> '[{}]', false)"}, []any{"field_tags"}},
		{"not empty", Filter{Field: "field_body", Op: "not_empty"}, []string{"coalesce((i.fields -> $"}, nil},
		{"has term joins the term index", Filter{Field: "field_tags", Op: "has_term", Value: term.String()},
			[]string{"JOIN category_index ct1 ON ct1.item_id = i.id AND ct1.term_id = $", "::uuid AND ct1.field = $"},
			[]any{term.String(), "field_tags"}},
		{"has one of terms reads the term index", Filter{Field: "field_tags", Op: "has_term", Value: []any{term.String(), term.String()}},
			[]string{"i.id IN (SELECT ci.item_id FROM category_index ci WHERE ci.term_id = ANY($", "::uuid[]) AND ci.field = $"},
			[]any{[]string{term.String(), term.String()}, "field_tags"}},
		{"has term or descendants", Filter{Field: "field_tags", Op: "has_term_or_descendants", Value: []any{term.String()}},
			[]string{"i.id IN (SELECT ci.item_id FROM category_index ci WHERE ci.term_id = ANY(category_term_family($", "::uuid[])"},
			[]any{[]string{term.String()}}},
		{"term equals is has term", Filter{Field: "field_tags", Op: "=", Value: term.String()}, []string{"JOIN category_index ct1 ON"}, nil},
		{"term not in", Filter{Field: "field_tags", Op: "not_in", Value: []any{term.String()}}, []string{"NOT (i.id IN (SELECT ci.item_id FROM category_index"}, nil},
		{"full text on title", Filter{Field: "title", Op: "fulltext", Value: "quick fox"},
			[]string{"to_tsvector('english', i.title) @@ websearch_to_tsquery('english', $"}, []any{"quick fox"}},
		{"full text on a text field", Filter{Field: "field_body", Op: "fulltext", Value: "fox"}, []string{"jsonb_path_query_array(i.fields -> $"}, nil},
		{"created after", Filter{Field: "created", Op: ">", Value: "2024-01-01"}, []string{"i.created > $", "::timestamptz"},
			[]any{time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{"created in a year", Filter{Field: "created", Op: "year", Value: 2024.0}, []string{"i.created >= $", "i.created < $"},
			[]any{time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{"date field year", Filter{Field: "field_day", Op: "year", Value: "2023"}, []string{">= $", "< $"}, []any{"2023-01-01", "2024-01-01"}},
		{"date field before", Filter{Field: "field_day", Op: "<", Value: "2024-02-01T10:00:00Z"}, []string{"< $"}, []any{"2024-02-01"}},
		{"datetime field", Filter{Field: "field_at", Op: ">=", Value: "2024-02-01T10:00:00+02:00"}, nil, []any{"2024-02-01T08:00:00Z"}},
		{"boolean", Filter{Field: "field_flag", Op: "=", Value: true}, []string{"i.fields @> ANY("}, []any{[]string{`{"field_flag":[{"value":true}]}`}}},
		{"status", Filter{Field: "status", Op: "!=", Value: false}, []string{"i.status <> $", "::boolean"}, nil},
		{"item reference", Filter{Field: "field_parent", Op: "in", Value: []any{term.String()}}, nil,
			[]any{[]string{`{"field_parent":[{"target_id":"` + term.String() + `"}]}`}}},
		{"link compares its uri", Filter{Field: "field_site", Op: "=", Value: "https://x"}, nil, []any{[]string{`{"field_site":[{"uri":"https://x"}]}`}}},
		{"author", Filter{Field: "author", Op: "=", Value: "admin"}, []string{"u.name = $", "::citext"}, []any{"admin"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := &Definition{BaseTypes: []string{"article"}, Filters: []Filter{tc.f}, Pager: Pager{ItemsPerPage: 10}}
			q, err := BuildRequest(d, Viewer{}, Request{Schema: testSchema})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(q.SQL, w) {
					t.Errorf("SQL lacks %q:\n%s", w, q.SQL)
				}
			}
			for _, a := range tc.args {
				if !slices.ContainsFunc(q.Args, func(x any) bool { return fmt.Sprint(x) == fmt.Sprint(a) }) {
					t.Errorf("args lack %v: %v", a, q.Args)
				}
			}
			if _, base := baseColumns[tc.f.Field]; !base && strings.Contains(q.SQL, tc.f.Field) {
				t.Errorf("field name %s reached the SQL:\n%s", tc.f.Field, q.SQL)
			}
		})
	}
}

// A stage listing reads term filters from the (staged) JSONB fields, since
// category_index holds Live's values only.
func TestTermFiltersInAStageReadTheFields(t *testing.T) {
	term := uuid.MustParse("0190a4c1-0000-7000-8000-000000000001").String()
	for _, f := range []Filter{
		{Field: "field_tags", Op: "has_term", Value: term},
		{Field: "field_tags", Op: "has_term_or_descendants", Value: []any{term}},
		{Field: "field_tags", Op: "not_in", Value: []any{term}},
	} {
		d := &Definition{BaseTypes: []string{"article"}, Filters: []Filter{f}, Pager: Pager{ItemsPerPage: 10}}
		q, err := BuildRequest(d, Viewer{Stage: []string{"spring"}}, Request{Schema: testSchema})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(q.SQL, "category_index") || strings.Contains(q.SQL, "category_term_family") || !strings.Contains(q.SQL, "i.fields @> ANY(") {
			t.Errorf("%s in a stage:\n%s", f.Op, q.SQL)
		}
	}
}

// Operators that do not fit the field's type, and values that do not fit
// it, are refused with a message naming the problem.
func TestOperatorTypeChecks(t *testing.T) {
	cases := []struct {
		f    Filter
		want string
	}{
		{Filter{Field: "field_flag", Op: "<", Value: true}, "< does not apply to field_flag (a true/false field)"},
		{Filter{Field: "field_rating", Op: "contains", Value: "1"}, "contains does not apply to field_rating (a number field)"},
		{Filter{Field: "field_tags", Op: "<", Value: "x"}, "does not apply to field_tags (a category field)"},
		{Filter{Field: "field_color", Op: "has_term", Value: "x"}, "has term does not apply"},
		{Filter{Field: "field_rating", Op: "=", Value: "many"}, "Enter a number."},
		{Filter{Field: "field_tags", Op: "has_term", Value: "5"}, "Choose a category term."},
		{Filter{Field: "created", Op: ">", Value: "yesterday"}, "Enter a date like 2024-05-31."},
		{Filter{Field: "created", Op: "year", Value: "20x4"}, "Enter a year like 2024."},
		{Filter{Field: "field_rating", Op: "between", Value: 3.0}, "between takes two values"},
		{Filter{Field: "field_rating", Op: "in", Value: []any{}}, "in needs at least one value"},
		{Filter{Field: "title", Op: "empty"}, "title is never empty"},
		{Filter{Field: "type", Op: "fulltext", Value: "x"}, "full text search applies to the title and text fields"},
		{Filter{Field: "field_color", Op: "fulltext", Value: "x"}, "full text search applies to the title and text fields"},
		{Filter{Field: "status", Op: "=", Value: "maybe"}, "Enter true or false."},
		{Filter{Field: "field_rating", Op: "=", Value: nil}, "equals needs a value"},
	}
	for _, tc := range cases {
		d := &Definition{BaseTypes: []string{"article"}, Filters: []Filter{tc.f}, Pager: Pager{ItemsPerPage: 10}}
		_, err := BuildRequest(d, Viewer{}, Request{Schema: testSchema})
		if !errs.Is(err, errs.Invalid) || !strings.Contains(errs.Public(err), tc.want) {
			t.Errorf("%+v: err = %v, want invalid saying %q", tc.f, err, tc.want)
		}
	}
}

// Exposed filters read only their own identifiers; bad input is reported
// per input key.
func TestExposedInput(t *testing.T) {
	d := &Definition{BaseTypes: []string{"article"}, Pager: Pager{ItemsPerPage: 10}, Filters: []Filter{
		{Field: "field_tags", Op: "has_term", Expose: &Expose{Identifier: "field_tags", Label: "Tag", Widget: "select", Vocabulary: "tags"}},
		{Field: "created", Op: "year", Expose: &Expose{Identifier: "year", Label: "Year", Widget: "text"}},
		{Field: "field_color", Op: "=", Expose: &Expose{Identifier: "color", Label: "Color", Widget: "select",
			Options: []Option{{Value: "red", Label: "Red"}}}},
		{Field: "created", Op: "between", Expose: &Expose{Identifier: "when", Label: "When", Widget: "date_range"}},
		{Field: "field_flag", Op: "=", Expose: &Expose{Identifier: "flagged", Label: "Flagged", Widget: "checkbox"}},
	}}
	base, err := BuildRequest(d, Viewer{}, Request{Schema: testSchema})
	if err != nil {
		t.Fatal(err)
	}
	q, err := BuildRequest(d, Viewer{}, Request{Schema: testSchema, Input: map[string]string{
		"year": "2024", "color": "red", "when_from": "2024-03-01", "flagged": "1", "field_tags": "",
		"sql": "DROP TABLE item", "page": "3"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Args) <= len(base.Args) {
		t.Errorf("input added no conditions: %v", q.Args)
	}
	for _, a := range q.Args {
		if fmt.Sprint(a) == "DROP TABLE item" {
			t.Errorf("an undeclared key was read: %v", q.Args)
		}
	}
	if !slices.ContainsFunc(q.Args, func(a any) bool { return fmt.Sprint(a) == fmt.Sprint(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)) }) {
		t.Errorf("date range start missing: %v", q.Args)
	}
	_, err = BuildRequest(d, Viewer{}, Request{Schema: testSchema, Input: map[string]string{
		"year": "soon", "color": "green", "when_to": "31/12/2024", "field_tags": "five"}})
	got := errs.FieldsOf(err)
	want := map[string]string{"year": "Enter a year like 2024.", "color": "Choose one of the listed values.",
		"when_to": "Enter a date like 2024-05-31.", "field_tags": "Choose a category term."}
	for k, msg := range want {
		if got[k] != msg {
			t.Errorf("input %s: message %q, want %q (all: %v)", k, got[k], msg, got)
		}
	}
}

// Every operator runs on the real schema against seeded articles and
// returns the rows it should.
func TestOperatorsAgainstData(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	s := NewService(pool)
	ids := seedArticles(t, pool)
	schema, err := s.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if schema["field_tags"].Vocabulary != "tags" || schema["field_color"].Allowed[0].Value != "red" {
		t.Fatalf("schema not loaded from item_type: %+v", schema)
	}
	cases := []struct {
		name string
		f    Filter
		want string // titles in title order
	}{
		{"no filter", Filter{Field: "status", Op: "=", Value: true}, "A1,A2,A3,A4,A5"},
		{"equals text", Filter{Field: "field_color", Op: "=", Value: "red"}, "A1,A3,A5"},
		{"not equals", Filter{Field: "field_color", Op: "!=", Value: "red"}, "A2,A4"},
		{"less", Filter{Field: "field_rating", Op: "<", Value: 3.0}, "A1,A2"},
		{"less or equal", Filter{Field: "field_rating", Op: "<=", Value: 3.0}, "A1,A2,A3"},
		{"greater", Filter{Field: "field_rating", Op: ">", Value: 3.0}, "A4,A5"},
		{"greater or equal", Filter{Field: "field_rating", Op: ">=", Value: 3.0}, "A3,A4,A5"},
		{"decimal stored as text", Filter{Field: "field_price", Op: ">", Value: 2.0}, "A3,A4,A5"},
		{"between", Filter{Field: "field_rating", Op: "between", Value: []any{2.0, 4.0}}, "A2,A3,A4"},
		{"in numbers", Filter{Field: "field_rating", Op: "in", Value: []any{1.0, 5.0}}, "A1,A5"},
		{"not in", Filter{Field: "field_color", Op: "not_in", Value: []any{"red"}}, "A2,A4"},
		{"contains", Filter{Field: "field_body", Op: "contains", Value: "FOX"}, "A1,A2,A5"},
		{"starts with", Filter{Field: "field_body", Op: "starts_with", Value: "the"}, "A1,A3"},
		{"empty", Filter{Field: "field_tags", Op: "empty"}, "A5"},
		{"not empty", Filter{Field: "field_tags", Op: "not_empty"}, "A1,A2,A3,A4"},
		{"has term", Filter{Field: "field_tags", Op: "has_term", Value: ids["news"]}, "A1"},
		{"has term or descendants", Filter{Field: "field_tags", Op: "has_term_or_descendants", Value: ids["news"]}, "A1,A2,A3"},
		{"has one of terms", Filter{Field: "field_tags", Op: "has_term", Value: []any{ids["city"], ids["sport"]}}, "A3,A4"},
		{"not has term", Filter{Field: "field_tags", Op: "!=", Value: ids["sport"]}, "A1,A2,A5"},
		{"full text title", Filter{Field: "title", Op: "fulltext", Value: "A3"}, "A3"},
		{"full text body", Filter{Field: "field_body", Op: "fulltext", Value: "jumping foxes -lazy"}, "A2"},
		{"boolean", Filter{Field: "field_flag", Op: "=", Value: true}, "A2,A4"},
		{"date year", Filter{Field: "field_day", Op: "year", Value: 2023.0}, "A1,A2"},
		{"date before", Filter{Field: "field_day", Op: "<", Value: "2024-03-01"}, "A1,A2,A3"},
		{"datetime after", Filter{Field: "field_at", Op: ">", Value: "2024-01-03T12:00:00Z"}, "A4,A5"},
		{"created year", Filter{Field: "created", Op: "year", Value: 2020.0}, "A1"},
		{"item reference", Filter{Field: "field_parent", Op: "=", Value: ids["A1"]}, "A2,A3"},
		{"title equals", Filter{Field: "title", Op: "=", Value: "A4"}, "A4"},
		{"title in", Filter{Field: "title", Op: "in", Value: []any{"A4", "A2"}}, "A2,A4"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := &Definition{BaseTypes: []string{"article"}, Filters: []Filter{tc.f}, Sorts: []Sort{{Field: "title", Direction: "asc"}},
				Pager: Pager{ItemsPerPage: 50}}
			res, err := s.RunRequest(ctx, d, Viewer{SeesUnpublished: true}, Request{Schema: schema})
			if err != nil {
				t.Fatal(err)
			}
			if got := titlesOf(res); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}

	t.Run("sorts", func(t *testing.T) {
		for _, tc := range []struct {
			sorts []Sort
			want  string
		}{
			{[]Sort{{Field: "field_rating", Direction: "desc"}}, "A5,A4,A3,A2,A1"},
			{[]Sort{{Field: "field_price", Direction: "asc"}}, "A1,A2,A3,A4,A5"}, // numeric, not text: "10.5" after "9"
			{[]Sort{{Field: "sticky", Direction: "desc"}, {Field: "title", Direction: "desc"}}, "A5,A3,A4,A2,A1"},
			{[]Sort{{Field: "created", Direction: "asc"}}, "A1,A2,A3,A4,A5"},
			{[]Sort{{Field: "changed", Direction: "desc"}}, "A5,A4,A3,A2,A1"},
			{[]Sort{{Field: "field_tags", Direction: "asc"}, {Field: "title", Direction: "asc"}}, ""}, // runs; order by uuid text
		} {
			d := &Definition{BaseTypes: []string{"article"}, Sorts: tc.sorts, Pager: Pager{ItemsPerPage: 50}}
			res, err := s.RunRequest(ctx, d, Viewer{SeesUnpublished: true}, Request{Schema: schema})
			if err != nil {
				t.Fatal(err)
			}
			if got := titlesOf(res); tc.want != "" && got != tc.want {
				t.Errorf("%+v: got %s, want %s", tc.sorts, got, tc.want)
			}
		}
	})

	t.Run("relationship", func(t *testing.T) {
		d := &Definition{BaseTypes: []string{"article"}, Pager: Pager{ItemsPerPage: 50},
			Relationships: []Relationship{{ID: "parent", Field: "field_parent", Required: true}},
			Filters:       []Filter{{Relationship: "parent", Field: "field_color", Op: "=", Value: "red"}},
			Sorts:         []Sort{{Relationship: "parent", Field: "title", Direction: "asc"}, {Field: "title", Direction: "asc"}},
			Fields:        []Show{{Field: "title"}, {Relationship: "parent", Field: "title"}}}
		res, err := s.RunRequest(ctx, d, Viewer{SeesUnpublished: true}, Request{Schema: schema})
		if err != nil {
			t.Fatal(err)
		}
		if got := titlesOf(res); got != "A2,A3" {
			t.Fatalf("got %s", got)
		}
		if p := res.Rows[0].Related["parent"]; p == nil || p.Title != "A1" {
			t.Errorf("related item not loaded: %+v", res.Rows[0].Related)
		}
		// A referenced item the viewer may not see is not joined.
		if _, err := pool.Exec(ctx, `UPDATE item SET status = false WHERE title = 'A1'`); err != nil {
			t.Fatal(err)
		}
		res, err = s.RunRequest(ctx, d, Viewer{}, Request{Schema: schema})
		if err != nil {
			t.Fatal(err)
		}
		if got := titlesOf(res); got != "" {
			t.Errorf("anonymous joined an unpublished item: %s", got)
		}
		if _, err := pool.Exec(ctx, `UPDATE item SET status = true WHERE title = 'A1'`); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("path argument", func(t *testing.T) {
		d := &Definition{BaseTypes: []string{"article"}, Pager: Pager{ItemsPerPage: 50}, Sorts: []Sort{{Field: "title", Direction: "asc"}},
			Arguments: []Argument{{Name: "tag", Field: "field_tags", Op: "has_term_or_descendants"}},
			Display:   Display{Path: "/tagged/{tag}"}}
		res, err := s.RunRequest(ctx, d, Viewer{}, Request{Schema: schema, Args: map[string]string{"tag": ids["local"]}})
		if err != nil {
			t.Fatal(err)
		}
		if got := titlesOf(res); got != "A2,A3" {
			t.Errorf("got %s", got)
		}
		_, err = s.RunRequest(ctx, d, Viewer{}, Request{Schema: schema, Args: map[string]string{"tag": "x' OR 1=1"}})
		if !errs.Is(err, errs.NotFound) {
			t.Errorf("bad argument: err = %v, want not found", err)
		}
	})

	t.Run("full pager", func(t *testing.T) {
		d := &Definition{BaseTypes: []string{"article"}, Pager: Pager{Type: "full", ItemsPerPage: 2}, Sorts: []Sort{{Field: "title", Direction: "asc"}}}
		res, err := s.RunRequest(ctx, d, Viewer{SeesUnpublished: true}, Request{Schema: schema, Page: 2})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 5 || res.Pages != 3 || titlesOf(res) != "A5" || res.HasNext {
			t.Errorf("total %d pages %d rows %s next %v", res.Total, res.Pages, titlesOf(res), res.HasNext)
		}
		res, err = s.RunRequest(ctx, &Definition{BaseTypes: []string{"article"}, Pager: Pager{ItemsPerPage: 2}}, Viewer{}, Request{Schema: schema})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != -1 || !res.HasNext {
			t.Errorf("mini pager counted (%d) or has no next page", res.Total)
		}
	})

	t.Run("exposed date range includes its last day", func(t *testing.T) {
		d := &Definition{BaseTypes: []string{"article"}, Pager: Pager{ItemsPerPage: 50}, Sorts: []Sort{{Field: "title", Direction: "asc"}},
			Filters: []Filter{{Field: "field_at", Op: "between", Expose: &Expose{Identifier: "at", Label: "At", Widget: "date_range"}}}}
		res, err := s.RunRequest(ctx, d, Viewer{}, Request{Schema: schema, Input: map[string]string{"at_from": "2024-01-02", "at_to": "2024-01-03"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := titlesOf(res); got != "A2,A3" {
			t.Errorf("got %s", got)
		}
	})
}

func titlesOf(res *Result) string {
	var out []string
	for _, r := range res.Rows {
		out = append(out, r.Title)
	}
	return strings.Join(out, ",")
}

// seedArticles makes a tags vocabulary (news > local > city, and sport) and
// five articles A1..A5; it returns term and item ids by name.
func seedArticles(t *testing.T, pool *pgxpool.Pool) map[string]string {
	t.Helper()
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	fields := []map[string]any{
		{"name": "field_tags", "type": "category_reference", "settings": map[string]any{"vocabulary": "tags"}},
		{"name": "field_rating", "type": "integer"}, {"name": "field_price", "type": "decimal"},
		{"name": "field_day", "type": "date"}, {"name": "field_at", "type": "datetime"},
		{"name": "field_body", "type": "text_long"}, {"name": "field_flag", "type": "boolean"},
		{"name": "field_parent", "type": "item_reference"},
		{"name": "field_color", "type": "list", "settings": map[string]any{"allowed_values": []any{
			map[string]any{"value": "red", "label": "Red"}, map[string]any{"value": "blue", "label": "Blue"}}}},
	}
	settings, _ := json.Marshal(map[string]any{"fields": fields})
	exec(`INSERT INTO item_type (type, label, settings) VALUES ('article', 'Article', $1)`, settings)
	exec(`INSERT INTO category_vocabulary (id, label) VALUES ('tags', 'Tags')`)
	ids := map[string]string{}
	for _, name := range []string{"news", "local", "city", "sport"} {
		id := uuid.Must(uuid.NewV7())
		ids[name] = id.String()
		exec(`INSERT INTO category_term (id, vocabulary_id, name) VALUES ($1, 'tags', $2)`, id, name)
	}
	exec(`INSERT INTO category_term_parent (term_id, parent_id) VALUES ($1, $2), ($3, $1)`, ids["local"], ids["news"], ids["city"])
	type art struct {
		tags          []string
		rating        int
		price, day    string
		at, body      string
		flag, sticky  bool
		color, parent string
	}
	arts := []art{
		{[]string{"news"}, 1, "1.5", "2023-05-01", "2024-01-01T10:00:00Z", "The quick brown fox", false, false, "red", ""},
		{[]string{"local"}, 2, "2", "2023-12-31", "2024-01-02T10:00:00Z", "Jumping foxes everywhere", true, false, "blue", "A1"},
		{[]string{"city", "sport"}, 3, "9", "2024-02-29", "2024-01-03T10:00:00Z", "the lazy dog jumps", false, true, "red", "A1"},
		{[]string{"sport"}, 4, "10.5", "2024-03-01", "2024-01-04T10:00:00Z", "Nothing here", true, false, "blue", ""},
		{nil, 5, "11", "2025-01-01", "2024-01-05T10:00:00Z", "A lazy fox", false, true, "red", ""},
	}
	for i, a := range arts {
		title := fmt.Sprintf("A%d", i+1)
		id := uuid.Must(uuid.NewV7())
		ids[title] = id.String()
		f := map[string]any{
			"field_rating": []map[string]any{{"value": a.rating}},
			"field_price":  []map[string]any{{"value": a.price}},
			"field_day":    []map[string]any{{"value": a.day}},
			"field_at":     []map[string]any{{"value": a.at}},
			"field_body":   []map[string]any{{"value": a.body, "format": "plain_text"}},
			"field_flag":   []map[string]any{{"value": a.flag}},
			"field_color":  []map[string]any{{"value": a.color}},
		}
		var tags []map[string]any
		for _, tg := range a.tags {
			tags = append(tags, map[string]any{"target_id": ids[tg]})
		}
		if tags != nil {
			f["field_tags"] = tags
		}
		if a.parent != "" {
			f["field_parent"] = []map[string]any{{"target_id": ids[a.parent]}}
		}
		doc, _ := json.Marshal(f)
		created := time.Date(2020+i, 6, 1, 0, 0, 0, 0, time.UTC)
		exec(`INSERT INTO item (id, type, title, author_id, fields, sticky, created, changed) VALUES ($1, 'article', $2, $3, $4, $5, $6, $6)`,
			id, title, uuid.Nil, doc, a.sticky, created)
	}
	return ids
}
