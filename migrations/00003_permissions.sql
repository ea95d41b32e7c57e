-- +goose Up
-- Editors may edit any content; only administrators manage content types
-- (administrators hold every permission through users.is_admin).
INSERT INTO role_permissions (role, permission) VALUES
    ('editor', 'administer content')
ON CONFLICT DO NOTHING;

-- +goose Down
DELETE FROM role_permissions WHERE role = 'editor' AND permission = 'administer content';
