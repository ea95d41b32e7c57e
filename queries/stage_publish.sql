-- Set-based statements of publish and move: each touches every chosen item
-- of a stage at once, so a publish of many items holds its locks for a few
-- statements rather than a few per item.

-- name: StagedRevisions :many
-- The stage revisions publish re-validates, in one read.
SELECT r.id, r.item_id, r.title, r.fields FROM item_revision r WHERE r.id = ANY(@ids::uuid[]);

-- name: PublishItems :exec
-- Makes stage revisions Live's current revisions; each and the stage's
-- earlier revisions of its item join Live's history (revision pages show
-- them). Items created in a stage become Live items.
WITH pub AS (
    SELECT id, item_id, stage_id, created, title, status, fields FROM item_revision WHERE id = ANY(@revision_ids::uuid[])
), marked AS (
    UPDATE item_revision rv SET in_live = true
    FROM pub WHERE rv.item_id = pub.item_id AND rv.stage_id = pub.stage_id AND rv.created <= pub.created AND NOT rv.in_live
    RETURNING rv.id
)
UPDATE item SET title = pub.title, status = pub.status, fields = pub.fields, current_revision_id = pub.id,
    changed = now(), stage_id = 'live'
FROM pub
WHERE item.id = pub.item_id;

-- name: DeleteAssociations :exec
DELETE FROM stage_association WHERE stage_id = @stage_id AND entity_kind = 'item' AND item_id = ANY(@item_ids::uuid[]);

-- name: DeleteItemsHard :exec
DELETE FROM item WHERE id = ANY(@ids::uuid[]);

-- name: TargetHeads :many
-- What a child stage's publish target (its parent stage) holds now for each
-- item: the parent's copy (deleted, or its revision), else Live's current
-- revision; with the author, date and stage of that revision for the
-- conflict message.
SELECT i.id,
       COALESCE(pe.deleted, false)::boolean AS deleted,
       r.id AS revision_id,
       COALESCE(r.stage_id, '')::text AS revision_stage, r.created AS revision_created,
       COALESCE(u.name, '')::text AS revision_author
FROM item i
LEFT JOIN stage_effective pe ON pe.stage_id = @target AND pe.item_id = i.id
LEFT JOIN item_revision r ON r.id = CASE WHEN pe.item_id IS NOT NULL THEN pe.revision_id WHEN i.stage_id = 'live' THEN i.current_revision_id END
LEFT JOIN users u ON u.id = r.author_id
WHERE i.id = ANY(@ids::uuid[]);

-- name: MoveAssociations :exec
-- Moves a stage's copies of items to another stage, replacing the target's
-- copies (and dropping the target's deletions of them); a replaced copy
-- keeps its base. A new copy keeps the moved copy's base, so a later
-- publish still sees what changed since the copy was made; with @rebase
-- (a child publishing into its parent, conflicts just checked) it is based
-- on what the target reads now instead (its parent's copy or Live's).
WITH moved AS (
    DELETE FROM stage_association src
    WHERE src.stage_id = @from_stage AND src.entity_kind = 'item' AND src.item_id = ANY(@item_ids::uuid[])
    RETURNING src.item_id, src.revision_id, src.base_revision_id, src.author_id
), undeleted AS (
    DELETE FROM stage_deletion d USING moved m
    WHERE d.stage_id = @to_stage AND d.entity_kind = 'item' AND d.item_id = m.item_id
)
INSERT INTO stage_association (stage_id, item_id, revision_id, base_revision_id, author_id, changed)
SELECT @to_stage, m.item_id, m.revision_id,
       CASE WHEN NOT @rebase::boolean THEN m.base_revision_id
            WHEN pe.item_id IS NOT NULL THEN pe.revision_id WHEN i.stage_id = 'live' THEN i.current_revision_id END,
       m.author_id, now()
FROM moved m
JOIN item i ON i.id = m.item_id
LEFT JOIN stage s ON s.id = @to_stage
LEFT JOIN stage_effective pe ON pe.stage_id = s.parent_id AND pe.item_id = m.item_id
ON CONFLICT (stage_id, entity_kind, item_id) DO UPDATE
SET revision_id = EXCLUDED.revision_id, author_id = EXCLUDED.author_id, changed = now();

-- name: MoveDeletions :exec
-- Moves a stage's deletions to another stage (dropping the target's copies
-- of those items, as deleting there would); bases as in MoveAssociations.
WITH moved AS (
    DELETE FROM stage_deletion src
    WHERE src.stage_id = @from_stage AND src.entity_kind = 'item' AND src.item_id = ANY(@item_ids::uuid[])
    RETURNING src.item_id, src.base_revision_id, src.author_id
), uncopied AS (
    DELETE FROM stage_association a USING moved m
    WHERE a.stage_id = @to_stage AND a.entity_kind = 'item' AND a.item_id = m.item_id
)
INSERT INTO stage_deletion (stage_id, item_id, base_revision_id, author_id)
SELECT @to_stage, m.item_id,
       CASE WHEN NOT @rebase::boolean THEN m.base_revision_id
            WHEN pe.item_id IS NOT NULL THEN pe.revision_id WHEN i.stage_id = 'live' THEN i.current_revision_id END,
       m.author_id
FROM moved m
JOIN item i ON i.id = m.item_id
LEFT JOIN stage s ON s.id = @to_stage
LEFT JOIN stage_effective pe ON pe.stage_id = s.parent_id AND pe.item_id = m.item_id
ON CONFLICT (stage_id, entity_kind, item_id) DO NOTHING;

-- name: MoveCreatedItems :exec
UPDATE item SET stage_id = @to_stage WHERE id = ANY(@item_ids::uuid[]) AND stage_id = @from_stage;

-- name: MoveRevisions :exec
-- Provenance follows a move: the items' revisions written in the source
-- stage and not yet in Live's history become the target stage's, so its
-- history (and its publish) sees them.
UPDATE item_revision SET stage_id = @to_stage
WHERE item_id = ANY(@item_ids::uuid[]) AND stage_id = @from_stage AND NOT in_live;
