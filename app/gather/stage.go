package gather

// source is the FROM item of a listing as stage chain sees it (nearest
// stage first, Live excluded; empty for Live). Live reads only Live rows
// (items created in a stage carry item.stage_id = that stage until
// publish). In a stage it reads stage_items(chain) (migrations/00013), the
// one SQL copy of the overlay: Live's rows and the chain's created items,
// each overlaid with the stage's effective revision (title, status, fields),
// minus the items the chain deleted. The function is inlined by the
// planner, so Live's indexes still drive the scan up to the LIMIT. The
// alias (i for the listing, rN for a relationship) keeps every column, so
// each i.x expression of the builder works unchanged, and filters, sorts
// and the pager apply to the staged values.
func (b *builder) source(chain []string, alias string) string {
	if len(chain) == 0 {
		return "(SELECT * FROM item WHERE stage_id = 'live') " + alias
	}
	return "stage_items(" + b.arg(chain) + "::text[]) " + alias
}
