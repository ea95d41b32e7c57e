-- +goose Up
-- Block visibility by role and by content type (Drupal 7's "Show block for
-- specific roles" and "Show block on specific content types"). roles holds
-- role names (roles.name, including 'anonymous' and 'authenticated'); an
-- empty list shows the block to everyone. types holds content type names
-- (item_type.type); an empty list shows the block on every page, a
-- non-empty one only on the page of an item of one of those types. Plain
-- arrays, not join tables with cascading deletes: deleting a role or type
-- must not silently widen a block to everyone (Drupal's block_role does),
-- and a change here bumps block.changed, which the node caches follow.
ALTER TABLE block
    ADD COLUMN roles text[] NOT NULL DEFAULT '{}',
    ADD COLUMN types text[] NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE block DROP COLUMN roles, DROP COLUMN types;
