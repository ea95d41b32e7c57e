-- name: ListVocabularies :many
SELECT v.*, (SELECT count(*) FROM category_term t WHERE t.vocabulary_id = v.id)::bigint AS terms
FROM category_vocabulary v ORDER BY v.weight, v.label, v.id;

-- name: GetVocabulary :one
SELECT * FROM category_vocabulary WHERE id = $1;

-- name: InsertVocabulary :exec
INSERT INTO category_vocabulary (id, label, description, hierarchy, weight) VALUES ($1, $2, $3, $4, $5);

-- name: UpdateVocabulary :execrows
UPDATE category_vocabulary SET label = $2, description = $3, hierarchy = $4, weight = $5 WHERE id = $1;

-- name: DeleteVocabulary :execrows
DELETE FROM category_vocabulary WHERE id = $1;

-- name: CountTerms :one
SELECT count(*) FROM category_term WHERE vocabulary_id = $1;

-- name: MaxParentsInVocabulary :one
-- The largest number of parents any term of the vocabulary has, to refuse
-- narrowing the hierarchy below what the terms already use.
SELECT COALESCE(max(n), 0)::bigint FROM (
    SELECT count(*) AS n FROM category_term_parent p
    JOIN category_term t ON t.id = p.term_id
    WHERE t.vocabulary_id = $1 GROUP BY p.term_id
) counts;

-- name: GetTerm :one
SELECT * FROM category_term WHERE id = $1;

-- name: InsertTerm :exec
INSERT INTO category_term (id, vocabulary_id, name, description, format, weight)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: UpdateTerm :execrows
UPDATE category_term SET name = $2, description = $3, format = $4, weight = $5, changed = now() WHERE id = $1;

-- name: DeleteTerm :execrows
DELETE FROM category_term WHERE id = $1;

-- name: TermParents :many
SELECT parent_id FROM category_term_parent WHERE term_id = $1 ORDER BY parent_id;

-- name: DeleteTermParents :exec
DELETE FROM category_term_parent WHERE term_id = $1;

-- name: InsertTermParent :exec
INSERT INTO category_term_parent (term_id, parent_id) VALUES ($1, $2);

-- name: TermTree :many
-- Every term of a vocabulary in tree order: each root, then its children
-- (by weight, then name), depth first; parent_id is the nil UUID for roots.
-- A term with several parents appears
-- under each of them; the seen list keeps a corrupt cycle from looping.
WITH RECURSIVE ordered AS (
    SELECT t.id, p.parent_id,
           row_number() OVER (PARTITION BY p.parent_id ORDER BY t.weight, t.name, t.id) AS pos
    FROM category_term t
    LEFT JOIN category_term_parent p ON p.term_id = t.id
    WHERE t.vocabulary_id = $1
), tree AS (
    SELECT o.id, o.parent_id, 0 AS depth, ARRAY[o.pos] AS path, ARRAY[o.id] AS seen
    FROM ordered o WHERE o.parent_id IS NULL
    UNION ALL
    SELECT o.id, o.parent_id, tree.depth + 1, tree.path || o.pos, tree.seen || o.id
    FROM ordered o JOIN tree ON o.parent_id = tree.id
    WHERE NOT o.id = ANY(tree.seen)
)
SELECT t.id, t.vocabulary_id, t.name, t.description, t.format, t.weight,
       COALESCE(tree.parent_id, '00000000-0000-0000-0000-000000000000'::uuid)::uuid AS parent_id, tree.depth::int AS depth
FROM tree JOIN category_term t ON t.id = tree.id
ORDER BY tree.path;

-- name: TermAncestors :many
-- The ancestors of a term, farthest first (the breadcrumb trail); cycle-safe.
WITH RECURSIVE up AS (
    SELECT p.parent_id AS id, 1 AS depth, ARRAY[p.term_id, p.parent_id] AS seen
    FROM category_term_parent p WHERE p.term_id = $1
    UNION ALL
    SELECT p.parent_id, up.depth + 1, up.seen || p.parent_id
    FROM category_term_parent p JOIN up ON p.term_id = up.id
    WHERE NOT p.parent_id = ANY(up.seen)
), deepest AS (
    SELECT up.id, max(up.depth)::int AS depth FROM up GROUP BY up.id
)
SELECT t.id, t.name, deepest.depth
FROM deepest JOIN category_term t ON t.id = deepest.id
ORDER BY deepest.depth DESC, t.weight, t.name;

