package gather

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/pg"
	"github.com/trovato/trovato/app/testenv"
)

func validDef() *Definition {
	return &Definition{
		BaseTypes: []string{"page"},
		Filters:   []Filter{{Field: "status", Op: "=", Value: true}},
		Sorts:     []Sort{{Field: "created", Direction: "desc"}},
		Pager:     Pager{Type: "mini", ItemsPerPage: 10},
		Display:   Display{Path: "/recent-pages"},
	}
}

func TestParseRejectsBadDefinitionsClearly(t *testing.T) {
	cases := []struct {
		name, json, want string
	}{
		{"not json", `{`, "not valid JSON"},
		{"unknown key", `{"base_types":["page"],"pager":{"items_per_page":1},"sql":"DROP TABLE item"}`, "unknown field"},
		{"no types", `{"base_types":[],"pager":{"items_per_page":10}}`, "base_types: name at least one"},
		{"bad type", `{"base_types":["page; DROP"],"pager":{"items_per_page":10}}`, "not a content type machine name"},
		{"bad sort field", `{"base_types":["page"],"sorts":[{"field":"i.id) --","direction":"asc"}],"pager":{"items_per_page":10}}`, `unknown field "i.id) --"`},
		{"bad direction", `{"base_types":["page"],"sorts":[{"field":"created","direction":"sideways"}],"pager":{"items_per_page":10}}`, "direction must be asc or desc"},
		{"bad operator", `{"base_types":["page"],"filters":[{"field":"title","op":"LIKE","value":"x"}],"pager":{"items_per_page":10}}`, `unknown operator "LIKE"`},
		{"object value", `{"base_types":["page"],"filters":[{"field":"title","op":"=","value":{"a":1}}],"pager":{"items_per_page":10}}`, "value must be"},
		{"page size", `{"base_types":["page"],"pager":{"items_per_page":100000}}`, "items_per_page must be between 1 and 200"},
		{"bad path", `{"base_types":["page"],"pager":{"items_per_page":10},"display":{"path":"recent pages"}}`, "must look like /some-path"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(json.RawMessage(tc.json))
			if !errs.Is(err, errs.Invalid) {
				t.Fatalf("err = %v, want an invalid-definition error", err)
			}
			if !strings.Contains(errs.Public(err), tc.want) {
				t.Errorf("message %q does not say %q", errs.Public(err), tc.want)
			}
		})
	}
}

