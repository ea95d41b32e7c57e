-- name: GetPluginVariable :one
SELECT value FROM plugin_variable WHERE plugin = $1 AND name = $2;

-- name: SetPluginVariable :exec
INSERT INTO plugin_variable (plugin, name, value) VALUES ($1, $2, $3)
ON CONFLICT (plugin, name) DO UPDATE SET value = EXCLUDED.value, changed = now();

-- name: DeletePluginVariable :exec
DELETE FROM plugin_variable WHERE plugin = $1 AND name = $2;

-- name: DeletePluginVariables :exec
DELETE FROM plugin_variable WHERE plugin = $1;
