package jsonbbench

import (
	"fmt"
	"math/rand"
)

// Configuration names (§16 "Index Configurations to Test").
const (
	ConfigGIN          = "gin"
	ConfigExpression   = "gin_expression"
	ConfigMaterialized = "gin_materialized"
)

// config is one index configuration: the DDL that turns the previous
// configuration into this one, and the labels printed in the table.
type config struct {
	name, label string
	setup       []string // run in order, then ANALYZE
}

// ftsExpr is the full-text document of an item: its title and body. The
// expression index of the expression configuration must repeat it exactly.
const ftsExpr = `to_tsvector('english'::regconfig, i.title || ' ' || coalesce(i.fields -> 'field_body' -> 0 ->> 'value', ''))`

// The three configurations. The site schema (migrations/00001_init.sql)
// already has the GIN index on fields (jsonb_path_ops) and btree indexes on
// (type, status, created) and created; "GIN only" is that schema as is.
var configs = []config{
	{name: ConfigGIN, label: "GIN only"},
	{name: ConfigExpression, label: "GIN + expression indexes", setup: []string{
		`CREATE INDEX bench_expr_city ON item ((fields -> 'field_city' -> 0 ->> 'value'))`,
		`CREATE INDEX bench_expr_count ON item (((fields -> 'field_count' -> 0 ->> 'value')::numeric))`,
		`CREATE INDEX bench_expr_type_city_count ON item (type, (fields -> 'field_city' -> 0 ->> 'value'), ((fields -> 'field_count' -> 0 ->> 'value')::numeric) DESC)`,
		`CREATE INDEX bench_expr_fts ON item USING GIN ((to_tsvector('english'::regconfig, title || ' ' || coalesce(fields -> 'field_body' -> 0 ->> 'value', ''))))`,
	}},
	{name: ConfigMaterialized, label: "GIN + materialized columns", setup: []string{
		`DROP INDEX bench_expr_city, bench_expr_count, bench_expr_type_city_count, bench_expr_fts`,
		// One table rewrite adds every generated column.
		`ALTER TABLE item
		   ADD COLUMN m_city text GENERATED ALWAYS AS (fields -> 'field_city' -> 0 ->> 'value') STORED,
		   ADD COLUMN m_count numeric GENERATED ALWAYS AS ((fields -> 'field_count' -> 0 ->> 'value')::numeric) STORED,
		   ADD COLUMN m_search tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, title || ' ' || coalesce(fields -> 'field_body' -> 0 ->> 'value', ''))) STORED`,
		`CREATE INDEX bench_mat_city ON item (m_city)`,
		`CREATE INDEX bench_mat_count ON item (m_count)`,
		`CREATE INDEX bench_mat_type_city_count ON item (type, m_city, m_count DESC)`,
		`CREATE INDEX bench_mat_search ON item USING GIN (m_search)`,
	}},
}

// The select list and join of a Gather listing (app/gather selectList).
const listSelect = `SELECT i.id, i.type, i.title, i.status, i.sticky, i.created, i.changed, u.name, i.fields
FROM item i JOIN users u ON u.id = i.author_id`

// query is one of §16's seven queries: its SQL per configuration (a
// configuration missing from sql uses the GIN-only form) and a function
// drawing fresh parameters for each run.
type query struct {
	id   int
	name string
	sql  map[string]string
	args func(r *rand.Rand, ds *dataset, cfg string) []any
}

func (q query) statement(cfg string) string {
	if s, ok := q.sql[cfg]; ok {
		return s
	}
	return q.sql[ConfigGIN]
}

var allTypes = func() []string {
	var t []string
	for _, c := range contentTypes {
		t = append(t, c.name)
	}
	return t
}()

func pick(r *rand.Rand, ds *dataset) sampled { return ds.sample[r.Intn(len(ds.sample))] }

