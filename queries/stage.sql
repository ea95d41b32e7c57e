-- Stages: the stage rows, their associations (stage → item → revision) and
-- deletions, the overlay used to load an item in a stage chain, and the
-- statements publish and discard run.

-- name: ListStages :many
SELECT id, label, description, parent_id, visibility, created, changed FROM stage ORDER BY id = 'live' DESC, label, id;

-- name: GetStage :one
SELECT id, label, description, parent_id, visibility, created, changed FROM stage WHERE id = $1;

-- name: InsertStage :exec
INSERT INTO stage (id, label, description, parent_id, visibility) VALUES ($1, $2, $3, $4, $5);

-- name: UpdateStage :exec
UPDATE stage SET label = $2, description = $3, parent_id = $4, visibility = $5, changed = now() WHERE id = $1;

-- name: DeleteStage :exec
DELETE FROM stage WHERE id = $1 AND id <> 'live';

-- name: LockStage :one
SELECT id FROM stage WHERE id = $1 FOR UPDATE;

-- ShareStage is what every save in a stage takes first: saves in one stage
-- run side by side, but wait for (and are waited for by) a publish into or
-- out of that stage, which takes LockStage.
-- name: ShareStage :one
SELECT id FROM stage WHERE id = $1 FOR SHARE;

-- name: StageChildren :many
SELECT id FROM stage WHERE parent_id = $1 ORDER BY id;

-- name: CountStageChanges :one
SELECT (SELECT count(*) FROM stage_association a WHERE a.stage_id = @stage_id)::bigint
     + (SELECT count(*) FROM stage_deletion d WHERE d.stage_id = @stage_id)::bigint AS n;

-- name: LoadItemStaged :one
-- An item as stage chain @chain sees it (nearest stage first, Live last):
-- the nearest stage revision over the Live row; not found when deleted in
-- the chain or created in a stage outside it. An empty chain is Live.
SELECT i.id, i.type, COALESCE(r.title, i.title)::text AS title, i.author_id, u.name AS author_name,
       COALESCE(r.status, i.status)::boolean AS status, i.promote, i.sticky, i.stage_id,
       COALESCE(r.id, i.current_revision_id) AS current_revision_id,
       COALESCE(r.fields, i.fields)::jsonb AS fields, i.created,
       COALESCE(r.created, i.changed)::timestamptz AS changed,
       COALESCE(r.stage_id, 'live')::text AS revision_stage
FROM item i
JOIN users u ON u.id = i.author_id
LEFT JOIN item_revision r ON r.id = (
    SELECT sa.revision_id FROM stage_association sa
    WHERE sa.item_id = i.id AND sa.entity_kind = 'item' AND sa.stage_id = ANY(@chain::text[])
    ORDER BY array_position(@chain::text[], sa.stage_id) LIMIT 1)
WHERE i.id = @id
  AND (i.stage_id = 'live' OR i.stage_id = ANY(@chain::text[]))
  AND NOT EXISTS (SELECT 1 FROM stage_deletion d
                  WHERE d.item_id = i.id AND d.entity_kind = 'item' AND d.stage_id = ANY(@chain::text[]));

-- name: InsertStagedItem :exec
-- An item created in a stage: invisible outside it until publish.
INSERT INTO item (id, type, title, author_id, status, promote, sticky, stage_id, current_revision_id, fields, created, changed)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11);

-- name: InsertStagedRevision :exec
INSERT INTO item_revision (id, item_id, author_id, title, status, fields, log, created, stage_id, in_live)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, false);

-- name: UpsertAssociation :exec
-- Points the stage at a new revision. The base revision is what the stage
-- read when its first copy was made: its parent stage's copy (for a child
-- stage), else Live's current revision (NULL for an item created in a
-- stage); later saves keep it.
INSERT INTO stage_association (stage_id, item_id, revision_id, base_revision_id, author_id, changed)
SELECT @stage_id, i.id, @revision_id,
       CASE WHEN pe.item_id IS NOT NULL THEN pe.revision_id WHEN i.stage_id = 'live' THEN i.current_revision_id END,
       @author_id, now()
FROM item i
LEFT JOIN stage s ON s.id = @stage_id
LEFT JOIN stage_effective pe ON pe.stage_id = s.parent_id AND pe.item_id = i.id
WHERE i.id = @item_id
ON CONFLICT (stage_id, entity_kind, item_id) DO UPDATE
SET revision_id = EXCLUDED.revision_id, author_id = EXCLUDED.author_id, changed = now();

-- name: GetAssociation :one
SELECT stage_id, item_id, revision_id, base_revision_id FROM stage_association
WHERE stage_id = $1 AND entity_kind = 'item' AND item_id = $2;

-- name: DeleteAssociation :exec
DELETE FROM stage_association WHERE stage_id = $1 AND entity_kind = 'item' AND item_id = $2;

