-- +goose Up
-- Stages (draft workspaces). Live is the stage row 'live' (00001). A stage
-- holds its changes as associations (stage → entity → revision) and
-- deletions; Live's rows (item.current_revision_id, title, fields …) are
-- untouched until publish. Items created in a stage carry item.stage_id =
-- that stage, so Live never sees them, and become 'live' on publish.
-- entity_kind keeps the association generic: 'item' today; category terms
-- and menu links add their own kind (with their revision tables) later.

ALTER TABLE stage ADD COLUMN visibility text NOT NULL DEFAULT 'internal'
    CHECK (visibility IN ('internal', 'public_preview'));
ALTER TABLE stage ADD COLUMN changed timestamptz NOT NULL DEFAULT now();

CREATE TABLE stage_association (
    stage_id         text NOT NULL REFERENCES stage(id) ON DELETE CASCADE,
    entity_kind      text NOT NULL DEFAULT 'item',
    item_id          uuid NOT NULL REFERENCES item(id) ON DELETE CASCADE,
    -- The stage's revision of the entity (an item_revision row).
    revision_id      uuid NOT NULL REFERENCES item_revision(id),
    -- Live's current revision when the stage copy was first made; NULL for
    -- an entity created in the stage. Publish compares it with Live's
    -- current revision to warn about conflicts.
    base_revision_id uuid,
    author_id        uuid NOT NULL REFERENCES users(id),
    changed          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stage_id, entity_kind, item_id)
);

-- Overlay lookups go item → its stage copies.
CREATE INDEX stage_association_item ON stage_association (item_id, stage_id);

CREATE TABLE stage_deletion (
    stage_id         text NOT NULL REFERENCES stage(id) ON DELETE CASCADE,
    entity_kind      text NOT NULL DEFAULT 'item',
    item_id          uuid NOT NULL REFERENCES item(id) ON DELETE CASCADE,
    base_revision_id uuid,
    author_id        uuid NOT NULL REFERENCES users(id),
    changed          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stage_id, entity_kind, item_id)
);

CREATE INDEX stage_deletion_item ON stage_deletion (item_id, stage_id);

-- Stage-created items are few and read by stage.
CREATE INDEX item_stage ON item (stage_id) WHERE stage_id <> 'live';

-- Where a revision was written ('live' or a stage id; kept after publish, so
-- a conflict can say "published from stage X"), and whether it is part of
-- Live's history: a stage's revisions show only in its chain until publish.
ALTER TABLE item_revision ADD COLUMN stage_id text NOT NULL DEFAULT 'live',
    ADD COLUMN in_live boolean NOT NULL DEFAULT true;

INSERT INTO role_permissions (role, permission) VALUES ('editor', 'use stages')
ON CONFLICT DO NOTHING;

-- +goose Down
DELETE FROM role_permissions WHERE permission IN ('use stages', 'administer stages');
ALTER TABLE item_revision DROP COLUMN stage_id, DROP COLUMN in_live;
DROP INDEX item_stage;
DROP TABLE stage_deletion;
DROP TABLE stage_association;
ALTER TABLE stage DROP COLUMN changed;
ALTER TABLE stage DROP COLUMN visibility;
