-- +goose Up
-- Materialized columns (issue 6, the JSONB benchmark's hybrid decision in
-- docs/benchmarks.md): a field a site filters or sorts on may get a stored
-- generated column on item, m_<name> for field_<name>, computed from
-- fields so it never drifts, with its indexes. gather_column records which
-- fields have one and how far its build has got; app/gather reads the
-- ready ones into every listing's SQL and a River job (app/jobs) builds or
-- drops each column. The columns themselves are added at runtime, not here.
CREATE TABLE gather_column (
    field       text PRIMARY KEY CHECK (field ~ '^field_[a-z0-9_]{1,58}$'),
    column_name text NOT NULL UNIQUE CHECK (column_name ~ '^m_[a-z0-9_]{1,58}$'),
    -- text: text[] of every value; number: numeric of the first value;
    -- date: text of the first value; reference: text[] of every target_id.
    kind        text NOT NULL CHECK (kind IN ('text', 'number', 'date', 'reference')),
    status      text NOT NULL CHECK (status IN ('pending', 'building', 'ready', 'failed', 'dropping')),
    error       text NOT NULL DEFAULT '',
    created     timestamptz NOT NULL DEFAULT now(),
    changed     timestamptz NOT NULL DEFAULT now()
);

-- gather_texts lists one property of every value of a field (a JSONB list
-- of deltas) as text, in delta order (NULL where a value lacks it, so
-- m_x[1] is always the first value's): the materialized form of text and
-- reference fields, so an equality filter (any value, as the containment
-- Gather uses on fields) and a sort (the first value, m_x[1]) both read it.
-- A field that is not a list gives an empty array. IMMUTABLE: generated
-- columns and indexes may use it.
-- +goose StatementBegin
CREATE FUNCTION gather_texts(v jsonb, prop text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(e.value ->> prop ORDER BY e.n), '{}')
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(v) = 'array' THEN v ELSE '[]'::jsonb END) WITH ORDINALITY AS e(value, n)
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DO $$
DECLARE c text;
BEGIN
    FOR c IN SELECT column_name FROM gather_column LOOP
        EXECUTE format('ALTER TABLE item DROP COLUMN IF EXISTS %I', c);
    END LOOP;
END $$;
-- +goose StatementEnd
DROP FUNCTION gather_texts(jsonb, text);
DROP TABLE gather_column;
