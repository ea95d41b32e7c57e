-- +goose Up
-- category_index: one row per (Live item, category_reference field, term
-- the field references), Drupal's taxonomy_index. "Items tagged with a
-- term, newest first" (the term page, Gather's has_term filters) reads it
-- instead of probing item.fields with JSONB containment: the GIN index
-- finds the items, but then every one of them is fetched and sorted, and
-- the listing's order index cannot stop early (the JSONB benchmark's Q5,
-- docs/benchmarks.md §16).
--
-- Which rows it holds:
-- - Live items only (item.stage_id = 'live'). An item created in a stage
--   joins when publish sets its stage_id; stage listings read fields
--   through stage_items() and never use this table.
-- - Unpublished items too, with their status. Unlike Drupal (published
--   only), Gather shows unpublished items to their authors and to viewers
--   with "view unpublished content", and the term page has an "include
--   unpublished" option for them: with status here, all of these read the
--   index, and the published-only readers filter on ci.status.
-- - The fields that are category_reference fields on any content type
--   (category_index_field, kept by a trigger on item_type), for every item
--   whose fields hold them, whatever its own type: the same items JSONB
--   containment on that field name finds, so the two paths give the same
--   rows. Gather reads the index for a field its schema calls a
--   category_reference, which is then always in this set.
-- - Term ids are the values' target_id strings in canonical uuid text
--   (lowercase, hyphenated): for those, uuid equality is the string
--   equality containment compares; other strings could never match a
--   term id and are skipped. No foreign key to category_term: a deleted
--   term's id may stay in items' fields, and containment still finds it.
--
-- Triggers on item keep the rows in the same transaction as every write
-- (item service, the set-based stage publish, imports, COPY): statement
-- level, with transition tables, so a write of many rows refreshes them in
-- one statement. Deleted items go by the foreign key's cascade. A change of
-- the set of category_reference field names (a field added, removed or
-- changing type on any content type) adds or removes that field's rows for
-- every item, in the transaction that changes item_type.
-- category_index_rebuild() recomputes everything (after a bulk load with
-- the triggers disabled, say).
CREATE TABLE category_index (
    term_id uuid NOT NULL,
    item_id uuid NOT NULL REFERENCES item(id) ON DELETE CASCADE,
    field   text NOT NULL,
    -- Copies of the item's columns, for listings that filter and order by
    -- them without visiting item (Drupal keeps sticky and created too).
    type    text NOT NULL,
    status  boolean NOT NULL,
    sticky  boolean NOT NULL,
    created timestamptz NOT NULL,
    -- Leading item_id: the refresh of one item, the cascade, and a probe
    -- "is this item tagged" per item of a listing walked in its own order.
    PRIMARY KEY (item_id, field, term_id)
);

-- A term's items newest first: the term page reads it in order and stops
-- at its page (status included: published only, without visiting the
-- table); a Gather listing of one term joins it and sorts on its created
-- (the item's), walking it in its newest-first order the same way; a listing of several
-- terms hashes their rows' item ids (an index-only scan) when they are
-- rare enough.
CREATE INDEX category_index_term ON category_index (term_id, field, created DESC, item_id DESC) INCLUDE (status);

-- The field names category_index holds: every category_reference field
-- name of any content type. Also the lock that orders item writes against
-- a change of the set (see category_index_item_sync).
CREATE TABLE category_index_field (
    field text PRIMARY KEY
);

-- category_index_terms lists the (field, term) pairs of one item's fields
-- JSON for the given field names, each pair once.
-- +goose StatementBegin
CREATE FUNCTION category_index_terms(fields jsonb, names text[]) RETURNS TABLE (field text, term_id uuid)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT DISTINCT n, (e.value ->> 'target_id')::uuid
    FROM unnest(names) n,
         jsonb_array_elements(CASE WHEN jsonb_typeof(fields -> n) = 'array' THEN fields -> n ELSE '[]'::jsonb END) e
    WHERE jsonb_typeof(e.value -> 'target_id') = 'string'
      AND e.value ->> 'target_id' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
$$;
-- +goose StatementEnd

-- category_reference_field_names is the set category_index_field should
-- hold, computed from the content types' field definitions (the shape
-- CategoryFieldNames in queries/category.sql reads).
-- +goose StatementBegin
CREATE FUNCTION category_reference_field_names() RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(DISTINCT f ->> 'name' ORDER BY f ->> 'name'), '{}')
    FROM item_type it,
         jsonb_array_elements(CASE WHEN jsonb_typeof(it.settings -> 'fields') = 'array'
                                   THEN it.settings -> 'fields' ELSE '[]'::jsonb END) f
    WHERE f ->> 'type' = 'category_reference' AND coalesce(f ->> 'name', '') <> ''
