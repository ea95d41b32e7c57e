-- name: CreateUser :exec
INSERT INTO users (id, name, email, pass_hash, is_admin, status)
VALUES ($1, $2, $3, $4, $5, true);

-- name: GetUserByName :one
SELECT id, name, email, pass_hash, is_admin, status, data, created, changed, login
FROM users WHERE name = $1;

-- name: GetUser :one
SELECT id, name, email, pass_hash, is_admin, status, data, created, changed, login
FROM users WHERE id = $1;

-- name: TouchLogin :exec
UPDATE users SET login = now() WHERE id = $1;

-- name: UserRoles :many
SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role;

-- name: AddUserRole :exec
INSERT INTO user_roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING;

-- name: RolePermissions :many
SELECT DISTINCT permission FROM role_permissions WHERE role = ANY(@roles::text[]) ORDER BY permission;

-- name: GrantPermission :exec
INSERT INTO role_permissions (role, permission) VALUES ($1, $2) ON CONFLICT DO NOTHING;

-- name: CountAdmins :one
SELECT count(*) FROM users WHERE is_admin;
