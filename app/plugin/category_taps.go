package plugin

import (
	"context"
	"encoding/json"
)

// The category taps of issue 6, dispatched by the category service's real
// create, update and delete paths (through category.Hooks, wired in
// app/server), like Drupal's hook_taxonomy_term_presave/insert/update/
// delete. Full serialization, like the item lifecycle taps.
//
//	tap_category_term_presave  input TermData                               ok: {"name":"…","description":"…"} (either optional), or null
//	tap_category_term_insert   input {"event":"insert", TermData…}          ok: null
//	tap_category_term_update   input {"event":"update", TermData…}          ok: null
//	tap_category_term_delete   input {"event":"delete", TermData…}          ok: null

// TermData is a category term as the category taps see it. ID is set in
// presave too (a new term's id is assigned before presave).
type TermData struct {
	ID          string   `json:"id"`
	Vocabulary  string   `json:"vocabulary"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Format      string   `json:"format"`
	Weight      int      `json:"weight"`
	Parents     []string `json:"parents"`
}

// TermChanges is what tap_category_term_presave plugins changed (nil:
// unchanged). The kernel validates the result like a submission.
type TermChanges struct {
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
}

// CategoryTermPresave lets every plugin implementing
// tap_category_term_presave, by weight then name, change a term's name and
// description before it is saved. Each plugin sees the term as the
// previous ones left it; the result merges every change, nil when nothing
// changed. A failing plugin or a malformed answer is logged and skipped;
// it never blocks the save.
func (h *Host) CategoryTermPresave(ctx context.Context, t TermData) *TermChanges {
	names := h.Implements("category_term_presave")
	if len(names) == 0 {
		return nil
	}
	var merged *TermChanges
	for _, name := range names {
		input, err := encodeTapInput(t)
		if err != nil {
			h.log.ErrorContext(ctx, "term is not JSON-encodable; category_term_presave not called", "term", t.ID, "error", err)
			return merged
		}
		out, err := h.Call(ctx, name, "category_term_presave", input, nil)
		if err != nil {
			h.log.WarnContext(ctx, "plugin term presave skipped", "plugin", name, "term", t.ID, "error", err)
			continue
		}
		if isNull(out) {
			continue
		}
		var ch TermChanges
		if err := json.Unmarshal(out, &ch); err != nil {
			h.log.WarnContext(ctx, "plugin returned malformed term changes", "plugin", name, "term", t.ID, "error", err)
			continue
		}
		if ch.Name == nil && ch.Description == nil {
			continue
		}
		if merged == nil {
			merged = &TermChanges{}
		}
		if ch.Name != nil {
			merged.Name, t.Name = ch.Name, *ch.Name
		}
		if ch.Description != nil {
			merged.Description, t.Description = ch.Description, *ch.Description
		}
	}
	return merged
}

// CategoryTermEvent tells every plugin implementing
// tap_category_term_<event> (EventInsert, EventUpdate, EventDelete) that a
// term was saved or deleted. Failures are logged; the change is committed.
func (h *Host) CategoryTermEvent(ctx context.Context, event string, t TermData) {
	h.notify(ctx, "category_term_"+event, struct {
		Event string `json:"event"`
		TermData
	}{event, t}, "term", t.ID)
}
