-- name: GetConfig :one
SELECT value FROM config WHERE name = $1;

-- name: SetConfig :exec
INSERT INTO config (name, value) VALUES ($1, $2)
ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, changed = now();

-- name: ListGatherViews :many
SELECT name, label, definition FROM gather_view ORDER BY name;

-- name: UpsertGatherView :exec
INSERT INTO gather_view (name, label, definition) VALUES ($1, $2, $3)
ON CONFLICT (name) DO UPDATE SET label = EXCLUDED.label, definition = EXCLUDED.definition, changed = now();
