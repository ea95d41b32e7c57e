-- +goose Up
-- Gather: helpers its builder uses in listing SQL, and the index behind full
-- text search on titles.
--
-- gather_numeric reads a JSONB field value (as text) as a number, or NULL
-- when it is not one, so a listing that compares or sorts a field as a
-- number never fails on a stray value. IMMUTABLE, so expression indexes may
-- use it: CREATE INDEX ... ON item (gather_numeric(fields -> 'field_x' -> 0 ->> 'value')).
-- +goose StatementBegin
CREATE FUNCTION gather_numeric(v text) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN v ~ '^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]{1,3})?\s*$' THEN v::numeric END
$$;
-- +goose StatementEnd

-- gather_uuid reads a reference's target_id as a uuid, or NULL.
-- +goose StatementBegin
CREATE FUNCTION gather_uuid(v text) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN v ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN v::uuid END
$$;
-- +goose StatementEnd

CREATE INDEX item_title_fulltext ON item USING GIN (to_tsvector('english', title));

-- +goose Down
DROP INDEX item_title_fulltext;
DROP FUNCTION gather_uuid(text);
DROP FUNCTION gather_numeric(text);
