-- +goose Up
-- An uninstalled plugin keeps its row, marked not installed (and disabled),
-- so it stays off across restarts; its next enable installs it again
-- (tap_install, its tables). Plugin tables themselves are created by the
-- plugin host from the plugin's manifest, as plugin_<plugin>_<table>.
ALTER TABLE plugin_status ADD COLUMN installed boolean NOT NULL DEFAULT true;

-- +goose Down
DELETE FROM plugin_status WHERE NOT installed;
ALTER TABLE plugin_status DROP COLUMN installed;