-- name: InsertDeletion :exec
-- Records a deletion in a stage; its base is what the stage read (see
-- UpsertAssociation).
INSERT INTO stage_deletion (stage_id, item_id, base_revision_id, author_id)
SELECT @stage_id, i.id,
       CASE WHEN pe.item_id IS NOT NULL THEN pe.revision_id WHEN i.stage_id = 'live' THEN i.current_revision_id END,
       @author_id
FROM item i
LEFT JOIN stage s ON s.id = @stage_id
LEFT JOIN stage_effective pe ON pe.stage_id = s.parent_id AND pe.item_id = i.id
WHERE i.id = @item_id
ON CONFLICT (stage_id, entity_kind, item_id) DO NOTHING;

-- name: DeleteDeletion :exec
DELETE FROM stage_deletion WHERE stage_id = $1 AND entity_kind = 'item' AND item_id = $2;

-- name: StageChanges :many
-- Every change of a stage: changed and added items (with the stage
-- revision and Live's current state) and deleted items. target_revision_id
-- is the revision the stage's publish target holds now: the parent stage's
-- copy (NULL when the parent deleted the item: target_deleted), else Live's.
SELECT 'changed'::text AS kind, a.item_id, i.type, r.title AS stage_title, i.title AS live_title,
       i.stage_id AS item_stage, a.revision_id AS revision_id, a.base_revision_id,
       i.current_revision_id AS live_revision_id,
       tr.id AS target_revision_id, coalesce(pe.deleted, false) AS target_deleted, u.name AS author_name, a.changed
FROM stage_association a
JOIN item i ON i.id = a.item_id
JOIN item_revision r ON r.id = a.revision_id
JOIN users u ON u.id = a.author_id
JOIN stage s ON s.id = a.stage_id
LEFT JOIN stage_effective pe ON pe.stage_id = s.parent_id AND pe.item_id = i.id
LEFT JOIN item_revision tr ON tr.id = CASE WHEN pe.item_id IS NOT NULL THEN pe.revision_id ELSE i.current_revision_id END
WHERE a.stage_id = @stage_id AND a.entity_kind = 'item'
UNION ALL
SELECT 'deleted'::text, d.item_id, i.type, i.title, i.title, i.stage_id, i.current_revision_id,
       d.base_revision_id, i.current_revision_id,
       tr.id, coalesce(pe.deleted, false), u.name, d.changed
FROM stage_deletion d
JOIN item i ON i.id = d.item_id
JOIN users u ON u.id = d.author_id
JOIN stage s ON s.id = d.stage_id
LEFT JOIN stage_effective pe ON pe.stage_id = s.parent_id AND pe.item_id = i.id
LEFT JOIN item_revision tr ON tr.id = CASE WHEN pe.item_id IS NOT NULL THEN pe.revision_id ELSE i.current_revision_id END
WHERE d.stage_id = @stage_id AND d.entity_kind = 'item'
ORDER BY 13 DESC, 2;

-- name: LockItems :many
-- Locks the Live rows publish touches, in id order (no deadlocks between
-- concurrent publishes). Kept to one table: under READ COMMITTED a join
-- would be re-checked against the stale joined row after waiting for a
-- concurrent publish and silently drop the item.
SELECT id FROM item WHERE id = ANY(@ids::uuid[]) ORDER BY id FOR UPDATE;

-- name: ItemHeads :many
-- Live's current revision of each item, read after LockItems (a new
-- statement sees what a concurrent publish committed).
SELECT i.id, i.stage_id, i.current_revision_id, r.stage_id AS revision_stage, r.created AS revision_created,
       u.name AS revision_author
FROM item i
JOIN item_revision r ON r.id = i.current_revision_id
JOIN users u ON u.id = r.author_id
WHERE i.id = ANY(@ids::uuid[]);

-- name: DiscardStage :exec
-- Forgets every change of a stage: items created in it go, associations
-- and deletions follow (cascade).
DELETE FROM item WHERE stage_id = $1 AND stage_id <> 'live';

-- name: ClearStage :exec
DELETE FROM stage_association WHERE stage_id = $1;

-- name: ClearStageDeletions :exec
DELETE FROM stage_deletion WHERE stage_id = $1;

-- name: StagedItemIDs :many
SELECT a.item_id FROM stage_association a WHERE a.stage_id = @stage_id::text AND a.entity_kind = 'item'
UNION SELECT d.item_id FROM stage_deletion d WHERE d.stage_id = @stage_id::text AND d.entity_kind = 'item';

-- name: DiscardCreatedItem :exec
-- Removes an item created in the stage (no-op for others).
DELETE FROM item WHERE id = $1 AND stage_id = $2 AND stage_id <> 'live';
