-- +goose Up
-- The effective overlay of every stage, flattened over its chain: one row
-- per (reading stage, item) the stage sees differently from Live. A row
-- is either the item's nearest stage revision in the chain (its title,
-- status, fields and date copied from the immutable item_revision row) or,
-- when any stage of the chain deleted the item, a deletion. Listings in a
-- stage read Live's item rows and join this table by primary key (one
-- probe per row scanned along the listing's index, or one hash of the
-- stage's rows), instead of resolving the chain per row (app/gather/stage.go).
--
-- The table is derived data: stage_association, stage_deletion and the
-- stage tree stay the truth. Statement-level triggers keep it in step in
-- the same transaction as every write to them (saves and deletions in a
-- stage, discard, move, publish, cascades from deleted items and stages),
-- so no code path can forget it; a write touching many items refreshes
-- them with one set-based statement.
CREATE TABLE stage_effective (
    stage_id    text NOT NULL REFERENCES stage(id) ON DELETE CASCADE,
    item_id     uuid NOT NULL REFERENCES item(id) ON DELETE CASCADE,
    deleted     boolean NOT NULL DEFAULT false,
    -- The stage revision (NULL for a deletion) and its copied columns.
    revision_id uuid,
    title       text,
    status      boolean,
    fields      jsonb,
    changed     timestamptz,
    -- The stage of the chain the revision comes from.
    source      text,
    PRIMARY KEY (stage_id, item_id)
);

CREATE INDEX stage_effective_item ON stage_effective (item_id);

-- stage_effective_refresh recomputes the rows of the given (stage, item)
-- pairs and of every descendant stage of each pair's stage.
-- +goose StatementBegin
CREATE FUNCTION stage_effective_refresh(stages text[], items uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    rs text[];
    its uuid[];
BEGIN
    WITH RECURSIVE readers(reader, item_id, depth) AS (
        SELECT DISTINCT t.s, t.i, 0 FROM unnest(stages, items) AS t(s, i) WHERE t.s <> 'live'
        UNION
        SELECT c.id, r.item_id, r.depth + 1 FROM readers r JOIN stage c ON c.parent_id = r.reader WHERE r.depth < 8
    )
    SELECT array_agg(reader), array_agg(item_id) INTO rs, its
    FROM (SELECT DISTINCT reader, item_id FROM readers) x;
    IF rs IS NULL THEN
        RETURN;
    END IF;

    DELETE FROM stage_effective e USING unnest(rs, its) AS t(reader, item_id)
    WHERE e.stage_id = t.reader AND e.item_id = t.item_id;

    INSERT INTO stage_effective (stage_id, item_id, deleted, revision_id, title, status, fields, changed, source)
    WITH RECURSIVE todo AS (
        SELECT t.reader, t.item_id FROM unnest(rs, its) AS t(reader, item_id)
        WHERE EXISTS (SELECT 1 FROM item i WHERE i.id = t.item_id)
          AND EXISTS (SELECT 1 FROM stage s WHERE s.id = t.reader)
    ), chain(reader, stage_id, depth) AS (
        SELECT DISTINCT reader, reader, 0 FROM todo
        UNION ALL
        SELECT c.reader, s.parent_id, c.depth + 1 FROM chain c JOIN stage s ON s.id = c.stage_id
        WHERE s.parent_id IS NOT NULL AND s.parent_id <> 'live' AND c.depth < 8
    ), eff AS (
        SELECT t.reader, t.item_id,
               EXISTS (SELECT 1 FROM stage_deletion d JOIN chain c ON c.stage_id = d.stage_id
                       WHERE c.reader = t.reader AND d.item_id = t.item_id AND d.entity_kind = 'item') AS deleted,
               (SELECT a.revision_id FROM stage_association a JOIN chain c ON c.stage_id = a.stage_id
                WHERE c.reader = t.reader AND a.item_id = t.item_id AND a.entity_kind = 'item'
                ORDER BY c.depth LIMIT 1) AS revision_id
        FROM todo t
    )
    SELECT e.reader, e.item_id, e.deleted,
           CASE WHEN NOT e.deleted THEN r.id END, CASE WHEN NOT e.deleted THEN r.title END,
           CASE WHEN NOT e.deleted THEN r.status END, CASE WHEN NOT e.deleted THEN r.fields END,
           CASE WHEN NOT e.deleted THEN r.created END, CASE WHEN NOT e.deleted THEN r.stage_id END
    FROM eff e LEFT JOIN item_revision r ON r.id = e.revision_id
    WHERE e.deleted OR e.revision_id IS NOT NULL
    -- Two transactions refreshing one pair at once (a save in a stage and
    -- in its child): the later one's values win instead of failing.
    ON CONFLICT (stage_id, item_id) DO UPDATE SET deleted = EXCLUDED.deleted, revision_id = EXCLUDED.revision_id,
        title = EXCLUDED.title, status = EXCLUDED.status, fields = EXCLUDED.fields, changed = EXCLUDED.changed,
        source = EXCLUDED.source;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION stage_effective_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ss text[];
    its uuid[];
BEGIN
    -- One aggregate per statement keeps the two arrays aligned.
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(stage_id), array_agg(item_id) INTO ss, its FROM new_rows WHERE entity_kind = 'item';
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(stage_id), array_agg(item_id) INTO ss, its FROM old_rows WHERE entity_kind = 'item';
    ELSE
        SELECT array_agg(stage_id), array_agg(item_id) INTO ss, its
        FROM (SELECT stage_id, item_id FROM new_rows WHERE entity_kind = 'item'
              UNION SELECT stage_id, item_id FROM old_rows WHERE entity_kind = 'item') x;
    END IF;
    IF ss IS NOT NULL THEN
        PERFORM stage_effective_refresh(ss, its);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER stage_association_effective_ins AFTER INSERT ON stage_association
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stage_effective_sync();
CREATE TRIGGER stage_association_effective_upd AFTER UPDATE ON stage_association
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stage_effective_sync();
CREATE TRIGGER stage_association_effective_del AFTER DELETE ON stage_association
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stage_effective_sync();
CREATE TRIGGER stage_deletion_effective_ins AFTER INSERT ON stage_deletion
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stage_effective_sync();
CREATE TRIGGER stage_deletion_effective_upd AFTER UPDATE ON stage_deletion
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stage_effective_sync();
CREATE TRIGGER stage_deletion_effective_del AFTER DELETE ON stage_deletion
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stage_effective_sync();

-- A stage that is created under a parent, or moved to another, inherits
-- (or stops inheriting) its ancestors' changes: recompute it and its
-- descendants for every item of its old and new chain.
-- +goose StatementBegin
CREATE FUNCTION stage_effective_reparent() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids uuid[];
BEGIN
    WITH RECURSIVE chain(stage_id, depth) AS (
        SELECT NEW.id, 0
        UNION ALL
        SELECT s.parent_id, c.depth + 1 FROM chain c JOIN stage s ON s.id = c.stage_id
        WHERE s.parent_id IS NOT NULL AND s.parent_id <> 'live' AND c.depth < 8
    )
    SELECT ARRAY(
        SELECT a.item_id FROM stage_association a JOIN chain c ON c.stage_id = a.stage_id
        UNION SELECT d.item_id FROM stage_deletion d JOIN chain c ON c.stage_id = d.stage_id
        UNION SELECT e.item_id FROM stage_effective e WHERE e.stage_id = NEW.id) INTO ids;
    PERFORM stage_effective_refresh(array_fill(NEW.id, ARRAY[cardinality(ids)]), ids);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER stage_effective_insert AFTER INSERT ON stage
    FOR EACH ROW WHEN (NEW.parent_id IS NOT NULL) EXECUTE FUNCTION stage_effective_reparent();
CREATE TRIGGER stage_effective_parent AFTER UPDATE OF parent_id ON stage
    FOR EACH ROW WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id) EXECUTE FUNCTION stage_effective_reparent();

