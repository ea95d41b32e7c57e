package gather

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/pg"
	"github.com/trovato/trovato/app/testenv"
)

// FuzzBuild feeds random definitions, random query strings (exposed filter
// input) and page numbers. Each is either rejected with an Invalid or
// NotFound error that has a message, or builds a statement whose text
// contains no field name and no value from the definition or the query
// string (they are all bind parameters; the SQL has no ";" of its own, so a
// value with one would show) and that runs on the real schema, with
// seeded articles, without a database error.
// Run longer with: go test ./app/gather -run=^$ -fuzz=FuzzBuild -fuzztime=60s
func FuzzBuild(f *testing.F) {
	f.Add(`{"base_types":["page"],"filters":[{"field":"title","op":"contains","value":"a'b"}],"sorts":[{"field":"field_x","direction":"asc"}],"pager":{"items_per_page":10}}`, "", 0)
	f.Add(`{"base_types":["page","article"],"filters":[{"field":"field_n","op":">","value":1.5}],"pager":{"items_per_page":200}}`, "", 3)
	f.Add(`{"base_types":["x"],"filters":[{"field":"status","op":"=","value":true}],"pager":{"items_per_page":1}}`, "", -1)
	f.Add(`{"base_types":["x"],"filters":[{"field":"created","op":"<=","value":"2024-01-01"}],"pager":{"items_per_page":1}}`, "", 1)
	f.Add(`{"base_types":["article"],"filters":[{"field":"field_tags","op":"has_term_or_descendants","expose":{"identifier":"field_tags","label":"Tag","widget":"select","vocabulary":"tags"}},{"field":"created","op":"year","expose":{"identifier":"year","label":"Year","widget":"text"}}],"pager":{"type":"full","items_per_page":2}}`,
		"field_tags=0190a4c1-0000-7000-8000-000000000001&year=2024&x=1", 1)
	f.Add(`{"base_types":["article"],"filters":[{"field":"field_rating","op":"between","expose":{"identifier":"r","label":"R","widget":"date_range"}}],"pager":{"items_per_page":5}}`,
		"r_from=2024-01-01&r_to=2024-12-31", 0)
	f.Add(`{"base_types":["article"],"relationships":[{"id":"p","field":"field_parent"}],"filters":[{"relationship":"p","field":"field_body","op":"fulltext","value":"fox & (dog"}],"sorts":[{"relationship":"p","field":"field_price","direction":"desc"}],"pager":{"items_per_page":5}}`, "", 0)
	f.Add(`{"base_types":["article"],"filters":[{"field":"field_price","op":"in","value":[1,"2",3.5]},{"field":"field_day","op":"empty"},{"field":"field_body","op":"starts_with","value":"%_\\"}],"pager":{"items_per_page":5}}`, "", 0)
	f.Add(`{"base_types":["article"],"filters":[{"field":"field_flag","op":"=","expose":{"identifier":"f","label":"F","widget":"checkbox"}}],"pager":{"items_per_page":5}}`, "f=1&f=0", 0)

	pool, err := pg.Connect(context.Background(), testenv.Database(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(pool.Close)
	s := NewService(pool)
	seeded := false

	f.Fuzz(func(t *testing.T, raw, query string, page int) {
		if !seeded {
			seedArticles(t, pool)
			seeded = true
		}
		d, err := Parse(json.RawMessage(raw))
		if err != nil {
			if !errs.Is(err, errs.Invalid) || errs.Public(err) == "" {
				t.Fatalf("Parse error without the invalid class or a message: %v", err)
			}
			return
		}
		values, _ := url.ParseQuery(query)
		input := map[string]string{}
		for k := range values {
			input[k] = values.Get(k)
		}
		q, err := BuildRequest(d, Viewer{}, Request{Page: page % 1000, Input: input, Schema: testSchema})
		if err != nil {
			if (!errs.Is(err, errs.Invalid) && !errs.Is(err, errs.NotFound)) || errs.Public(err) == "" {
				t.Fatalf("Build error without a class or a message: %v", err)
			}
			return
		}
		if n := strings.Count(q.SQL, "$"); n < len(q.Args) {
			t.Fatalf("%d placeholders for %d args", n, len(q.Args))
		}
		for _, f := range d.Filters {
			if s, ok := f.Value.(string); ok && strings.Contains(s, ";") && strings.Contains(q.SQL, s) {
				t.Fatalf("value %q reached the SQL text", s)
			}
			if _, base := baseColumns[f.Field]; !base && strings.Contains(q.SQL, f.Field) {
				t.Fatalf("field name %q reached the SQL text", f.Field)
			}
		}
		for _, v := range input {
			if strings.Contains(v, ";") && strings.Contains(q.SQL, v) {
				t.Fatalf("input %q reached the SQL text", v)
			}
		}
		if !strings.Contains(q.SQL, "i.status") {
			t.Fatalf("anonymous listing without the published check:\n%s", q.SQL)
		}
		if _, err := s.Exec(context.Background(), d, q); err != nil {
			t.Fatalf("built SQL failed to run: %v\n%s\n%v", err, q.SQL, q.Args)
		}
	})
}