-- name: TermDescendants :many
-- The descendants of a term (not the term itself), nearest first; cycle-safe.
WITH RECURSIVE down AS (
    SELECT p.term_id AS id, 1 AS depth, ARRAY[p.parent_id, p.term_id] AS seen
    FROM category_term_parent p WHERE p.parent_id = $1
    UNION ALL
    SELECT p.term_id, down.depth + 1, down.seen || p.term_id
    FROM category_term_parent p JOIN down ON p.parent_id = down.id
    WHERE NOT p.term_id = ANY(down.seen)
), nearest AS (
    SELECT down.id, min(down.depth)::int AS depth FROM down GROUP BY down.id
)
SELECT t.id, t.name, nearest.depth
FROM nearest JOIN category_term t ON t.id = nearest.id
ORDER BY nearest.depth, t.weight, t.name;

-- name: CategoryFieldNames :many
-- The names of the category_reference fields, on any content type, whose
-- vocabulary setting is the given vocabulary.
SELECT DISTINCT (f->>'name')::text AS name
FROM item_type it,
     jsonb_array_elements(CASE WHEN jsonb_typeof(it.settings->'fields') = 'array'
                               THEN it.settings->'fields' ELSE '[]'::jsonb END) f
WHERE f->>'type' = 'category_reference' AND f->'settings'->>'vocabulary' = sqlc.arg(vocabulary)::text
ORDER BY 1;

-- name: ItemsWithTerms :many
-- Live items whose fields reference any of the patterns' terms
-- ({"field_x":[{"target_id":"…"}]}, JSON text), newest first; unpublished
-- ones only when asked for. Reads category_index (migrations/00015), which
-- holds Live items only: items created in a stage stay there until publish
-- (app/stage). Each (field, term) gives its newest off+lim rows in order
-- from category_index_term, and the page is cut from their union before
-- the items are read, so a page costs about the same for a term on three
-- items and one on half the site.
SELECT i.id, i.type, i.title, i.status, i.created
FROM (
    SELECT DISTINCT x.item_id, x.created
    FROM unnest(sqlc.arg(patterns)::text[]::jsonb[]) p
    CROSS JOIN LATERAL category_index_terms(p, ARRAY(SELECT jsonb_object_keys(p))) t
    CROSS JOIN LATERAL (
        SELECT ci.item_id, ci.created FROM category_index ci
        WHERE ci.term_id = t.term_id AND ci.field = t.field AND (ci.status OR sqlc.arg(include_unpublished)::bool)
        ORDER BY ci.created DESC, ci.item_id DESC
        LIMIT sqlc.arg(lim)::int + sqlc.arg(off)::int
    ) x
    ORDER BY x.created DESC, x.item_id DESC
    LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off)
) top
JOIN item i ON i.id = top.item_id
ORDER BY top.created DESC, top.item_id DESC;

-- name: LockVocabulary :one
-- Locks a vocabulary for the rest of the transaction (term saves), returning
-- its hierarchy.
SELECT hierarchy FROM category_vocabulary WHERE id = $1 FOR UPDATE;

-- name: SetTermWeight :execrows
-- Reordering: only terms of the vocabulary whose weight really changes.
UPDATE category_term SET weight = @weight, changed = now()
WHERE id = @id AND vocabulary_id = @vocabulary_id AND weight <> @weight;

-- name: SuggestTerms :many
-- Autocomplete: terms whose name contains q (case-insensitively), names
-- starting with it first.
SELECT id, name FROM category_term
WHERE vocabulary_id = @vocabulary_id AND strpos(lower(name), lower(@q::text)) > 0
ORDER BY strpos(lower(name), lower(@q::text)) = 1 DESC, weight, name, id
LIMIT @lim;

-- name: TermsByName :many
-- Free tagging: the terms of a vocabulary with exactly this name (ignoring
-- case), lightest first.
SELECT id FROM category_term
WHERE vocabulary_id = @vocabulary_id AND lower(name) = lower(@name::text)
ORDER BY weight, name, id;

-- name: LiveTermNames :many
-- Names of Live terms by id (Gather's listing cells; category.Service.Names).
SELECT id, name FROM category_term WHERE id = ANY(@ids::uuid[]);
