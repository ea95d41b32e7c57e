package gather

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/trovato/trovato/app/db"
)

// Live term filters read category_index (migrations/00015) and give the
// rows the JSONB fields give, for every term operator and viewer, through
// the writes that move items in and out of the index: unpublishing,
// items created in a stage and their publish, deletion, retagging, values
// that are no term id, and a content type whose field becomes a
// category_reference (and stops being one). The term page's query
// (ItemsWithTerms) gives the pages the containment it replaced gives.
func TestTermIndexMatchesFields(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	s := NewService(pool)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	typeSettings := func(fields ...map[string]any) string {
		b, _ := json.Marshal(map[string]any{"fields": fields})
		return string(b)
	}
	tagsField := map[string]any{"name": "field_tags", "type": "category_reference", "settings": map[string]any{"vocabulary": "tags"}}
	areaAs := func(typ string) map[string]any { return map[string]any{"name": "field_area", "type": typ} }
	exec(`INSERT INTO item_type (type, label, settings) VALUES ('article', 'Article', $1)`, typeSettings(tagsField))
	exec(`INSERT INTO item_type (type, label, settings) VALUES ('event', 'Event', $1)`, typeSettings(areaAs("text")))
	exec(`INSERT INTO category_vocabulary (id, label) VALUES ('tags', 'Tags')`)
	term := map[string]string{}
	for _, name := range []string{"news", "local", "city", "sport", "gone"} {
		id := uuid.Must(uuid.NewV7()).String()
		term[name] = id
		exec(`INSERT INTO category_term (id, vocabulary_id, name) VALUES ($1, 'tags', $2)`, id, name)
	}
	exec(`INSERT INTO category_term_parent (term_id, parent_id) VALUES ($1, $2), ($3, $1)`, term["local"], term["news"], term["city"])
	author := uuid.Must(uuid.NewV7())
	exec(`INSERT INTO users (id, name) VALUES ($1, 'writer')`, author)
	exec(`INSERT INTO stage (id, label, parent_id) VALUES ('spring', 'Spring', 'live')`)

	item := map[string]uuid.UUID{}
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	add := func(title, typ string, status bool, stage string, owner uuid.UUID, fields map[string]any) {
		t.Helper()
		id := uuid.Must(uuid.NewV7())
		item[title] = id
		doc, _ := json.Marshal(fields)
		exec(`INSERT INTO item (id, type, title, author_id, status, stage_id, fields, created, changed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
			id, typ, title, owner, status, stage, doc, base.Add(time.Duration(len(item))*time.Hour))
	}
	refs := func(ids ...string) []map[string]any {
		var out []map[string]any
		for _, id := range ids {
			out = append(out, map[string]any{"target_id": id})
		}
		return out
	}
	add("published news", "article", true, "live", uuid.Nil, map[string]any{"field_tags": refs(term["news"])})
	add("draft local", "article", false, "live", author, map[string]any{"field_tags": refs(term["local"])})
	add("draft city of another", "article", false, "live", uuid.Nil, map[string]any{"field_tags": refs(term["city"], term["city"])})
	add("created in spring", "article", true, "spring", uuid.Nil, map[string]any{"field_tags": refs(term["news"])})
	add("deleted sport", "article", true, "live", uuid.Nil, map[string]any{"field_tags": refs(term["sport"])})
	add("retagged", "article", true, "live", uuid.Nil, map[string]any{"field_tags": refs(term["sport"], term["news"])})
	add("untagged", "article", true, "live", uuid.Nil, map[string]any{"field_tags": []any{}})
	add("odd values", "article", true, "live", uuid.Nil, map[string]any{"field_tags": []any{
		map[string]any{"target_id": strings.ToUpper(term["sport"])}, map[string]any{"target_id": 7},
		map[string]any{"value": term["sport"]}}})
	add("deleted term", "article", true, "live", uuid.Nil, map[string]any{"field_tags": refs(term["gone"])})
	add("event in news", "event", true, "live", uuid.Nil, map[string]any{"field_area": refs(term["news"]), "field_tags": refs(term["sport"])})
	add("event in city", "event", false, "live", author, map[string]any{"field_area": refs(term["city"])})

	type check struct {
		field, op string
		value     any
	}
	var checks []check
	for _, field := range []string{"field_tags", "field_area"} {
		for _, name := range []string{"news", "local", "city", "sport", "gone"} {
			for _, op := range []string{"has_term", "has_term_or_descendants", "=", "!="} {
				checks = append(checks, check{field, op, term[name]})
			}
		}
		checks = append(checks, check{field, "in", []any{term["sport"], term["local"]}},
			check{field, "not_in", []any{term["sport"], term["local"]}},
			check{field, "has_term_or_descendants", []any{term["local"], term["sport"]}})
	}
	viewers := map[string]Viewer{"anonymous": {}, "author": {ID: author}, "administrator": {SeesUnpublished: true}}
	compare := func(when string) (rows int) {
		t.Helper()
		schema, err := s.Schema(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range checks {
			if schema[c.field].Type != "category_reference" {
				continue
			}
			d := &Definition{BaseTypes: []string{"article", "event"}, Filters: []Filter{{Field: c.field, Op: c.op, Value: c.value}},
				Sorts: []Sort{{Field: "created", Direction: "desc"}}, Pager: Pager{ItemsPerPage: 50}}
			for vn, v := range viewers {
				want, _ := listIDs(t, s, d, v, true)
				got, sql := listIDs(t, s, d, v, false)
				if !strings.Contains(sql, "category_index") {
					t.Fatalf("%s: a Live term filter does not read category_index:\n%s", when, sql)
				}
				if diff := cmp.Diff(titles(item, want), titles(item, got)); diff != "" {
					t.Errorf("%s, %s %s %v for %s: (-fields +index):\n%s", when, c.field, c.op, c.value, vn, diff)
				}
				rows += len(got)
			}
		}
		// The term page's query (queries/category.sql ItemsWithTerms)
		// against the containment it replaced, page by page.
		q := db.New(pool)
		for _, field := range []string{"field_tags", "field_area"} {
			if schema[field].Type != "category_reference" {
				continue // CategoryFieldNames never names it
			}
			for _, names := range [][]string{{"news"}, {"city"}, {"sport", "local"}, {"news", "local", "city"}} {
				var patterns []string
				for _, n := range names {
					doc, _ := json.Marshal(map[string][]map[string]string{field: {{"target_id": term[n]}}})
					patterns = append(patterns, string(doc))
				}
				if field == "field_area" {
					doc, _ := json.Marshal(map[string][]map[string]string{"field_tags": {{"target_id": term[names[0]]}}})
					patterns = append(patterns, string(doc))
				}
				for _, unpublished := range []bool{false, true} {
					for off := int32(0); off < 8; off += 2 {
						got, err := q.ItemsWithTerms(ctx, db.ItemsWithTermsParams{Patterns: patterns, IncludeUnpublished: unpublished, Lim: 3, Off: off})
						if err != nil {
							t.Fatal(err)
						}
						var gotIDs []uuid.UUID
						for _, r := range got {
							gotIDs = append(gotIDs, r.ID)
						}
						var wantIDs []uuid.UUID
						rs, err := pool.Query(ctx, `SELECT id FROM item WHERE fields @> ANY($1::text[]::jsonb[]) AND (status OR $2)
							AND stage_id = 'live' ORDER BY created DESC, id DESC LIMIT 3 OFFSET $3`, patterns, unpublished, off)
						if err != nil {
							t.Fatal(err)
						}
						for rs.Next() {
							var id uuid.UUID
							if err := rs.Scan(&id); err != nil {
								t.Fatal(err)
							}
							wantIDs = append(wantIDs, id)
						}
						if err := rs.Err(); err != nil {
							t.Fatal(err)
						}
						if diff := cmp.Diff(titles(item, wantIDs), titles(item, gotIDs)); diff != "" {
							t.Errorf("%s, term page %s %v unpublished %v offset %d: (-fields +index):\n%s", when, field, names, unpublished, off, diff)
						}
						rows += len(gotIDs)
					}
				}
			}
		}
		return rows
	}
	has := func(title, field, term string) bool {
		t.Helper()
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM category_index WHERE item_id = $1 AND field = $2 AND term_id = $3`,
			item[title], field, term).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n > 0
	}

	if rows := compare("seeded"); rows == 0 {
		t.Fatal("every listing is empty: the comparison proves nothing")
	}
	if !has("draft local", "field_tags", term["local"]) || !has("draft city of another", "field_tags", term["city"]) {
		t.Error("unpublished items are not indexed")
	}
	if has("created in spring", "field_tags", term["news"]) {
		t.Error("an item created in a stage is indexed before publish")
	}
	if !has("event in news", "field_tags", term["sport"]) {
		t.Error("a category_reference field name is not indexed on a type that does not define it (containment finds it)")
	}
	if has("event in news", "field_area", term["news"]) {
		t.Error("a text field is indexed")
	}

	exec(`DELETE FROM item WHERE id = $1`, item["deleted sport"])
	exec(`UPDATE item SET fields = jsonb_set(fields, '{field_tags}', $2) WHERE id = $1`, item["retagged"], `[{"target_id":"`+term["city"]+`"}]`)
	exec(`UPDATE item SET status = false WHERE id = $1`, item["published news"])
	exec(`UPDATE item SET status = true, created = created - interval '1 year' WHERE id = $1`, item["draft local"])
	exec(`UPDATE item SET stage_id = 'live' WHERE id = $1`, item["created in spring"]) // publish, as app/stage does
	exec(`DELETE FROM category_term WHERE id = $1`, term["gone"])
	compare("after writes")
	exec(`INSERT INTO category_term_parent (term_id, parent_id) VALUES ($1, $2)`, term["news"], term["city"]) // a cycle
	compare("with a cycle in the hierarchy")
	if has("retagged", "field_tags", term["sport"]) || !has("retagged", "field_tags", term["city"]) {
		t.Error("retagging left the old term or missed the new one")
	}
	if !has("created in spring", "field_tags", term["news"]) {
		t.Error("a published stage item is not indexed")
	}
	var stale int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM category_index ci JOIN item i ON i.id = ci.item_id
		WHERE (ci.status, ci.created, ci.type, ci.sticky) IS DISTINCT FROM (i.status, i.created, i.type, i.sticky)`).Scan(&stale); err != nil || stale != 0 {
		t.Errorf("%d index rows disagree with their item (%v)", stale, err)
	}

	// event's field_area becomes a category reference: its rows appear,
	// and Gather (whose schema now calls it one) reads them.
	exec(`UPDATE item_type SET settings = $1 WHERE type = 'event'`, typeSettings(areaAs("category_reference")))
	if !has("event in news", "field_area", term["news"]) || !has("event in city", "field_area", term["city"]) {
		t.Error("a field that became a category_reference is not indexed")
	}
	if rows := compare("field_area a category reference"); rows == 0 {
		t.Fatal("no rows after the field change")
	}
	add("new event", "event", true, "live", uuid.Nil, map[string]any{"field_area": refs(term["local"])})
	compare("new event")
	exec(`UPDATE item_type SET settings = $1 WHERE type = 'event'`, typeSettings(areaAs("text")))
	if has("event in news", "field_area", term["news"]) || has("new event", "field_area", term["local"]) {
		t.Error("a field that stopped being a category_reference is still indexed")
	}

	// The rebuild function recomputes the same rows the triggers keep.
	before := indexRows(t, pool)
	exec(`SELECT category_index_rebuild()`)
	if diff := cmp.Diff(before, indexRows(t, pool)); diff != "" {
		t.Errorf("the triggers' rows differ from a rebuild (-triggers +rebuild):\n%s", diff)
	}
}

// titles maps item ids back to the test's titles, for readable diffs.
func titles(items map[string]uuid.UUID, ids []uuid.UUID) []string {
	out := []string{}
	for _, id := range ids {
		name := id.String()
		for title, x := range items {
			if x == id {
				name = title
			}
		}
		out = append(out, name)
	}
	return out
}

// indexRows is every category_index row as text, in order.
func indexRows(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT concat_ws(' ', term_id, item_id, field, type, status, sticky, created)
		FROM category_index ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("category_index is empty")
	}
	return out
}