$$;
-- +goose StatementEnd

-- category_index_refresh recomputes the rows of the given items (all of
-- their indexed fields); items gone or not Live end with none.
-- +goose StatementBegin
CREATE FUNCTION category_index_refresh(items uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM category_index ci USING unnest(items) AS t(id) WHERE ci.item_id = t.id;
    INSERT INTO category_index (term_id, item_id, field, type, status, sticky, created)
    SELECT ct.term_id, i.id, ct.field, i.type, i.status, i.sticky, i.created
    FROM (SELECT DISTINCT id FROM unnest(items) AS t(id)) t
    JOIN item i ON i.id = t.id
    CROSS JOIN LATERAL category_index_terms(i.fields, ARRAY(SELECT field FROM category_index_field)) ct
    WHERE i.stage_id = 'live';
END
$$;
-- +goose StatementEnd

-- Item writes. The ROW SHARE lock on category_index_field (taken by every
-- writing transaction, cheap: it conflicts only with the EXCLUSIVE lock of
-- a field set change) makes a change of the set wait for item writes in
-- flight and the other way round, so no item is indexed with a set that
-- is no longer the one committed.
-- +goose StatementBegin
CREATE FUNCTION category_index_item_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids uuid[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        LOCK TABLE category_index_field IN ROW SHARE MODE;
        INSERT INTO category_index (term_id, item_id, field, type, status, sticky, created)
        SELECT ct.term_id, n.id, ct.field, n.type, n.status, n.sticky, n.created
        FROM new_rows n
        CROSS JOIN LATERAL category_index_terms(n.fields, ARRAY(SELECT field FROM category_index_field)) ct
        WHERE n.stage_id = 'live';
        RETURN NULL;
    END IF;
    -- UPDATE: only the rows whose indexed values changed (publish of an
    -- item created in a stage moves its stage_id to 'live').
    SELECT array_agg(n.id) INTO ids
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE (n.fields, n.status, n.type, n.sticky, n.created, n.stage_id)
          IS DISTINCT FROM (o.fields, o.status, o.type, o.sticky, o.created, o.stage_id);
    IF ids IS NOT NULL THEN
        LOCK TABLE category_index_field IN ROW SHARE MODE;
        PERFORM category_index_refresh(ids);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER item_category_index_ins AFTER INSERT ON item
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION category_index_item_sync();
CREATE TRIGGER item_category_index_upd AFTER UPDATE ON item
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION category_index_item_sync();

-- category_index_sync_fields brings category_index_field and the index in
-- line with the content types: rows of field names no longer a
-- category_reference anywhere go, every item's rows of new ones come.
-- +goose StatementBegin
CREATE FUNCTION category_index_sync_fields() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    want text[];
    gone text[];
    added text[];
BEGIN
    -- Most item_type writes (a label, a plugin re-declaring its types at
    -- start-up) leave the set alone: answer those without the lock.
    want := category_reference_field_names();
    IF want = ARRAY(SELECT field FROM category_index_field ORDER BY field) THEN
        RETURN;
    END IF;
    LOCK TABLE category_index_field IN EXCLUSIVE MODE;
    want := category_reference_field_names();
    gone := ARRAY(SELECT field FROM category_index_field WHERE NOT field = ANY(want));
    added := ARRAY(SELECT w FROM unnest(want) w WHERE w NOT IN (SELECT field FROM category_index_field));
    IF cardinality(gone) > 0 THEN
        DELETE FROM category_index WHERE field = ANY(gone);
        DELETE FROM category_index_field WHERE field = ANY(gone);
    END IF;
    IF cardinality(added) > 0 THEN
        INSERT INTO category_index_field (field) SELECT unnest(added);
        INSERT INTO category_index (term_id, item_id, field, type, status, sticky, created)
        SELECT ct.term_id, i.id, ct.field, i.type, i.status, i.sticky, i.created
        FROM item i CROSS JOIN LATERAL category_index_terms(i.fields, added) ct
        WHERE i.stage_id = 'live' AND i.fields ?| added;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION category_index_type_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM category_index_sync_fields();
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER item_type_category_index AFTER INSERT OR UPDATE OR DELETE ON item_type
    FOR EACH STATEMENT EXECUTE FUNCTION category_index_type_sync();

-- category_index_rebuild recomputes the whole index from item and
-- item_type.
-- +goose StatementBegin
CREATE FUNCTION category_index_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE category_index_field IN EXCLUSIVE MODE;
    DELETE FROM category_index_field;
    INSERT INTO category_index_field (field) SELECT unnest(category_reference_field_names());
    TRUNCATE category_index;
    INSERT INTO category_index (term_id, item_id, field, type, status, sticky, created)
    SELECT ct.term_id, i.id, ct.field, i.type, i.status, i.sticky, i.created
    FROM item i CROSS JOIN LATERAL category_index_terms(i.fields, ARRAY(SELECT field FROM category_index_field)) ct
    WHERE i.stage_id = 'live';
END
$$;
-- +goose StatementEnd

-- category_term_family is the given terms and every term below them
-- (cycle-safe), each once: Gather's has_term_or_descendants looks them up
-- in category_index. Declared IMMUTABLE although it reads
-- category_term_parent, so that the planner folds a call with constant
-- arguments into the array itself when it plans the statement: Gather's
-- statements run with custom plans only (app/gather guardSQL), the terms
-- are then constants, and the planner estimates the family's rows from
-- category_index's statistics, hashing a rare family's items and walking
-- the listing's order for a common one. STABLE would hide the array from
-- the plan and evaluate the function again for every probe of the walk.
-- Never call it with literal arguments in a statement whose plan is kept
-- (a view, a function body): that plan would keep the family of its day.
-- +goose StatementBegin
CREATE FUNCTION category_term_family(terms uuid[]) RETURNS uuid[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN ARRAY(
        WITH RECURSIVE down(id, seen) AS (
            SELECT t, ARRAY[t] FROM unnest(terms) t
            UNION ALL
            SELECT p.term_id, down.seen || p.term_id FROM category_term_parent p JOIN down ON p.parent_id = down.id
            WHERE NOT p.term_id = ANY(down.seen)
        )
        SELECT DISTINCT id FROM down);
END
$$;
-- +goose StatementEnd

-- Fill it for the items that exist.
SELECT category_index_rebuild();

ANALYZE category_index;

-- +goose Down
DROP TRIGGER item_type_category_index ON item_type;
DROP TRIGGER item_category_index_upd ON item;
DROP TRIGGER item_category_index_ins ON item;
DROP FUNCTION category_term_family(uuid[]);
DROP FUNCTION category_index_rebuild();
DROP FUNCTION category_index_type_sync();
DROP FUNCTION category_index_sync_fields();
DROP FUNCTION category_index_item_sync();
DROP FUNCTION category_index_refresh(uuid[]);
DROP FUNCTION category_reference_field_names();
DROP FUNCTION category_index_terms(jsonb, text[]);
DROP TABLE category_index_field;
DROP TABLE category_index;
