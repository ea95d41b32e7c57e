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

-- name: ListItemsAdmin :many
SELECT i.id, i.type, i.title, u.name AS author_name, i.status, i.changed
FROM item i JOIN users u ON u.id = i.author_id
ORDER BY i.changed DESC, i.id DESC
LIMIT $1 OFFSET $2;

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
UPDATE item SET title = $2, status = $3, current_revision_id = $4, fields = $5, changed = $6 WHERE id = $1;

-- name: ItemTypeOf :one
SELECT type FROM item WHERE id = $1;

-- name: AutocompleteItems :many
SELECT id, type, title FROM item
WHERE (cardinality(@types::text[]) = 0 OR type = ANY(@types::text[]))
  AND strpos(lower(title), lower(@q::text)) > 0
  AND (status OR @unpublished::boolean)
ORDER BY title, id
LIMIT 10;
