-- name: ListRevisions :many
-- An item's revisions, newest first, one page at a time (callers ask for one
-- row more than they show to learn whether another page exists). Revisions
-- made in a stage show only in that stage's chain until published.
SELECT r.id, r.author_id, u.name AS author_name, r.title, r.status, r.log, r.created
FROM item_revision r JOIN users u ON u.id = r.author_id
WHERE r.item_id = @item_id AND (r.in_live OR r.stage_id = ANY(@stages::text[]))
ORDER BY r.created DESC, r.id DESC
LIMIT @lim OFFSET @off;

-- name: GetRevision :one
SELECT r.id, r.item_id, r.author_id, u.name AS author_name, r.title, r.status, r.fields, r.log, r.created
FROM item_revision r JOIN users u ON u.id = r.author_id
WHERE r.id = @id AND r.item_id = @item_id AND (r.in_live OR r.stage_id = ANY(@stages::text[]));

-- name: GetRetention :one
SELECT keep FROM item_type_retention WHERE type = $1;

-- name: SetRetention :exec
INSERT INTO item_type_retention (type, keep) VALUES ($1, $2)
ON CONFLICT (type) DO UPDATE SET keep = EXCLUDED.keep, changed = now();

-- name: PruneRevisions :execrows
-- Deletes up to @batch revisions that are older than the newest "keep" of
-- their item, for types with keep > 0, never an item's current revision.
-- Items are walked through their type; each item's revisions are read from
-- the (item_id, created DESC) index, so items within their limit cost one
-- short index probe. Revisions a stage points at are kept.
DELETE FROM item_revision
WHERE id IN (
    SELECT old.id
    FROM item_type_retention t
    JOIN item i ON i.type = t.type
    CROSS JOIN LATERAL (
        SELECT r.id FROM item_revision r
        WHERE r.item_id = i.id
        ORDER BY r.created DESC, r.id DESC
        OFFSET t.keep
    ) old
    WHERE t.keep > 0 AND old.id IS DISTINCT FROM i.current_revision_id
      AND NOT EXISTS (SELECT 1 FROM stage_association sa WHERE sa.revision_id = old.id)
    LIMIT @batch::integer
);
