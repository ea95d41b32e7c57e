-- +goose Up
-- The first schema: accounts and permissions, stages (Live is a stage), content
-- types, items with JSONB fields and immutable revisions, Gather definitions,
-- plugin status and site configuration. Later issues add tables in new files.

CREATE EXTENSION IF NOT EXISTS citext;

CREATE TABLE users (
    id          uuid PRIMARY KEY,
    name        citext NOT NULL UNIQUE,
    email       text NOT NULL DEFAULT '',
    pass_hash   text NOT NULL DEFAULT '',
    is_admin    boolean NOT NULL DEFAULT false,
    status      boolean NOT NULL DEFAULT true,
    data        jsonb NOT NULL DEFAULT '{}',
    created     timestamptz NOT NULL DEFAULT now(),
    changed     timestamptz NOT NULL DEFAULT now(),
    login       timestamptz
);

-- The anonymous user owns content whose author was removed; its id is fixed.
INSERT INTO users (id, name, status) VALUES ('00000000-0000-0000-0000-000000000000', 'anonymous', false);

CREATE TABLE roles (
    name    text PRIMARY KEY,
    label   text NOT NULL,
    weight  integer NOT NULL DEFAULT 0
);

INSERT INTO roles (name, label, weight) VALUES
    ('anonymous', 'Anonymous user', 0),
    ('authenticated', 'Authenticated user', 1),
    ('editor', 'Editor', 2);

CREATE TABLE user_roles (
    user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role    text NOT NULL REFERENCES roles(name) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE role_permissions (
    role        text NOT NULL REFERENCES roles(name) ON DELETE CASCADE,
    permission  text NOT NULL,
    PRIMARY KEY (role, permission)
);

INSERT INTO role_permissions (role, permission) VALUES
    ('anonymous', 'access content'),
    ('authenticated', 'access content'),
    ('editor', 'access content'),
    ('editor', 'access admin'),
    ('editor', 'view unpublished content'),
    ('editor', 'create page content');

CREATE TABLE api_tokens (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash  bytea NOT NULL UNIQUE,
    label       text NOT NULL DEFAULT '',
    created     timestamptz NOT NULL DEFAULT now(),
    last_used   timestamptz
);

CREATE TABLE stage (
    id          text PRIMARY KEY,
    label       text NOT NULL,
    description text NOT NULL DEFAULT '',
    parent_id   text REFERENCES stage(id),
    created     timestamptz NOT NULL DEFAULT now()
);

INSERT INTO stage (id, label, description) VALUES ('live', 'Live', 'What visitors see.');

CREATE TABLE item_type (
    type        text PRIMARY KEY,
    label       text NOT NULL,
    description text NOT NULL DEFAULT '',
    plugin      text NOT NULL DEFAULT '',
    settings    jsonb NOT NULL DEFAULT '{}',
    created     timestamptz NOT NULL DEFAULT now(),
    changed     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE item (
    id                  uuid PRIMARY KEY,
    type                text NOT NULL REFERENCES item_type(type),
    title               text NOT NULL,
    author_id           uuid NOT NULL REFERENCES users(id),
    status              boolean NOT NULL DEFAULT true,
    promote             boolean NOT NULL DEFAULT false,
    sticky              boolean NOT NULL DEFAULT false,
    stage_id            text NOT NULL DEFAULT 'live' REFERENCES stage(id),
    current_revision_id uuid,
    fields              jsonb NOT NULL DEFAULT '{}',
    created             timestamptz NOT NULL DEFAULT now(),
    changed             timestamptz NOT NULL DEFAULT now()
);

-- Listings filter by type and status and sort by recency; the GIN index serves
-- JSONB containment filters (field equality, term references).
CREATE INDEX item_type_status_created ON item (type, status, created DESC, id DESC);
CREATE INDEX item_created ON item (created DESC, id DESC);
CREATE INDEX item_author ON item (author_id);
CREATE INDEX item_fields ON item USING GIN (fields jsonb_path_ops);

CREATE TABLE item_revision (
    id          uuid PRIMARY KEY,
    item_id     uuid NOT NULL REFERENCES item(id) ON DELETE CASCADE,
    author_id   uuid NOT NULL REFERENCES users(id),
    title       text NOT NULL,
    status      boolean NOT NULL,
    fields      jsonb NOT NULL,
    log         text NOT NULL DEFAULT '',
    created     timestamptz NOT NULL DEFAULT now()
);

-- Long histories stay fast: revisions are always read per item, newest first.
CREATE INDEX item_revision_item_created ON item_revision (item_id, created DESC);

ALTER TABLE item ADD CONSTRAINT item_current_revision_fk
    FOREIGN KEY (current_revision_id) REFERENCES item_revision(id) DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE gather_view (
    name        text PRIMARY KEY,
    label       text NOT NULL,
    definition  jsonb NOT NULL,
    created     timestamptz NOT NULL DEFAULT now(),
    changed     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE plugin_status (
    name        text PRIMARY KEY,
    enabled     boolean NOT NULL DEFAULT true,
    changed     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE config (
    name    text PRIMARY KEY,
    value   jsonb NOT NULL,
    changed timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE config;
DROP TABLE plugin_status;
DROP TABLE gather_view;
ALTER TABLE item DROP CONSTRAINT item_current_revision_fk;
DROP TABLE item_revision;
DROP TABLE item;
DROP TABLE item_type;
DROP TABLE stage;
DROP TABLE api_tokens;
DROP TABLE role_permissions;
DROP TABLE user_roles;
DROP TABLE roles;
DROP TABLE users;
