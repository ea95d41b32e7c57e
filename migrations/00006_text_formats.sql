-- +goose Up
-- Logged-in users may write Basic HTML and Markdown; Full HTML stays with
-- administrators (who hold every permission) until granted to a trusted role.
INSERT INTO role_permissions (role, permission) VALUES
    ('authenticated', 'use text format basic_html'),
    ('authenticated', 'use text format markdown')
ON CONFLICT DO NOTHING;

-- +goose Down
DELETE FROM role_permissions WHERE role = 'authenticated'
    AND permission IN ('use text format basic_html', 'use text format markdown');