-- stage_items is the item table as stage chain sees it (nearest stage
-- first, Live excluded): Live's rows and the items created in the chain,
-- each overlaid with the stage's effective row (title, status, fields,
-- revision), minus the items the chain deleted. The one copy of the
-- overlay: Gather listings (app/gather/stage.go) and the category term page
-- read FROM stage_items(chain). A plain SQL function, STABLE and not
-- STRICT, so the planner inlines it and keeps walking item's indexes in
-- the caller's order up to its LIMIT. The overlay row is probed only for
-- items the stage changed: the lateral probe is gated by membership in the
-- stage's item ids, hashed once per statement (OFFSET 0 keeps the gate a
-- one-time filter in front of the probe), so the plan does not depend on
-- stage_effective's statistics.
-- +goose StatementBegin
CREATE FUNCTION stage_items(chain text[]) RETURNS TABLE (
    id uuid, type text, title text, author_id uuid, status boolean, promote boolean, sticky boolean, stage_id text,
    current_revision_id uuid, fields jsonb, created timestamptz, changed timestamptz)
LANGUAGE sql STABLE AS $$
SELECT it.id, it.type, COALESCE(o.title, it.title), it.author_id, COALESCE(o.status, it.status), it.promote,
       it.sticky, it.stage_id, COALESCE(o.revision_id, it.current_revision_id), COALESCE(o.fields, it.fields),
       it.created, COALESCE(o.changed, it.changed)
FROM item it
LEFT JOIN LATERAL (
    SELECT o.* FROM stage_effective o
    WHERE o.stage_id = chain[1] AND o.item_id = it.id
      AND it.id = ANY (SELECT e.item_id FROM stage_effective e WHERE e.stage_id = chain[1])
    OFFSET 0) o ON true
WHERE (it.stage_id = 'live' OR it.stage_id = ANY(chain)) AND o.deleted IS NOT TRUE
$$;
-- +goose StatementEnd

-- Fill it for the changes that exist.
SELECT stage_effective_refresh(array_agg(stage_id), array_agg(item_id))
FROM (SELECT stage_id, item_id FROM stage_association WHERE entity_kind = 'item'
      UNION SELECT stage_id, item_id FROM stage_deletion WHERE entity_kind = 'item') x;

ANALYZE stage_effective;

-- +goose Down
DROP TRIGGER stage_effective_parent ON stage;
DROP TRIGGER stage_effective_insert ON stage;
DROP TRIGGER stage_deletion_effective_del ON stage_deletion;
DROP TRIGGER stage_deletion_effective_upd ON stage_deletion;
DROP TRIGGER stage_deletion_effective_ins ON stage_deletion;
DROP TRIGGER stage_association_effective_del ON stage_association;
DROP TRIGGER stage_association_effective_upd ON stage_association;
DROP TRIGGER stage_association_effective_ins ON stage_association;
DROP FUNCTION stage_items(text[]);
DROP FUNCTION stage_effective_reparent();
DROP FUNCTION stage_effective_sync();
DROP FUNCTION stage_effective_refresh(text[], uuid[]);
DROP TABLE stage_effective;
