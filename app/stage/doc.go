// Package stage owns stages: draft workspaces in which editors change many
// items, preview the whole site as it will be, and publish atomically.
// "Draft" is a stage, not a boolean, and Live is a stage too (the row 'live').
//
// # Storage (migrations/00008_stages.sql)
//
//   - stage: id (machine name), label, description, parent_id (a child stage
//     sees its parent's changes over Live and publishes into its parent),
//     visibility ('internal': only accounts with "use stages" may open a
//     preview link; 'public_preview': anyone holding a valid link).
//   - stage_association (stage_id, entity_kind, item_id) → revision_id: the
//     stage's copy of an entity is an ordinary immutable item_revision row
//     (marked with item_revision.stage_id). base_revision_id is Live's
//     current revision when the first stage copy was made (NULL for items
//     created in the stage); publish compares it with Live to warn about
//     conflicts. entity_kind is 'item' today; category terms and menu links
//     get their own kind, keyed the same way, when they become revisionable.
//   - stage_deletion (stage_id, entity_kind, item_id, base_revision_id):
//     items deleted in the stage; they disappear in the stage at once and in
//     Live on publish.
//   - item.stage_id: 'live', or the stage that created the item. Live never
//     reads rows whose stage_id is not 'live'; publish flips it.
//
// Live's item rows (title, status, fields, current_revision_id) change only
// by saving in Live or by publish, so Live reads stay one row per item.
//
// # The active stage
//
// An editor's active stage is kept in the session (web.Sessions
// ActiveStage / SetActiveStage) and switched from the admin toolbar; every
// admin page shows a coloured banner while it is not Live. Middleware
// resolves the stage chain once per request and puts it on the request
// context (web.WithStage); the item service (load, save, delete, admin
// list) and Gather (gather.Viewer.Stage) read it from there. Accounts
// without "use stages" (anonymous visitors included) always read Live, even
// with a stale session value. A valid preview link sets a cookie that lets
// any browser read the stage, read-only (writes are refused), with
// X-Robots-Tag: noindex and a robots meta tag.
//
// # Overlay
//
// In stage chain [S, parent…] an item reads as the nearest stage's
// revision over Live's row, minus items deleted in the chain, plus items
// created in the chain; done in SQL (queries/stage.sql LoadItemStaged,
// queries/items.sql AdminItems, app/gather/stage.go) so pagers and filters
// count the right rows. Authoring options that are not revisioned (author,
// date, promote, sticky) are not staged: a stage edit keeps Live's.
//
// # Publish
//
// Publish runs in one transaction: it locks the stage row, then the Live
// item rows it touches (SELECT … FOR UPDATE, in id order), re-reads each
// item's current revision after any concurrent publish committed, and
// compares it with the stage copy's base. Conflicts stop the publish with a
// *ConflictError listing them; the editor resolves each (overwrite Live or
// skip; the resolution names the Live revision it saw, so a newer change
// conflicts again) or cancels. Every revision is validated against its
// type as it is now, then the veto (tap_stage_publish: any plugin may refuse
// with a message) runs, then the rows are written and the stage's published
// associations removed. Two publishes touching one item therefore
// serialize on the row lock and the second sees the first's revision as a
// conflict ("published from stage X"). A child stage publishes into its
// parent (moving its changes) without conflict checks.
//
// Discard (whole stage, with confirmation, or per item) drops associations
// and deletions and removes items created in the stage. "Move to another
// stage" moves one item's change (and a created item) to another stage.
package stage
