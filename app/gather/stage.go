package gather

// source is the FROM item of a listing as stage chain sees it (nearest
// stage first, Live excluded; empty for Live). Live reads only Live rows
// (items created in a stage carry item.stage_id = that stage until
// publish). In a stage, a subquery overlays the nearest stage revision's
// title, status and fields on each Live row, adds the items created in the
// chain and drops the items deleted in it, and keeps the alias (i for the
// listing, rN for a relationship) with every column, so each i.x expression
// of the builder works unchanged and filters, sorts and the pager apply to
// the staged values (app/stage).
func (b *builder) source(chain []string, alias string) string {
	if len(chain) == 0 {
		return "(SELECT * FROM item WHERE stage_id = 'live') " + alias
	}
	c := b.arg(chain) + "::text[]"
	return `(SELECT it.id, it.type, COALESCE(r.title, it.title) AS title, it.author_id,
    COALESCE(r.status, it.status) AS status, it.promote, it.sticky, it.stage_id,
    COALESCE(r.id, it.current_revision_id) AS current_revision_id, COALESCE(r.fields, it.fields) AS fields,
    it.created, COALESCE(r.created, it.changed) AS changed
  FROM item it
  LEFT JOIN LATERAL (
    SELECT rv.id, rv.title, rv.status, rv.fields, rv.created
    FROM stage_association sa JOIN item_revision rv ON rv.id = sa.revision_id
    WHERE sa.item_id = it.id AND sa.entity_kind = 'item' AND sa.stage_id = ANY(` + c + `)
    ORDER BY array_position(` + c + `, sa.stage_id) LIMIT 1) r ON true
  WHERE (it.stage_id = 'live' OR it.stage_id = ANY(` + c + `))
    AND NOT EXISTS (SELECT 1 FROM stage_deletion d
      WHERE d.item_id = it.id AND d.entity_kind = 'item' AND d.stage_id = ANY(` + c + `))) ` + alias
}
