-- name: SaveFormState :exec
INSERT INTO form_state (build_id, form_id, owner_id, state, expires)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (build_id) DO UPDATE SET state = EXCLUDED.state, expires = EXCLUDED.expires;

-- name: LoadFormState :one
SELECT state FROM form_state
WHERE build_id = $1 AND form_id = $2 AND owner_id = $3 AND expires > now();

-- name: DeleteExpiredFormState :execrows
DELETE FROM form_state WHERE expires <= now();
