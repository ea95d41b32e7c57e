-- +goose Up
-- Per-type permissions replace "create X content implies editing own X":
-- authors edit and delete their own pages, editors edit and delete any,
-- and everyone who is logged in sees their own unpublished items.
INSERT INTO roles (name, label, weight) VALUES ('administrator', 'Administrator', 3) ON CONFLICT DO NOTHING;
INSERT INTO role_permissions (role, permission) VALUES
    ('authenticated', 'view own unpublished content'),
    ('editor', 'edit own page content'),
    ('editor', 'edit any page content'),
    ('editor', 'delete own page content'),
    ('editor', 'delete any page content'),
    ('editor', 'view page revisions'),
    ('editor', 'revert page revisions')
ON CONFLICT DO NOTHING;

-- +goose Down
DELETE FROM role_permissions WHERE permission IN ('view own unpublished content', 'edit own page content',
    'edit any page content', 'delete own page content', 'delete any page content', 'view page revisions',
    'revert page revisions');
DELETE FROM roles WHERE name = 'administrator';
