-- Blocks: placements of listing and custom text blocks in theme regions.

-- name: ListBlocks :many
SELECT id, theme, region, weight, kind, listing, title, body, format, visibility, pages, enabled, created, changed, roles, types
FROM block ORDER BY theme, region, weight, title, id;

-- name: GetBlock :one
SELECT id, theme, region, weight, kind, listing, title, body, format, visibility, pages, enabled, created, changed, roles, types
FROM block WHERE id = $1;

-- name: InsertBlock :exec
INSERT INTO block (id, theme, region, weight, kind, listing, title, body, format, visibility, pages, roles, types, enabled)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, @roles::text[], @types::text[], $12);

-- name: UpdateBlock :execrows
UPDATE block SET region = $2, weight = $3, kind = $4, listing = $5, title = $6, body = $7, format = $8,
    visibility = $9, pages = $10, enabled = $11, roles = @roles::text[], types = @types::text[], changed = clock_timestamp()
WHERE id = $1;

-- name: SetBlockEnabled :execrows
UPDATE block SET enabled = $2, changed = clock_timestamp() WHERE id = $1;

-- name: DeleteBlock :execrows
DELETE FROM block WHERE id = $1;

-- name: BlocksVersion :one
SELECT count(*)::bigint AS n, coalesce(max(changed), 'epoch')::timestamptz AS newest FROM block;

-- name: MoveBlock :execrows
-- The layout page's region and weight of one block; unchanged rows are
-- left alone so their changed time (and the cache version) stays.
UPDATE block SET region = $2, weight = $3, changed = clock_timestamp()
WHERE id = $1 AND (region <> $2 OR weight <> $3);

-- name: BlockRoleChoices :many
-- The roles a block can be limited to, as the block form offers them.
SELECT name, label FROM roles ORDER BY weight, name;

-- name: BlockTypeChoices :many
-- The content types a block can be limited to, as the block form offers them.
SELECT type, label FROM item_type ORDER BY label, type;
