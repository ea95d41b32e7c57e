-- Reads of items as a stage chain sees them, through stage_items(chain)
-- (migrations/00013), the one SQL copy of the overlay.

-- name: ItemsWithTermsStaged :many
-- ItemsWithTerms (queries/category.sql) as stage chain @chain sees the
-- items: the terms are matched against the stage's field values, items
-- created in the chain are included and items it deleted are not.
SELECT i.id::uuid AS id, i.type::text AS type, i.title::text AS title, i.status::boolean AS status,
       i.created::timestamptz AS created
FROM stage_items(sqlc.arg(chain)::text[])
    AS i(id, type, title, author_id, status, promote, sticky, stage_id, current_revision_id, fields, created, changed)
WHERE i.fields @> ANY(sqlc.arg(patterns)::text[]::jsonb[])
  AND (i.status OR sqlc.arg(include_unpublished)::bool)
ORDER BY i.created DESC, i.id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
