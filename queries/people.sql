-- name: ListPeople :many
-- Users (never the anonymous row), newest first, optionally only those
-- holding a role or with a status; one row more than shown tells the mini
-- pager whether a next page exists.
SELECT u.id, u.name, u.email, u.is_admin, u.status, u.created, u.login,
       COALESCE((SELECT array_agg(ur.role ORDER BY ur.role) FROM user_roles ur WHERE ur.user_id = u.id), '{}')::text[] AS roles
FROM users u
WHERE u.id <> '00000000-0000-0000-0000-000000000000'
  AND (sqlc.narg(role)::text IS NULL
       OR EXISTS (SELECT 1 FROM user_roles f WHERE f.user_id = u.id AND f.role = sqlc.narg(role)::text))
  AND (sqlc.narg(status)::boolean IS NULL OR u.status = sqlc.narg(status)::boolean)
ORDER BY u.created DESC, u.id DESC
LIMIT @lim OFFSET @off;

-- name: UpdateAccount :exec
UPDATE users SET name = $2, email = $3, is_admin = $4, status = $5, changed = now() WHERE id = $1;

-- name: SetPassHash :exec
UPDATE users SET pass_hash = $2, changed = now() WHERE id = $1;

-- name: SetUserStatus :exec
UPDATE users SET status = $2, changed = now() WHERE id = $1;

-- name: ClearUserRoles :exec
DELETE FROM user_roles WHERE user_id = $1;

-- name: LockAdmins :exec
-- Serializes the transactions that may remove an administrator, so two of
-- them cannot both see the other administrator and leave none.
SELECT pg_advisory_xact_lock(7472766174);

-- name: CountOtherActiveAdmins :one
SELECT count(*) FROM users WHERE is_admin AND status AND id <> $1;

-- name: EmailTaken :one
SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower(@email::text) AND id <> @id);

-- name: CountItemsByAuthor :one
SELECT count(*) FROM item WHERE author_id = $1;

-- name: ReassignItems :exec
UPDATE item SET author_id = @to_id WHERE author_id = @from_id;

-- name: ReassignRevisions :exec
UPDATE item_revision SET author_id = @to_id WHERE author_id = @from_id;

-- name: DeleteItemsByAuthor :execrows
-- Revisions go with their item (ON DELETE CASCADE).
DELETE FROM item WHERE author_id = $1;

-- name: DeleteUser :execrows
DELETE FROM users WHERE id = $1;

-- name: ListRoles :many
SELECT r.name, r.label, r.weight,
       (SELECT count(*) FROM user_roles ur WHERE ur.role = r.name) AS users
FROM roles r ORDER BY r.weight, r.name;

-- name: GetRole :one
SELECT name, label, weight FROM roles WHERE name = $1;

-- name: CreateRole :exec
INSERT INTO roles (name, label, weight)
VALUES ($1, $2, (SELECT COALESCE(max(weight), 0) + 1 FROM roles));

-- name: UpdateRoleLabel :execrows
UPDATE roles SET label = $2 WHERE name = $1;

-- name: DeleteRole :execrows
DELETE FROM roles WHERE name = $1;

-- name: AllRolePermissions :many
SELECT role, permission FROM role_permissions ORDER BY role, permission;

-- name: RevokePermissions :exec
DELETE FROM role_permissions WHERE permission = ANY(@permissions::text[]);
