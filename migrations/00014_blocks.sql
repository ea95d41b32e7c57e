-- +goose Up
-- Blocks: things placed in a theme's regions (Drupal's blocks). A block is
-- either a Gather listing's block display (kind 'listing', listing names
-- the gather_view; deleting the listing removes its placements) or a custom
-- text block (kind 'text': title and body in a text format, sanitized when
-- shown). Visibility is Drupal's "show on specific pages": 'except' shows
-- the block everywhere but the paths listed in pages (one pattern a line,
-- * matches anything; an empty list means every page), 'only' shows it on
-- the listed paths only. Placements are read once per node and reloaded when
-- count(*) or max(changed) move (app/block).
CREATE TABLE block (
    id          uuid PRIMARY KEY,
    theme       text NOT NULL DEFAULT 'default',
    region      text NOT NULL,
    weight      integer NOT NULL DEFAULT 0,
    kind        text NOT NULL CHECK (kind IN ('listing', 'text')),
    listing     text REFERENCES gather_view(name) ON DELETE CASCADE,
    title       text NOT NULL DEFAULT '',
    body        text NOT NULL DEFAULT '',
    format      text NOT NULL DEFAULT 'plain_text',
    visibility  text NOT NULL DEFAULT 'except' CHECK (visibility IN ('except', 'only')),
    pages       text NOT NULL DEFAULT '',
    enabled     boolean NOT NULL DEFAULT true,
    created     timestamptz NOT NULL DEFAULT now(),
    changed     timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'listing') = (listing IS NOT NULL))
);

CREATE INDEX block_listing ON block (listing) WHERE listing IS NOT NULL;

-- +goose Down
DROP TABLE block;
