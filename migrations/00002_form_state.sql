-- +goose Up
-- Server-side form state for AJAX rebuilds ("Add another item", "Remove")
-- and multi-step forms, keyed by the random form build id each rendered
-- form carries. Rows expire and are deleted by a periodic cleanup.
CREATE TABLE form_state (
    build_id    text PRIMARY KEY,
    form_id     text NOT NULL,
    owner_id    uuid NOT NULL,
    state       jsonb NOT NULL,
    expires     timestamptz NOT NULL
);

CREATE INDEX form_state_expires ON form_state (expires);

-- +goose Down
DROP TABLE form_state;
