-- Staged category terms (migrations/00017): the overlay reads of a stage
-- chain, the stage writes, and the statements publish, discard and move
-- run. Live reads stay in category.sql.

-- name: GetTermStaged :one
-- One term as chain @chain sees it; its parents without those the chain
-- deleted (or that do not exist in it).
SELECT e.id::uuid AS id, e.vocabulary_id::text AS vocabulary_id, e.name::text AS name,
       e.description::text AS description, e.format::text AS format, e.weight::int AS weight,
       ARRAY(SELECT x FROM unnest(e.parents) x
             WHERE EXISTS (SELECT 1 FROM stage_terms_by_id(@chain::text[], ARRAY[x]) AS p(id, vocabulary_id, name, description, format, weight, parents, created, changed, revision_id, source, term_stage)))::uuid[] AS parents,
       e.created::timestamptz AS created, e.changed::timestamptz AS changed, e.source::text AS source,
       e.term_stage::text AS term_stage
FROM stage_terms_by_id(@chain::text[], ARRAY[@id::uuid]) AS e(id, vocabulary_id, name, description, format, weight, parents, created, changed, revision_id, source, term_stage);

-- name: CountTermsStaged :one
SELECT count(*) FROM stage_terms(@chain::text[], @vocabulary::text);

-- name: TermsStaged :many
-- Every term of @vocabulary as chain @chain sees it, in sibling order
-- (weight, name, id: the position is the tie-break of Live's ordering, so
-- the hierarchy built from it in Go (app/category/stage.go) orders as
-- Live's recursive queries do). Parents are as stored; the caller drops
-- those outside the overlay.
SELECT e.id::uuid AS id, e.name::text AS name, e.description::text AS description, e.weight::int AS weight,
       e.parents::uuid[] AS parents
FROM stage_terms(@chain::text[], @vocabulary::text) AS e(id, vocabulary_id, name, description, format, weight, parents, created, changed, revision_id, source, term_stage)
ORDER BY e.weight, e.name, e.id;

-- name: TermsByIDStaged :many
-- Terms @ids as chain @chain sees them, in sibling order (see TermsStaged):
-- the steps of the ancestor walk in Go.
SELECT e.id::uuid AS id, e.name::text AS name, e.description::text AS description, e.weight::int AS weight,
       e.parents::uuid[] AS parents
FROM stage_terms_by_id(@chain::text[], @ids::uuid[]) AS e(id, vocabulary_id, name, description, format, weight, parents, created, changed, revision_id, source, term_stage)
ORDER BY e.weight, e.name, e.id;

-- name: TermChildCandidates :many
-- The terms that may have one of @ids as a parent in chain @chain: Live's
-- children (by the parent index) and the chain's copies in @vocabulary (a
-- copy may add a parent). A step of the descendant walk reads these with
-- TermsByIDStaged and keeps those whose parents include @ids, so it does
-- not read the whole vocabulary. (Two statements: a sub-select as an
-- argument of stage_terms would stop the planner from inlining it.)
SELECT p.term_id FROM category_term_parent p WHERE p.parent_id = ANY(@ids::uuid[])
UNION
SELECT st.term_id FROM stage_term st WHERE st.stage_id = ANY(@chain::text[]) AND st.vocabulary_id = @vocabulary::text;

-- name: SuggestTermsStaged :many
SELECT e.id::uuid AS id, e.name::text AS name FROM stage_terms(@chain::text[], @vocabulary::text) AS e(id, vocabulary_id, name, description, format, weight, parents, created, changed, revision_id, source, term_stage)
WHERE strpos(lower(e.name), lower(@q::text)) > 0
ORDER BY strpos(lower(e.name), lower(@q::text)) = 1 DESC, e.weight, e.name, e.id
LIMIT @lim;

-- name: TermsByNameStaged :many
SELECT e.id::uuid AS id FROM stage_terms(@chain::text[], @vocabulary::text) AS e(id, vocabulary_id, name, description, format, weight, parents, created, changed, revision_id, source, term_stage)
WHERE lower(e.name) = lower(@name::text)
ORDER BY e.weight, e.name, e.id;

-- name: RecordLiveTermRevision :exec
-- A Live save of a term records its new state (with its parents, written
-- earlier in the transaction) as a revision and makes it Live's current
-- one: the base a stage copy made later is compared with.
WITH rev AS (
    INSERT INTO category_term_revision (id, term_id, vocabulary_id, name, description, format, weight, parents,
                                        author_id, created, stage_id, in_live)
    SELECT @revision_id::uuid, t.id, t.vocabulary_id, t.name, t.description, t.format, t.weight,
           ARRAY(SELECT p.parent_id FROM category_term_parent p WHERE p.term_id = t.id ORDER BY p.parent_id),
           sqlc.narg(author_id)::uuid, clock_timestamp(), 'live', true
    FROM category_term t WHERE t.id = @term_id::uuid
    RETURNING id, term_id
)
UPDATE category_term t SET revision_id = rev.id FROM rev WHERE t.id = rev.term_id;

