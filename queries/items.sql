-- name: UpsertItemType :exec
INSERT INTO item_type (type, label, description, plugin, settings)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (type) DO UPDATE
SET label = EXCLUDED.label, description = EXCLUDED.description, plugin = EXCLUDED.plugin,
    settings = EXCLUDED.settings, changed = now();

-- name: GetItemType :one
SELECT * FROM item_type WHERE type = $1;

-- name: ListItemTypes :many
SELECT * FROM item_type ORDER BY label;

-- name: InsertItem :exec
INSERT INTO item (id, type, title, author_id, status, promote, sticky, current_revision_id, fields, created, changed)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10);

-- name: InsertRevision :exec
INSERT INTO item_revision (id, item_id, author_id, title, status, fields, log, created)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: GetItem :one
SELECT i.id, i.type, i.title, i.author_id, u.name AS author_name, i.status, i.promote, i.sticky,
       i.stage_id, i.current_revision_id, i.fields, i.created, i.changed
FROM item i JOIN users u ON u.id = i.author_id
WHERE i.id = $1;

-- name: CountRevisions :one
SELECT count(*) FROM item_revision WHERE item_id = $1;

-- name: DeleteItemType :exec
DELETE FROM item_type WHERE type = $1;

-- name: CountItemsOfType :one
SELECT count(*) FROM item WHERE type = $1;

-- name: CountItemsWithField :one
SELECT count(*) FROM item WHERE type = $1 AND fields ? @field::text;

-- name: DropFieldValues :exec
UPDATE item SET fields = fields - @field::text WHERE type = $1 AND fields ? @field::text;

-- name: UpdateItem :exec
UPDATE item SET title = $2, status = $3, current_revision_id = $4, fields = $5, changed = $6,
    promote = $7, sticky = $8, author_id = $9, created = $10
WHERE id = $1;

-- name: DeleteItem :exec
DELETE FROM item WHERE id = $1;

-- name: AdminItems :many
-- The content list as stage chain @chain sees it (empty: Live): each
-- item's nearest stage revision over its Live row, without the items
-- deleted in the chain or created in stages outside it.
SELECT i.id, i.type, i.title, u.name AS author_name, i.author_id, i.status, i.promote, i.sticky, i.changed, i.staged
FROM (
    SELECT it.id, it.type, COALESCE(r.title, it.title)::text AS title, it.author_id,
           COALESCE(r.status, it.status)::boolean AS status, it.promote, it.sticky,
           COALESCE(r.created, it.changed)::timestamptz AS changed,
           (r.id IS NOT NULL OR it.stage_id <> 'live')::boolean AS staged
    FROM item it
    LEFT JOIN item_revision r ON r.id = (
        SELECT sa.revision_id FROM stage_association sa
        WHERE sa.item_id = it.id AND sa.entity_kind = 'item' AND sa.stage_id = ANY(@chain::text[])
        ORDER BY array_position(@chain::text[], sa.stage_id) LIMIT 1)
    WHERE (it.stage_id = 'live' OR it.stage_id = ANY(@chain::text[]))
      AND NOT EXISTS (SELECT 1 FROM stage_deletion d
                      WHERE d.item_id = it.id AND d.entity_kind = 'item' AND d.stage_id = ANY(@chain::text[]))
) i JOIN users u ON u.id = i.author_id
WHERE (sqlc.narg(type)::text IS NULL OR i.type = sqlc.narg(type)::text)
  AND (sqlc.narg(status)::boolean IS NULL OR i.status = sqlc.narg(status)::boolean)
  AND (sqlc.narg(author)::text IS NULL OR u.name = sqlc.narg(author)::text)
  AND (sqlc.narg(title)::text IS NULL OR strpos(lower(i.title), lower(sqlc.narg(title)::text)) > 0)
  AND (@see_unpublished::boolean OR i.status OR i.author_id = @viewer::uuid)
ORDER BY
  CASE WHEN @sort::text = 'title' AND @descending::boolean = false THEN i.title END ASC,
  CASE WHEN @sort::text = 'title' AND @descending::boolean THEN i.title END DESC,
  CASE WHEN @sort::text = 'type' AND @descending::boolean = false THEN i.type END ASC,
  CASE WHEN @sort::text = 'type' AND @descending::boolean THEN i.type END DESC,
  CASE WHEN @sort::text = 'author' AND @descending::boolean = false THEN u.name END ASC,
  CASE WHEN @sort::text = 'author' AND @descending::boolean THEN u.name END DESC,
  CASE WHEN @sort::text = 'changed' AND @descending::boolean = false THEN i.changed END ASC,
  i.changed DESC, i.id DESC
LIMIT @lim OFFSET @off;

-- name: ItemTypeOf :one
SELECT type FROM item WHERE id = $1;

-- name: AutocompleteItems :many
SELECT id, type, title FROM item
WHERE (cardinality(@types::text[]) = 0 OR type = ANY(@types::text[]))
  AND strpos(lower(title), lower(@q::text)) > 0
  AND (status OR @unpublished::boolean)
  AND (stage_id = 'live' OR stage_id = ANY(@chain::text[]))
ORDER BY title, id
LIMIT 10;
