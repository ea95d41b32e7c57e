-- +goose Up
-- Categories: vocabularies of terms, arranged in a hierarchy by
-- category_term_parent (a term without rows there is a root). Items reference
-- terms from category_reference fields ({"target_id": "<term uuid>"}).
CREATE TABLE category_vocabulary (
    id          text PRIMARY KEY,
    label       text NOT NULL,
    description text NOT NULL DEFAULT '',
    -- 0: flat (no parents), 1: single parent, 2: multiple parents.
    hierarchy   smallint NOT NULL DEFAULT 1 CHECK (hierarchy IN (0, 1, 2)),
    weight      integer NOT NULL DEFAULT 0
);

CREATE TABLE category_term (
    id            uuid PRIMARY KEY,
    vocabulary_id text NOT NULL REFERENCES category_vocabulary(id) ON DELETE CASCADE,
    name          text NOT NULL,
    description   text NOT NULL DEFAULT '',
    format        text NOT NULL DEFAULT 'plain_text',
    weight        integer NOT NULL DEFAULT 0,
    created       timestamptz NOT NULL DEFAULT now(),
    changed       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX category_term_vocabulary ON category_term (vocabulary_id, weight, name);

CREATE TABLE category_term_parent (
    term_id   uuid NOT NULL REFERENCES category_term(id) ON DELETE CASCADE,
    parent_id uuid NOT NULL REFERENCES category_term(id) ON DELETE CASCADE,
    PRIMARY KEY (term_id, parent_id),
    CHECK (term_id <> parent_id)
);

CREATE INDEX category_term_parent_parent ON category_term_parent (parent_id);

-- +goose Down
DROP TABLE category_term_parent;
DROP TABLE category_term;
DROP TABLE category_vocabulary;