// Every value travels as a bind parameter and no field name appears in the
// SQL text; access is part of the WHERE clause.
func TestBuildParameterizesEverything(t *testing.T) {
	d := validDef()
	evil := `x'); DROP TABLE item; --`
	d.Filters = append(d.Filters,
		Filter{Field: "title", Op: "contains", Value: evil},
		Filter{Field: "field_subtitle", Op: "=", Value: evil},
		Filter{Field: "field_rating", Op: ">=", Value: 3.0},
	)
	d.Sorts = append(d.Sorts, Sort{Field: "field_weight", Direction: "asc"})
	me := uuid.Must(uuid.NewV7())
	q, err := Build(d, Viewer{ID: me}, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{evil, "DROP", "field_subtitle", "field_rating", "field_weight"} {
		if strings.Contains(q.SQL, s) {
			t.Errorf("SQL text contains %q:\n%s", s, q.SQL)
		}
	}
	found := map[string]bool{}
	for _, a := range q.Args {
		found[fmt.Sprint(a)] = true
	}
	for _, want := range []string{evil, "field_weight", me.String(), "11", "20"} {
		if !found[want] {
			t.Errorf("args lack %q: %v", want, q.Args)
		}
	}
	if q.Limit != 10 {
		t.Errorf("limit %d", q.Limit)
	}
}

func TestBuildRejectsMismatchedValues(t *testing.T) {
	for _, f := range []Filter{
		{Field: "status", Op: ">", Value: true},
		{Field: "title", Op: "=", Value: true},
		{Field: "created", Op: "=", Value: 3.0},
		{Field: "field_x", Op: "contains", Value: 1.0},
	} {
		d := validDef()
		d.Filters = []Filter{f}
		if _, err := Build(d, Viewer{}, 0); !errs.Is(err, errs.Invalid) {
			t.Errorf("%+v: err = %v, want invalid", f, err)
		}
	}
}

// The built statements run on the real schema for every operator and value
// kind, so the SQL the builder writes is valid, not just parameterized.
func TestBuiltQueriesRun(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	s := NewService(pool)
	seedItems(t, pool)
	cases := []struct {
		filters []Filter
		want    int
	}{
		{nil, 5},
		{[]Filter{{Field: "title", Op: "contains", Value: "ITEM 3"}}, 1},
		{[]Filter{{Field: "title", Op: "=", Value: "Item 2"}}, 1},
		{[]Filter{{Field: "field_rating", Op: ">=", Value: 3.0}}, 3},
		{[]Filter{{Field: "field_rating", Op: "<", Value: 3.0}}, 2},
		{[]Filter{{Field: "field_color", Op: "=", Value: "red"}}, 3},
		{[]Filter{{Field: "field_color", Op: "!=", Value: "red"}}, 2},
		{[]Filter{{Field: "field_color", Op: "contains", Value: "BLU"}}, 2},
		{[]Filter{{Field: "field_flag", Op: "=", Value: true}}, 2},
		{[]Filter{{Field: "created", Op: ">", Value: "2000-01-01T00:00:00Z"}}, 5},
		{[]Filter{{Field: "sticky", Op: "=", Value: false}}, 5},
		{[]Filter{{Field: "title", Op: "=", Value: "x'); DROP TABLE item; --"}}, 0},
	}
	for i, tc := range cases {
		d := &Definition{BaseTypes: []string{"thing"}, Filters: tc.filters, Sorts: []Sort{{Field: "field_rating", Direction: "desc"}},
			Pager: Pager{ItemsPerPage: 50}}
		res, err := s.Run(ctx, d, Viewer{SeesUnpublished: true}, 0)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if len(res.Rows) != tc.want {
			t.Errorf("case %d %+v: %d rows, want %d", i, tc.filters, len(res.Rows), tc.want)
		}
	}
	// Mini pager: limit+1 rows fetched, HasNext set, pages do not overlap.
	d := &Definition{BaseTypes: []string{"thing"}, Sorts: []Sort{{Field: "title", Direction: "asc"}}, Pager: Pager{ItemsPerPage: 2}}
	var seen []string
	for page := 0; ; page++ {
		res, err := s.Run(ctx, d, Viewer{SeesUnpublished: true}, page)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res.Rows {
			seen = append(seen, r.Title)
		}
		if !res.HasNext {
			break
		}
	}
	if got := strings.Join(seen, ","); got != "Item 1,Item 2,Item 3,Item 4,Item 5" {
		t.Errorf("paged through %s", got)
	}
}

func testPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool, err := pg.Connect(context.Background(), testenv.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func seedItems(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `INSERT INTO item_type (type, label) VALUES ('thing', 'Thing')`); err != nil {
		t.Fatal(err)
	}
	colors := []string{"red", "blue", "red", "light blue", "red"}
	for i := 1; i <= 5; i++ {
		fields := map[string]any{
			"field_rating": []map[string]any{{"value": i}},
			"field_color":  []map[string]any{{"value": colors[i-1]}},
			"field_flag":   []map[string]any{{"value": i%2 == 0}},
		}
		doc, _ := json.Marshal(fields)
		_, err := pool.Exec(ctx, `INSERT INTO item (id, type, title, author_id, fields) VALUES ($1, 'thing', $2, $3, $4)`,
			uuid.Must(uuid.NewV7()), fmt.Sprintf("Item %d", i), uuid.Nil, doc)
		if err != nil {
			t.Fatal(err)
		}
	}
}

// A listing row carries only the fields its display shows (of the base
// item and of each related item), with their stored values; a definition
// showing nothing (a plugin's item query) carries every field.
func TestRowsCarryTheShownFields(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	ids := seedArticles(t, pool)
	s := NewService(pool)
	schema, err := s.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d := &Definition{BaseTypes: []string{"article"}, Relationships: []Relationship{{ID: "p", Field: "field_parent"}},
		Fields: []Show{{Field: "title"}, {Field: "field_color"}, {Field: "field_tags"}, {Field: "field_color"},
			{Field: "field_body", Relationship: "p"}, {Field: "title", Relationship: "p"}},
		Filters: []Filter{{Field: "title", Op: "=", Value: "A3"}}, Pager: Pager{ItemsPerPage: 5}}
	res, err := s.RunRequest(ctx, d, Viewer{}, Request{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 1 || res.Rows[0].Related["p"] == nil {
		t.Fatalf("rows %+v", res.Rows)
	}
	r := res.Rows[0]
	want := map[string][]map[string]any{
		"field_color": {{"value": "red"}},
		"field_tags":  {{"target_id": ids["city"]}, {"target_id": ids["sport"]}},
	}
	if diff := cmp.Diff(want, r.Fields); diff != "" {
		t.Errorf("row fields (-want +got):\n%s", diff)
	}
	wantRel := map[string][]map[string]any{"field_body": {{"value": "The quick brown fox", "format": "plain_text"}}}
	if diff := cmp.Diff(wantRel, r.Related["p"].Fields); diff != "" {
		t.Errorf("related fields (-want +got):\n%s", diff)
	}

	d.Fields = []Show{{Field: "title"}, {Field: "created"}}
	res, err = s.RunRequest(ctx, d, Viewer{}, Request{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 1 || len(res.Rows[0].Fields) != 0 || len(res.Rows[0].Related["p"].Fields) != 0 {
		t.Errorf("a display of titles and dates carries fields: %+v", res.Rows)
	}

	d.Fields = nil
	res, err = s.RunRequest(ctx, d, Viewer{}, Request{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 1 || len(res.Rows[0].Fields) != 9 || res.Rows[0].Fields["field_rating"][0]["value"] != 3.0 {
		t.Errorf("a definition showing nothing does not carry every field: %+v", res.Rows)
	}
}

// A stage listing's has_term_or_descendants reads the families the request
// carries (the stage's hierarchy, expanded in Go) as containment documents
// and never Live's category_term_parent; without them the builder reports
// the terms to expand (RunRequest builds again with their families) and
// walks Live's hierarchy. Live listings neither report nor read families.
func TestStageTermFamilies(t *testing.T) {
	parent, child, other := uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String()
	d := validDef()
	d.Filters = append(d.Filters, Filter{Field: "field_tags", Op: "has_term_or_descendants", Value: []any{parent, other}})
	schema := Schema{"field_tags": {Type: "category_reference", Vocabulary: "tags"}}
	stage := Viewer{SeesUnpublished: true, Stage: []string{"spring"}}

	q, err := BuildRequest(d, stage, Request{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{parent, other}, q.familyTerms); d != "" {
		t.Errorf("terms to expand (-want +got):\n%s", d)
	}
	if !strings.Contains(q.SQL, "category_term_parent") {
		t.Errorf("without families the stage listing should walk Live's hierarchy:\n%s", q.SQL)
	}

	q, err = BuildRequest(d, stage, Request{Schema: schema, Families: map[string][]string{parent: {parent, child, parent}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(q.familyTerms) != 0 || strings.Contains(q.SQL, "category_term_parent") || strings.Contains(q.SQL, "RECURSIVE") {
		t.Errorf("with families: terms to expand %v, SQL:\n%s", q.familyTerms, q.SQL)
	}
	var docs []string
	for _, a := range q.Args {
		if l, ok := a.([]string); ok && len(l) > 0 && strings.HasPrefix(l[0], "{") {
			docs = l
		}
	}
	want := []string{containment("field_tags", "target_id", parent), containment("field_tags", "target_id", child),
		containment("field_tags", "target_id", other)}
	if d := cmp.Diff(want, docs); d != "" {
		t.Errorf("containment documents (-want +got):\n%s", d)
	}

	q, err = BuildRequest(d, Viewer{SeesUnpublished: true}, Request{Schema: schema, Families: map[string][]string{parent: {child}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(q.familyTerms) != 0 || !strings.Contains(q.SQL, "category_term_family") {
		t.Errorf("Live: terms to expand %v, SQL:\n%s", q.familyTerms, q.SQL)
	}
}