// The seven queries of §16. Their GIN-only forms are what Gather emits for
// an anonymous visitor (published items only; field names as bind
// parameters; text equality as containment so the GIN index serves it;
// stable order ending in i.id; LIMIT per page + 1 for the mini pager).
var queries = []query{
	{
		id: 1, name: "load one item by id",
		sql: map[string]string{ConfigGIN: `SELECT i.id, i.type, i.title, i.author_id, u.name AS author_name, i.status, i.promote, i.sticky,
       i.stage_id, i.current_revision_id, i.fields, i.created, i.changed
FROM item i JOIN users u ON u.id = i.author_id
WHERE i.id = $1`},
		args: func(r *rand.Rand, ds *dataset, _ string) []any { return []any{pick(r, ds).id} },
	},
	{
		id: 2, name: "25 items of a type by created",
		sql: map[string]string{ConfigGIN: listSelect + `
WHERE i.type = ANY($1::text[]) AND i.status
ORDER BY i.created DESC, i.id DESC
LIMIT $2 OFFSET $3`},
		args: func(r *rand.Rand, ds *dataset, _ string) []any {
			return []any{[]string{pick(r, ds).typ}, 26, 0}
		},
	},
	{
		id: 3, name: "JSONB text field equality",
		sql: map[string]string{
			ConfigGIN: listSelect + `
WHERE i.type = ANY($1::text[]) AND i.status AND i.fields @> $2::jsonb
ORDER BY i.created DESC, i.id DESC
LIMIT 26 OFFSET 0`,
			ConfigExpression: listSelect + `
WHERE i.type = ANY($1::text[]) AND i.status AND (i.fields -> 'field_city' -> 0 ->> 'value') = $2::text
ORDER BY i.created DESC, i.id DESC
LIMIT 26 OFFSET 0`,
			ConfigMaterialized: listSelect + `
WHERE i.type = ANY($1::text[]) AND i.status AND i.m_city = $2::text
ORDER BY i.created DESC, i.id DESC
LIMIT 26 OFFSET 0`,
		},
		args: func(r *rand.Rand, ds *dataset, cfg string) []any {
			city := pick(r, ds).city
			if cfg == ConfigGIN {
				return []any{allTypes, fmt.Sprintf(`{"field_city":[{"value":%q}]}`, city)}
			}
			return []any{allTypes, city}
		},
	},
	{
		id: 4, name: "JSONB integer field range",
		sql: map[string]string{
			ConfigGIN: listSelect + `
WHERE i.type = ANY($1::text[]) AND i.status
  AND (i.fields -> $2::text -> 0 ->> 'value')::numeric >= $3
  AND (i.fields -> $2::text -> 0 ->> 'value')::numeric <= $4
ORDER BY i.created DESC, i.id DESC
LIMIT 26 OFFSET 0`,
			ConfigExpression: listSelect + `
WHERE i.type = ANY($1::text[]) AND i.status
  AND (i.fields -> 'field_count' -> 0 ->> 'value')::numeric >= $2
  AND (i.fields -> 'field_count' -> 0 ->> 'value')::numeric <= $3
ORDER BY i.created DESC, i.id DESC
LIMIT 26 OFFSET 0`,
			ConfigMaterialized: listSelect + `
WHERE i.type = ANY($1::text[]) AND i.status
  AND i.m_count >= $2 AND i.m_count <= $3
ORDER BY i.created DESC, i.id DESC
LIMIT 26 OFFSET 0`,
		},
		// A 1 % window (1,000 of 100,000) around an existing value.
		args: func(r *rand.Rand, ds *dataset, cfg string) []any {
			c := pick(r, ds).count
			lo := max(0, c-r.Intn(countMax/100))
			if cfg == ConfigGIN {
				return []any{allTypes, fieldCount, lo, lo + countMax/100}
			}
			return []any{allTypes, lo, lo + countMax/100}
		},
	},
	{
		id: 5, name: "category reference containment",
		sql: map[string]string{
			ConfigGIN: listSelect + `
WHERE i.type = ANY($1::text[]) AND i.status AND i.fields @> $2::jsonb
ORDER BY i.created DESC, i.id DESC
LIMIT 26 OFFSET 0`,
			// Gather's Live has_term of one term: a join to the schema's
			// category_index (migrations/00015, kept by triggers), not a
			// column; its rows' created (the item's) serves the order.
			ConfigMaterialized: listSelect + `
JOIN category_index ct1 ON ct1.item_id = i.id AND ct1.term_id = $2::uuid AND ct1.field = $3::text
WHERE i.type = ANY($1::text[]) AND i.status
ORDER BY ct1.created DESC, i.id DESC
LIMIT 26 OFFSET 0`,
		},
		args: func(r *rand.Rand, ds *dataset, cfg string) []any {
			tag := pick(r, ds).tag
			if cfg == ConfigMaterialized {
				return []any{allTypes, tag.String(), fieldTags}
			}
			return []any{allTypes, fmt.Sprintf(`{"field_tags":[{"target_id":%q}]}`, tag)}
		},
	},
	{
		id: 6, name: "type + text filter, sort by integer",
		sql: map[string]string{
			ConfigGIN: listSelect + `
WHERE i.type = ANY($1::text[]) AND i.status AND i.fields @> $2::jsonb
ORDER BY (i.fields -> $3::text -> 0 ->> 'value')::numeric DESC, i.id DESC
LIMIT 26 OFFSET 0`,
			ConfigExpression: listSelect + `
WHERE i.type = ANY($1::text[]) AND i.status AND (i.fields -> 'field_city' -> 0 ->> 'value') = $2::text
ORDER BY (i.fields -> 'field_count' -> 0 ->> 'value')::numeric DESC, i.id DESC
LIMIT 26 OFFSET 0`,
			ConfigMaterialized: listSelect + `
WHERE i.type = ANY($1::text[]) AND i.status AND i.m_city = $2::text
ORDER BY i.m_count DESC, i.id DESC
LIMIT 26 OFFSET 0`,
		},
		args: func(r *rand.Rand, ds *dataset, cfg string) []any {
			s := pick(r, ds)
			if cfg == ConfigGIN {
				return []any{[]string{s.typ}, fmt.Sprintf(`{"field_city":[{"value":%q}]}`, s.city), fieldCount}
			}
			return []any{[]string{s.typ}, s.city}
		},
	},
	{
		id: 7, name: "full text + type filter, page 2",
		sql: map[string]string{
			ConfigGIN: listSelect + `
WHERE i.type = ANY($1::text[]) AND i.status AND ` + ftsExpr + ` @@ websearch_to_tsquery('english', $2)
ORDER BY i.created DESC, i.id DESC
LIMIT 26 OFFSET 25`,
			ConfigMaterialized: listSelect + `
WHERE i.type = ANY($1::text[]) AND i.status AND i.m_search @@ websearch_to_tsquery('english', $2)
ORDER BY i.created DESC, i.id DESC
LIMIT 26 OFFSET 25`,
		},
		args: func(r *rand.Rand, ds *dataset, _ string) []any {
			return []any{[]string{"article"}, ds.searchWords[r.Intn(len(ds.searchWords))]}
		},
	},
}
