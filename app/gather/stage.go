package gather

// source is the FROM item of a listing as stage chain sees it (nearest
// stage first, Live excluded; empty for Live). Live reads only Live rows
// (items created in a stage carry item.stage_id = that stage until
// publish). In a stage, each Live item row is overlaid with the stage's
// effective row (stage_effective, migrations/00013: the chain already
// resolved, nearest stage first, when the stage's changes were written),
// which replaces title, status, fields and revision, or drops the item when
// the chain deleted it; items created in the chain join with their own
// rows. The alias (i for the listing, rN for a relationship) keeps every
// column, so each i.x expression of the builder works unchanged, and
// filters, sorts and the pager apply to the staged values.
//
// The planner keeps walking Live's indexes (created, type/status/created)
// in order and stops at the LIMIT. The overlay row is fetched per row
// scanned, but only for items the stage changed: the lateral probe is gated
// by membership in the stage's item ids, hashed once per statement (the
// OFFSET 0 keeps the gate a one-time filter in front of the probe). That
// plan does not depend on stage_effective's statistics; a plain LEFT JOIN
// let a stale row estimate turn the probe into a rescan of every stage row
// per item.
func (b *builder) source(chain []string, alias string) string {
	if len(chain) == 0 {
		return "(SELECT * FROM item WHERE stage_id = 'live') " + alias
	}
	c := b.arg(chain) + "::text[]"
	st := b.arg(chain[0]) + "::text"
	return `(SELECT it.id, it.type, COALESCE(o.title, it.title) AS title, it.author_id,
    COALESCE(o.status, it.status) AS status, it.promote, it.sticky, it.stage_id,
    COALESCE(o.revision_id, it.current_revision_id) AS current_revision_id, COALESCE(o.fields, it.fields) AS fields,
    it.created, COALESCE(o.changed, it.changed) AS changed
  FROM item it
  LEFT JOIN LATERAL (SELECT o.* FROM stage_effective o WHERE o.stage_id = ` + st + ` AND o.item_id = it.id
    AND it.id = ANY (SELECT e.item_id FROM stage_effective e WHERE e.stage_id = ` + st + `) OFFSET 0) o ON true
  WHERE (it.stage_id = 'live' OR it.stage_id = ANY(` + c + `)) AND o.deleted IS NOT TRUE) ` + alias
}
