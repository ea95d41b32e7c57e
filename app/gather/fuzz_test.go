package gather

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/trovato/trovato/app/errs"
)

// FuzzBuild feeds random definitions and page numbers: each is either
// rejected as invalid, or builds a statement whose text contains no value
// or field name from the definition (they are all bind parameters).
// Run longer with: go test ./app/gather -run=^$ -fuzz=FuzzBuild -fuzztime=60s
func FuzzBuild(f *testing.F) {
	f.Add(`{"base_types":["page"],"filters":[{"field":"title","op":"contains","value":"a'b"}],"sorts":[{"field":"field_x","direction":"asc"}],"pager":{"items_per_page":10}}`, 0)
	f.Add(`{"base_types":["page","article"],"filters":[{"field":"field_n","op":">","value":1.5}],"pager":{"items_per_page":200}}`, 3)
	f.Add(`{"base_types":["x"],"filters":[{"field":"status","op":"=","value":true}],"pager":{"items_per_page":1}}`, -1)
	f.Add(`{"base_types":["x"],"filters":[{"field":"created","op":"<=","value":"2024-01-01"}],"pager":{"items_per_page":1}}`, 1)
	f.Fuzz(func(t *testing.T, raw string, page int) {
		d, err := Parse(json.RawMessage(raw))
		if err != nil {
			if !errs.Is(err, errs.Invalid) {
				t.Fatalf("Parse error without the invalid class: %v", err)
			}
			return
		}
		q, err := Build(d, Viewer{}, page%1000)
		if err != nil {
			if !errs.Is(err, errs.Invalid) {
				t.Fatalf("Build error without the invalid class: %v", err)
			}
			return
		}
		if n := strings.Count(q.SQL, "$"); n < len(q.Args) {
			t.Fatalf("%d placeholders for %d args", n, len(q.Args))
		}
		for _, f := range d.Filters {
			if s, ok := f.Value.(string); ok && len(s) > 3 && strings.Contains(q.SQL, s) {
				t.Fatalf("value %q reached the SQL text", s)
			}
			if _, base := baseColumns[f.Field]; !base && strings.Contains(q.SQL, f.Field) {
				t.Fatalf("field name %q reached the SQL text", f.Field)
			}
		}
		if !strings.Contains(q.SQL, "i.status") {
			t.Fatalf("anonymous listing without the published check:\n%s", q.SQL)
		}
	})
}
