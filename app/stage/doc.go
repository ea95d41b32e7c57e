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
//     conflicts. entity_kind is 'item'; category terms have their own table
//     of the same shape (below). Menu links are not a site-builder feature
//     (only plugin routes), so nothing stages them.
//   - stage_deletion (stage_id, entity_kind, item_id, base_revision_id):
//     items deleted in the stage; they disappear in the stage at once and in
//     Live on publish.
//   - item.stage_id: 'live', or the stage that created the item. Live never
//     reads rows whose stage_id is not 'live'; publish flips it.
//
// Live's item rows (title, status, fields, current_revision_id) change only
// by saving in Live or by publish, so Live reads stay one row per item.
//
// # Category terms (migrations/00017_stage_terms.sql, app/category/stage.go)
//
// Terms follow the item model with their own tables rather than an
// entity_kind of stage_association (whose item_id references item and
// whose triggers maintain the item overlay, stage_effective):
//
//   - category_term_revision: immutable copies of a term (vocabulary, name,
//     description, format, weight, parents uuid[], author, created,
//     stage_id, in_live). Live saves record one too and
//     category_term.revision_id names Live's current one, so a term's
//     conflict check is the item's: the target's revision is not the base.
//   - stage_term (stage_id, term_id) → revision_id (NULL: deleted in the
//     stage), base_revision_id (what the stage read: its parent's copy or
//     Live's revision; NULL for a term created in the stage), term_stage
//     ('live', or the stage that created the term).
//   - A term created in a stage has no category_term row until publish, so
//     every Live query of category_term stays Live without a filter (also
//     Gather's Live has_term_or_descendants, which reads category_index and
//     category_term_family over category_term_parent).
//
// Reads in a stage chain go through stage_terms(chain, vocabulary) and
// stage_terms_by_id(chain, ids), the term overlay in SQL (nearest copy
// over Live, minus deletions, plus terms created in the chain), with the
// hierarchy walked in Go (app/category/stage.go: the planner's estimates
// for recursive CTEs over the overlay were far off, which made them slow
// and JIT-compiled): term loads, the vocabulary's term list and
// tree, ancestors and descendants (breadcrumbs, the term page's "include
// narrower terms", the parent checks of a stage save), autocomplete, name
// lookups of free tagging, the category field's widgets, formatter and
// revision-diff text (app/item passes them the request context; the stage
// review passes the reviewed stage's chain), and Gather in a stage: cell
// names and exposed term selects (category.Service.Names, Tree), and
// has_term_or_descendants, whose term families are expanded in Go
// (Descendants) before the listing's statement is built. A parent the
// chain deleted is dropped from its children's parents, as Live's cascade
// would. Not staged: vocabularies (configuration; deleting one acts on
// Live and drops every stage's changes to its terms).
//
// Publish handles a stage's term changes with its items, in the same
// transaction: the review lists them (name, description, weight and
// parents against the base), resolutions and per-entity choices are keyed
// by the term's id like an item's (ids are UUIDs, unique across both), and
// into Live the vocabularies and term rows are locked (as Live term saves
// lock the vocabulary), the conflicts checked, and the terms written before
// the items (deletions, then the revisions' values and a row for created
// terms, then parents, dropping parents Live no longer has), so an item
// tagged with a term created in the stage finds it Live. Item revisions are
// re-validated as the stage sees them (their terms may be created in it).
// The veto tap gets only item ids. The category_term_insert/update/delete
// taps fire after commit for terms a publish made Live, never for stage
// writes; presave runs on every save, in a stage too. Into a parent stage
// term changes move like items' (MoveStageTerms; terms the child created
// become the parent's). Discard (whole stage or per term, through the
// per-item action) drops the stage's rows and its revisions; "move to
// another stage" is items only. Publishing chosen items takes along the
// terms the stage created that they reference, and the stage-created
// parents of every term going out (withCreatedTerms), so the target never
// references a term it lacks. After writing the terms,
// publish re-checks them against Live (the vocabulary's hierarchy rule may
// have been narrowed since; a Live change to another term may close a
// cycle with a stage change) and refuses the whole publish naming them.
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
// revision over Live's row, minus items deleted anywhere in the chain,
// plus items created in the chain; done in SQL (queries/stage.sql
// LoadItemStaged, queries/items.sql AdminItems, and stage_items(chain) for
// Gather listings and the category term page) so pagers and filters count
// the right rows. Authoring options that are not revisioned (author, date,
// promote, sticky) are not staged: a stage edit keeps Live's.
//
// stage_effective (migrations/00013) holds each stage's overlay with the
// chain already resolved: one row per (reading stage, item) with the
// effective revision's title, status and fields, or a deletion. Triggers on
// stage_association, stage_deletion and stage (parent changes) refresh the
// touched (stage, item) pairs and the same items in every descendant stage,
// set-based and in the same transaction as the write, whatever code path
// made it. stage_items(chain), an inlinable SQL function, joins Live's item
// rows with it (probing only items the stage changed), so a stage listing
// walks the same index as Live's and stops at its LIMIT.
//
// # Publish
//
// Publish runs in one transaction. It locks the stage row, reads the
// chosen changes and re-validates their revisions against their types as
// they are now (the revisions are immutable, so this happens before any
// target lock). It then locks the target: into Live the touched item rows
// (SELECT … FOR UPDATE, in id order), into a parent stage the parent's
// stage row, which every save in a stage takes FOR SHARE first, so saves
// in the parent wait for the publish and the publish waits for saves in
// flight; and reads what the target holds of each item now (for a
// parent: its own copy, or Live's revision). An item whose target copy is
// not the one the stage copy was based on (base_revision_id: what the stage
// read when its first copy was made, its parent's copy for a child stage)
// is a conflict. Conflicts stop the publish with a *ConflictError listing
// them; the editor resolves each (overwrite the target or skip; the
// resolution names the target revision it saw, so a newer change
// conflicts again) or cancels. Into Live the veto (tap_stage_publish: any
// plugin may refuse with a message) runs, then a few set-based statements
// write every item at once (delete, make the stage revisions current, drop
// the published copies). Two publishes touching one item therefore
// serialize on the row lock and the second sees the first's revision as a
// conflict ("published from stage X"). Into a parent stage the changes move
// (copies, deletions, created items and the revisions' provenance) and the
// new copies are based on what the parent read when the conflicts were
// checked.
//
// Discard (whole stage, with confirmation, or per item) drops associations
// and deletions and removes items created in the stage. "Move to another
// stage" moves one item's change (and a created item) to another stage with
// its stage revisions (item_revision.stage_id follows), so the target's
// history shows and publishes them; the moved copy keeps its base, so Live
// changes made since the copy still warn when the target publishes.
package stage