-- name: InsertStageTermRevision :exec
INSERT INTO category_term_revision (id, term_id, vocabulary_id, name, description, format, weight, parents,
                                    author_id, created, stage_id, in_live)
VALUES (@id, @term_id, @vocabulary_id, @name, @description, @format, @weight, @parents::uuid[],
        sqlc.narg(author_id)::uuid, clock_timestamp(), @stage_id, false);

-- name: TermHeads :many
-- What chain @chain reads of each term (an empty chain: Live): whether a
-- stage of the chain holds a copy or a deletion, the revision it reads
-- (the nearest copy, else Live's current one; NULL when deleted or
-- absent), where the term was created, and who wrote that revision when,
-- for conflict messages.
SELECT k.id::uuid AS id,
       (o.stage_id IS NOT NULL)::boolean AS copied,
       (o.stage_id IS NOT NULL AND o.revision_id IS NULL)::boolean AS deleted,
       r.id AS revision_id,
       COALESCE(o.term_stage, 'live')::text AS term_stage,
       (l.id IS NOT NULL)::boolean AS in_live,
       COALESCE(r.stage_id, '')::text AS revision_stage, r.created AS revision_created,
       COALESCE(u.name, '')::text AS revision_author
FROM unnest(@ids::uuid[]) AS k(id)
LEFT JOIN LATERAL (
    SELECT st.stage_id, st.revision_id, st.term_stage FROM stage_term st
    WHERE st.term_id = k.id AND st.stage_id = ANY(@chain::text[])
    ORDER BY array_position(@chain::text[], st.stage_id) LIMIT 1) o ON true
LEFT JOIN category_term l ON l.id = k.id
LEFT JOIN category_term_revision r ON r.id = CASE WHEN o.stage_id IS NOT NULL THEN o.revision_id ELSE l.revision_id END
LEFT JOIN users u ON u.id = r.author_id;

-- name: UpsertStageTerm :exec
-- Points stage @stage_id at a new copy of a term (or, with a NULL revision,
-- records its deletion). The base and the creating stage are set by the
-- first copy; later saves keep them.
INSERT INTO stage_term (stage_id, term_id, vocabulary_id, term_stage, revision_id, base_revision_id, author_id, changed)
VALUES (@stage_id, @term_id, @vocabulary_id, @term_stage, sqlc.narg(revision_id)::uuid, sqlc.narg(base_revision_id)::uuid,
        sqlc.narg(author_id)::uuid, now())
ON CONFLICT (stage_id, term_id) DO UPDATE
SET revision_id = EXCLUDED.revision_id, author_id = EXCLUDED.author_id, changed = now();

-- name: PurgeStagedTerm :exec
-- Forgets a term created in stage @stage_id everywhere (its copies in
-- child stages too) with its revisions: deleting or discarding it there.
WITH gone AS (
    DELETE FROM stage_term st WHERE st.term_id = @term_id::uuid AND st.term_stage = @stage_id::text
)
DELETE FROM category_term_revision r WHERE r.term_id = @term_id::uuid AND NOT r.in_live;

-- name: DiscardStageTerm :exec
-- Forgets one stage's change of a Live term (or of a term created in an
-- ancestor stage), with the revisions the stage wrote.
WITH gone AS (
    DELETE FROM stage_term st WHERE st.stage_id = @stage_id::text AND st.term_id = @term_id::uuid
)
DELETE FROM category_term_revision r WHERE r.term_id = @term_id::uuid AND r.stage_id = @stage_id::text AND NOT r.in_live;

-- name: DiscardStageTerms :exec
-- Forgets every term change of a stage: its copies and deletions, the terms
-- it created (also as copied by its child stages) and its revisions.
WITH gone AS (
    DELETE FROM stage_term WHERE stage_id = @stage_id::text OR term_stage = @stage_id::text
)
DELETE FROM category_term_revision WHERE stage_id = @stage_id::text AND NOT in_live;

-- name: StageTermChanges :many
-- Every term change of a stage with the stage's copy (NULL for a deletion)
-- and the revision it was based on (NULL for a term created here), for the
-- review page and publish. Newest first.
SELECT st.term_id, st.vocabulary_id, v.label AS vocabulary_label, st.term_stage,
       st.revision_id, st.base_revision_id,
       COALESCE(r.name, b.name, '')::text AS name, COALESCE(r.description, '')::text AS description,
       COALESCE(r.weight, 0)::int AS weight, COALESCE(r.parents, '{}')::uuid[] AS parents,
       (b.id IS NOT NULL)::boolean AS has_base,
       COALESCE(b.name, '')::text AS base_name, COALESCE(b.description, '')::text AS base_description,
       COALESCE(b.weight, 0)::int AS base_weight, COALESCE(b.parents, '{}')::uuid[] AS base_parents,
       COALESCE(u.name, '')::text AS author_name, st.changed
