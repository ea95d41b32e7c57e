-- +goose Up
-- Staged category terms. A term changed in a stage follows the item model
-- (00008): the stage's copy is an immutable category_term_revision row and
-- stage_term points the stage at it (stage → term → revision), with the
-- revision the stage read when its first copy was made (base_revision_id)
-- for publish's conflict check. A term deleted in a stage is a stage_term
-- row without a revision. Live's category_term and category_term_parent
-- rows change only by saving in Live or by publish.
--
-- Decisions:
--   - A separate stage_term table rather than entity_kind = 'term' in
--     stage_association: that table's item_id references item and its
--     statement triggers maintain stage_effective (the item overlay); terms
--     need neither, and keeping them apart leaves stage_items(chain) and
--     its triggers untouched.
--   - A term created in a stage has NO category_term row until publish: it
--     lives in category_term_revision and stage_term only (term_stage names
--     the stage that created it). So every Live query of category_term, in
--     this package or elsewhere (Gather's hierarchy filters), stays Live
--     without a filter to forget.
--   - Live saves record a revision too (stage_id 'live', in_live), and
--     category_term.revision_id names Live's current one, so a conflict is
--     "the target's revision is not the base", as for items. Existing
--     terms get one revision each here (no author).
CREATE TABLE category_term_revision (
    id            uuid PRIMARY KEY,
    -- No foreign key: a stage-created term has no category_term row yet.
    term_id       uuid NOT NULL,
    vocabulary_id text NOT NULL REFERENCES category_vocabulary(id) ON DELETE CASCADE,
    name          text NOT NULL,
    description   text NOT NULL DEFAULT '',
    format        text NOT NULL DEFAULT 'plain_text',
    weight        integer NOT NULL DEFAULT 0,
    parents       uuid[] NOT NULL DEFAULT '{}',
    author_id     uuid REFERENCES users(id) ON DELETE SET NULL,
    created       timestamptz NOT NULL DEFAULT now(),
    -- Where it was written ('live' or a stage; kept after publish) and
    -- whether it is part of Live's history.
    stage_id      text NOT NULL DEFAULT 'live',
    in_live       boolean NOT NULL DEFAULT true
);

CREATE INDEX category_term_revision_term ON category_term_revision (term_id, created);

ALTER TABLE category_term ADD COLUMN revision_id uuid;

CREATE TABLE stage_term (
    stage_id         text NOT NULL REFERENCES stage(id) ON DELETE CASCADE,
    term_id          uuid NOT NULL,
    vocabulary_id    text NOT NULL REFERENCES category_vocabulary(id) ON DELETE CASCADE,
    -- 'live' for a term that exists in Live, else the stage that created it
    -- (the term exists only in that stage's chain until publish).
    term_stage       text NOT NULL DEFAULT 'live' REFERENCES stage(id) ON DELETE CASCADE,
    -- The stage's copy; NULL: the term is deleted in the stage.
    revision_id      uuid REFERENCES category_term_revision(id) ON DELETE CASCADE,
    -- What the stage read when its first copy was made: its parent stage's
    -- copy, else Live's current revision; NULL for a term created here.
    base_revision_id uuid,
    author_id        uuid REFERENCES users(id) ON DELETE SET NULL,
    changed          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stage_id, term_id)
);

CREATE INDEX stage_term_vocabulary ON stage_term (vocabulary_id, stage_id);
CREATE INDEX stage_term_term ON stage_term (term_id);

-- stage_terms is the vocabulary @vocab as stage chain @chain sees it
-- (nearest stage first, Live excluded): Live's terms and the terms created
-- in the chain, each overlaid with its nearest stage copy, minus the terms
-- the chain deleted. stage_terms_by_id is the same for the terms @ids. Two
-- functions with one body rather than optional filters, so each filter
-- walks its index (vocabulary, primary key). parents are the copy's (or
-- Live's) as stored: a parent the chain deleted is still listed, and the
-- callers drop parents outside the overlay. Plain SQL, STABLE: inlined.
-- +goose StatementBegin
CREATE FUNCTION stage_terms(chain text[], vocab text) RETURNS TABLE (
    id uuid, vocabulary_id text, name text, description text, format text, weight integer, parents uuid[],
    created timestamptz, changed timestamptz, revision_id uuid, source text, term_stage text)
LANGUAGE sql STABLE AS $$
WITH o AS (
    SELECT DISTINCT ON (st.term_id) st.term_id, st.revision_id, st.stage_id, st.term_stage
    FROM stage_term st
    WHERE st.stage_id = ANY(chain) AND st.vocabulary_id = vocab
    ORDER BY st.term_id, array_position(chain, st.stage_id)
), l AS (
    SELECT t.* FROM category_term t WHERE t.vocabulary_id = vocab
), lp AS (
    -- Live's parents of those terms in one aggregate (not a subquery per
    -- row, whose summed cost estimate can reach the JIT threshold).
    SELECT p.term_id, array_agg(p.parent_id ORDER BY p.parent_id) AS parents
    FROM category_term_parent p WHERE p.term_id IN (SELECT l.id FROM l) GROUP BY p.term_id
)
SELECT COALESCE(l.id, o.term_id), COALESCE(r.vocabulary_id, l.vocabulary_id), COALESCE(r.name, l.name),
       COALESCE(r.description, l.description), COALESCE(r.format, l.format), COALESCE(r.weight, l.weight),
       COALESCE(r.parents, lp.parents, '{}'),
       COALESCE(l.created, (SELECT min(f.created) FROM category_term_revision f WHERE f.term_id = o.term_id)),
       COALESCE(r.created, l.changed), COALESCE(r.id, l.revision_id), COALESCE(o.stage_id, 'live'),
       COALESCE(o.term_stage, 'live')
