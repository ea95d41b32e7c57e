-- name: ListPluginStatus :many
-- Every plugin the site knows, enabled or not, installed or uninstalled. A
-- plugin without a row is new (it is installed and enabled at start).
SELECT name, enabled, installed, changed FROM plugin_status ORDER BY name;

-- name: SetPluginStatus :exec
INSERT INTO plugin_status (name, enabled, installed, changed) VALUES ($1, $2, true, now())
ON CONFLICT (name) DO UPDATE SET enabled = EXCLUDED.enabled, installed = true, changed = now();

-- name: SetPluginUninstalled :exec
INSERT INTO plugin_status (name, enabled, installed, changed) VALUES ($1, false, false, now())
ON CONFLICT (name) DO UPDATE SET enabled = false, installed = false, changed = now();

-- name: DeletePluginStatus :exec
DELETE FROM plugin_status WHERE name = $1;