FROM stage_term st
JOIN category_vocabulary v ON v.id = st.vocabulary_id
LEFT JOIN category_term_revision r ON r.id = st.revision_id
LEFT JOIN category_term_revision b ON b.id = st.base_revision_id
LEFT JOIN users u ON u.id = st.author_id
WHERE st.stage_id = @stage_id::text
ORDER BY st.changed DESC, st.term_id;

-- name: TermNames :many
-- Names of terms by id as chain @chain sees them (review diffs of parents).
SELECT e.id::uuid AS id, e.name::text AS name FROM stage_terms_by_id(@chain::text[], @ids::uuid[]) AS e(id, vocabulary_id, name, description, format, weight, parents, created, changed, revision_id, source, term_stage);

-- name: CountStageTermChanges :one
SELECT count(*) FROM stage_term WHERE stage_id = @stage_id::text;

-- name: LockTermVocabularies :many
-- Publish into Live takes the vocabularies it touches as Live term saves do
-- (LockVocabulary), in id order, then the term rows.
SELECT id FROM category_vocabulary WHERE id = ANY(@ids::text[]) ORDER BY id FOR UPDATE;

-- name: LockTerms :many
SELECT id FROM category_term WHERE id = ANY(@ids::uuid[]) ORDER BY id FOR UPDATE;

-- name: DeleteTermsHard :exec
-- Publish of deletions: the terms go with their parents' rows (cascade),
-- the other stages' copies of them and their revisions.
WITH copies AS (
    DELETE FROM stage_term WHERE term_id = ANY(@ids::uuid[]) AND term_stage = 'live'
), revs AS (
    DELETE FROM category_term_revision WHERE term_id = ANY(@ids::uuid[])
)
DELETE FROM category_term WHERE id = ANY(@ids::uuid[]);

-- name: PublishTerms :exec
-- Makes stage revisions Live's terms: changed terms take the revision's
-- values, terms created in a stage get their Live row; each revision and
-- the stage's earlier ones of its term join Live's history.
WITH pub AS (
    SELECT * FROM category_term_revision WHERE id = ANY(@revision_ids::uuid[])
), marked AS (
    UPDATE category_term_revision rv SET in_live = true
    FROM pub WHERE rv.term_id = pub.term_id AND rv.stage_id = pub.stage_id AND rv.created <= pub.created AND NOT rv.in_live
    RETURNING rv.id
), upd AS (
    UPDATE category_term t SET name = pub.name, description = pub.description, format = pub.format,
        weight = pub.weight, revision_id = pub.id, changed = now()
    FROM pub WHERE t.id = pub.term_id
    RETURNING t.id
)
INSERT INTO category_term (id, vocabulary_id, name, description, format, weight, revision_id, created, changed)
SELECT pub.term_id, pub.vocabulary_id, pub.name, pub.description, pub.format, pub.weight, pub.id,
       (SELECT min(f.created) FROM category_term_revision f WHERE f.term_id = pub.term_id), now()
FROM pub WHERE NOT EXISTS (SELECT 1 FROM category_term t WHERE t.id = pub.term_id);

-- name: ClearPublishedTermParents :exec
DELETE FROM category_term_parent p USING category_term_revision r
WHERE r.id = ANY(@revision_ids::uuid[]) AND p.term_id = r.term_id;

-- name: PublishTermParents :exec
-- The published revisions' parents, after ClearPublishedTermParents and
-- PublishTerms (so parents created by the same publish exist); a parent
-- Live no longer has is dropped.
INSERT INTO category_term_parent (term_id, parent_id)
SELECT r.term_id, x FROM category_term_revision r, unnest(r.parents) x
WHERE r.id = ANY(@revision_ids::uuid[]) AND x <> r.term_id
  AND EXISTS (SELECT 1 FROM category_term t WHERE t.id = x)
ON CONFLICT DO NOTHING;

-- name: DeleteStageTerms :exec
DELETE FROM stage_term WHERE stage_id = @stage_id::text AND term_id = ANY(@term_ids::uuid[]);