FROM l FULL JOIN o ON o.term_id = l.id
LEFT JOIN lp ON lp.term_id = l.id
LEFT JOIN category_term_revision r ON r.id = o.revision_id
WHERE (o.term_id IS NULL OR o.revision_id IS NOT NULL)
  AND (l.id IS NOT NULL OR (o.term_stage <> 'live' AND o.term_stage = ANY(chain)))
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION stage_terms_by_id(chain text[], ids uuid[]) RETURNS TABLE (
    id uuid, vocabulary_id text, name text, description text, format text, weight integer, parents uuid[],
    created timestamptz, changed timestamptz, revision_id uuid, source text, term_stage text)
LANGUAGE sql STABLE AS $$
WITH o AS (
    SELECT DISTINCT ON (st.term_id) st.term_id, st.revision_id, st.stage_id, st.term_stage
    FROM stage_term st
    WHERE st.stage_id = ANY(chain) AND st.term_id = ANY(ids)
    ORDER BY st.term_id, array_position(chain, st.stage_id)
), l AS (
    SELECT t.* FROM category_term t WHERE t.id = ANY(ids)
), lp AS (
    -- Live's parents of those terms in one aggregate (not a subquery per
    -- row, whose summed cost estimate can reach the JIT threshold).
    SELECT p.term_id, array_agg(p.parent_id ORDER BY p.parent_id) AS parents
    FROM category_term_parent p WHERE p.term_id IN (SELECT l.id FROM l) GROUP BY p.term_id
)
SELECT COALESCE(l.id, o.term_id), COALESCE(r.vocabulary_id, l.vocabulary_id), COALESCE(r.name, l.name),
       COALESCE(r.description, l.description), COALESCE(r.format, l.format), COALESCE(r.weight, l.weight),
       COALESCE(r.parents, lp.parents, '{}'),
       COALESCE(l.created, (SELECT min(f.created) FROM category_term_revision f WHERE f.term_id = o.term_id)),
       COALESCE(r.created, l.changed), COALESCE(r.id, l.revision_id), COALESCE(o.stage_id, 'live'),
       COALESCE(o.term_stage, 'live')
FROM l FULL JOIN o ON o.term_id = l.id
LEFT JOIN lp ON lp.term_id = l.id
LEFT JOIN category_term_revision r ON r.id = o.revision_id
WHERE (o.term_id IS NULL OR o.revision_id IS NOT NULL)
  AND (l.id IS NOT NULL OR (o.term_stage <> 'live' AND o.term_stage = ANY(chain)))
$$;
-- +goose StatementEnd

WITH revs AS (
    INSERT INTO category_term_revision (id, term_id, vocabulary_id, name, description, format, weight, parents, created)
    SELECT gen_random_uuid(), t.id, t.vocabulary_id, t.name, t.description, t.format, t.weight,
           ARRAY(SELECT p.parent_id FROM category_term_parent p WHERE p.term_id = t.id ORDER BY p.parent_id), t.changed
    FROM category_term t
    RETURNING id, term_id
)
UPDATE category_term t SET revision_id = revs.id FROM revs WHERE revs.term_id = t.id;

-- +goose Down
DROP FUNCTION stage_terms_by_id(text[], uuid[]);
DROP FUNCTION stage_terms(text[], text);
DROP TABLE stage_term;
ALTER TABLE category_term DROP COLUMN revision_id;
DROP TABLE category_term_revision;
