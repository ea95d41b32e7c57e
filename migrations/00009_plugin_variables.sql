-- +goose Up
-- Plugin variables (the variables_get/variables_set host functions): small
-- JSON values a plugin keeps between calls, private to the plugin. The job
-- queue's tables come from River's own migrator (see migrations.go).
CREATE TABLE plugin_variable (
    plugin  text NOT NULL,
    name    text NOT NULL,
    value   jsonb NOT NULL,
    changed timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plugin, name)
);

-- +goose Down
DROP TABLE plugin_variable;
