-- name: ListPluginStatus :many
-- Every plugin the site has installed, enabled or not. A plugin without a
-- row has never been installed (new plugins default to enabled).
SELECT name, enabled, changed FROM plugin_status ORDER BY name;

-- name: SetPluginStatus :exec
INSERT INTO plugin_status (name, enabled, changed) VALUES ($1, $2, now())
ON CONFLICT (name) DO UPDATE SET enabled = EXCLUDED.enabled, changed = now();

-- name: DeletePluginStatus :exec
DELETE FROM plugin_status WHERE name = $1;
