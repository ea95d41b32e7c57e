-- Materialized columns of item fields (migration 00012, app/gather
-- materialize.go).

-- name: ListGatherColumns :many
SELECT * FROM gather_column ORDER BY field;

-- name: GetGatherColumn :one
SELECT * FROM gather_column WHERE field = $1;

-- name: GetGatherColumnForUpdate :one
SELECT * FROM gather_column WHERE field = $1 FOR UPDATE;

-- name: UpsertGatherColumn :exec
INSERT INTO gather_column (field, column_name, kind, status, error)
VALUES ($1, $2, $3, $4, '')
ON CONFLICT (field) DO UPDATE SET column_name = EXCLUDED.column_name, kind = EXCLUDED.kind,
    status = EXCLUDED.status, error = '', changed = now();

-- name: SetGatherColumnStatus :execrows
UPDATE gather_column SET status = $2, error = $3, changed = now() WHERE field = $1;

-- name: DeleteGatherColumn :execrows
DELETE FROM gather_column WHERE field = $1;
