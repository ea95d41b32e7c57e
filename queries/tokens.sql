-- name: CreateToken :exec
INSERT INTO api_tokens (id, user_id, token_hash, label) VALUES ($1, $2, $3, $4);

-- name: UserByTokenHash :one
SELECT u.id, u.name, u.email, u.pass_hash, u.is_admin, u.status, u.data, u.created, u.changed, u.login
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_hash = $1;
