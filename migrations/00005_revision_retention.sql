-- +goose Up
-- Revision retention: per content type, how many revisions of each item to
-- keep (0 or no row: keep every revision). A background job prunes older
-- revisions in batches and never removes an item's current revision.
CREATE TABLE item_type_retention (
    type    text PRIMARY KEY REFERENCES item_type(type) ON DELETE CASCADE,
    keep    integer NOT NULL CHECK (keep >= 0),
    changed timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE item_type_retention;