-- name: MoveStageTerms :exec
-- A child stage's publish into its parent: the child's term copies and
-- deletions replace the parent's; a new row in the parent is based on what
-- the parent read (@base_chain: the parent's ancestors), a replaced one
-- keeps its base. Terms the child created become the parent's.
WITH moved AS (
    DELETE FROM stage_term src
    WHERE src.stage_id = @from_stage::text AND src.term_id = ANY(@term_ids::uuid[])
    RETURNING src.term_id, src.vocabulary_id, src.term_stage, src.revision_id, src.author_id
)
INSERT INTO stage_term (stage_id, term_id, vocabulary_id, term_stage, revision_id, base_revision_id, author_id, changed)
SELECT @to_stage::text, m.term_id, m.vocabulary_id,
       CASE WHEN m.term_stage = @from_stage::text THEN @to_stage::text ELSE m.term_stage END,
       m.revision_id,
       CASE WHEN m.term_stage = @from_stage::text THEN NULL
            WHEN o.stage_id IS NOT NULL THEN o.revision_id ELSE l.revision_id END,
       m.author_id, now()
FROM moved m
LEFT JOIN LATERAL (
    SELECT st.stage_id, st.revision_id FROM stage_term st
    WHERE st.term_id = m.term_id AND st.stage_id = ANY(@base_chain::text[])
    ORDER BY array_position(@base_chain::text[], st.stage_id) LIMIT 1) o ON true
LEFT JOIN category_term l ON l.id = m.term_id
ON CONFLICT (stage_id, term_id) DO UPDATE
SET revision_id = EXCLUDED.revision_id, author_id = EXCLUDED.author_id, changed = now();

-- name: MoveCreatedTerms :exec
-- Provenance of a child's publish into its parent: terms the child created
-- are the parent's now (also in the rows of the child's own children), and
-- the child's revisions become the parent's.
WITH created AS (
    UPDATE stage_term SET term_stage = @to_stage::text
    WHERE term_stage = @from_stage::text AND term_id = ANY(@term_ids::uuid[])
)
UPDATE category_term_revision SET stage_id = @to_stage::text
WHERE term_id = ANY(@term_ids::uuid[]) AND stage_id = @from_stage::text AND NOT in_live;

-- name: PurgeDeletedCreatedTerms :exec
-- After a move: a term the target stage created and now deletes is gone
-- for good (it never reached Live).
WITH dead AS (
    SELECT st.term_id FROM stage_term st
    WHERE st.stage_id = @stage_id::text AND st.revision_id IS NULL AND st.term_stage = @stage_id::text
), gone AS (
    DELETE FROM stage_term st USING dead WHERE st.term_id = dead.term_id
)
DELETE FROM category_term_revision r USING dead WHERE r.term_id = dead.term_id AND NOT r.in_live;

-- name: MarkTermsLive :exec
-- After publish into Live: child stages' copies of terms the stage created
-- now copy Live terms.
UPDATE stage_term SET term_stage = 'live' WHERE term_id = ANY(@term_ids::uuid[]) AND term_stage <> 'live';

-- name: PublishedTermProblems :many
-- After a publish wrote terms @term_ids into Live: those that break their
-- vocabulary's hierarchy rule now (parents in a flat vocabulary, several
-- in a single-parent one; the rule may have been narrowed since the stage
-- copy was made) or sit on a cycle formed with Live changes made since.
WITH RECURSIVE walk(start, id, seen, cyc) AS (
    SELECT p.term_id, p.parent_id, ARRAY[p.term_id], p.parent_id = p.term_id
    FROM category_term_parent p WHERE p.term_id = ANY(@term_ids::uuid[])
    UNION ALL
    SELECT w.start, p.parent_id, w.seen || w.id, p.parent_id = w.start
    FROM walk w JOIN category_term_parent p ON p.term_id = w.id
    WHERE NOT w.cyc AND NOT w.id = ANY(w.seen)
)
SELECT t.id, t.name, 'cycle'::text AS problem
FROM category_term t WHERE t.id IN (SELECT start FROM walk WHERE cyc)
UNION ALL
SELECT t.id, t.name, 'hierarchy'::text
FROM category_term t JOIN category_vocabulary v ON v.id = t.vocabulary_id
WHERE t.id = ANY(@term_ids::uuid[])
  AND ((v.hierarchy = 0 AND EXISTS (SELECT 1 FROM category_term_parent p WHERE p.term_id = t.id))
    OR (v.hierarchy = 1 AND (SELECT count(*) FROM category_term_parent p WHERE p.term_id = t.id) > 1));

-- name: RevisionTargetIDs :many
-- Every target_id the revisions' field values hold (category and item
-- references alike), as text: a publish of chosen items takes along the
-- stage-created terms among them.
SELECT DISTINCT (v ->> 'target_id')::text AS target
FROM item_revision r,
     jsonb_each(r.fields) f,
     jsonb_array_elements(CASE WHEN jsonb_typeof(f.value) = 'array' THEN f.value ELSE '[]'::jsonb END) v
WHERE r.id = ANY(@ids::uuid[]) AND jsonb_typeof(v) = 'object' AND v ? 'target_id';
