package plugin

import (
	"bytes"
	"context"
	"encoding/json"
)

// The item and user lifecycle taps of issue 5. They are full
// serialization: each plugin gets the item (or account) as JSON, because
// presave and view alter hand back a changed copy, and the notifications
// are cheap enough that a handle table would save nothing.
//
//	tap_item_presave    input ItemData                                   ok: {"title":"…","fields":{…}} (either optional), or null
//	tap_item_insert     input {"event":"insert","id","type","title","status"}   ok: null
//	tap_item_update     input {"event":"update",…}                       ok: null
//	tap_item_delete     input {"event":"delete",…}                       ok: null
//	tap_user_login      input {"event":"login","id":"…","name":"…"}      ok: null
//	tap_user_logout     input {"event":"logout","id":"…","name":"…"}     ok: null
//	tap_item_view_alter input {"item":{id,type,title,status},"view_mode":"…","element":{…}}   ok: the altered element, or null

// ItemData is an item as the lifecycle taps see it. Fields is sent to
// tap_item_presave only.
type ItemData struct {
	ID     string                      `json:"id"`
	Type   string                      `json:"type"`
	Title  string                      `json:"title"`
	Status bool                        `json:"status"`
	Fields map[string][]map[string]any `json:"fields,omitempty"`
}

// ItemChanges is what tap_item_presave plugins changed: a new title
// (nil: unchanged) and field values by field name, replacing the item's
// values of the fields named (a nil list clears a field). The kernel
// validates them like a submission.
type ItemChanges struct {
	Title  *string                     `json:"title,omitempty"`
	Fields map[string][]map[string]any `json:"fields,omitempty"`
}

// Item events, the suffix of their tap names.
const (
	EventInsert = "insert"
	EventUpdate = "update"
	EventDelete = "delete"
	EventLogin  = "login"
	EventLogout = "logout"
)

// ItemPresave lets every plugin implementing tap_item_presave, by weight
// then name, change it before it is saved. Each plugin sees the item as the
// previous ones left it; the result merges every change, nil when no plugin
// changed anything. A plugin that fails or answers malformed changes is
// logged and skipped (its changes are dropped); it never blocks the save.
func (h *Host) ItemPresave(ctx context.Context, it ItemData) *ItemChanges {
	names := h.Implements("item_presave")
	if len(names) == 0 {
		return nil
	}
	var merged *ItemChanges
	for _, name := range names {
		input, err := encodeTapInput(it)
		if err != nil {
			h.log.ErrorContext(ctx, "item is not JSON-encodable; item_presave not called", "item", it.ID, "error", err)
			return merged
		}
		out, err := h.Call(ctx, name, "item_presave", input, nil)
		if err != nil {
			h.log.WarnContext(ctx, "plugin item presave skipped", "plugin", name, "item", it.ID, "error", err)
			continue
		}
		if isNull(out) {
			continue
		}
		var ch ItemChanges
		if err := json.Unmarshal(out, &ch); err != nil {
			h.log.WarnContext(ctx, "plugin returned malformed presave changes", "plugin", name, "item", it.ID, "error", err)
			continue
		}
		if ch.Title == nil && len(ch.Fields) == 0 {
			continue
		}
		if merged == nil {
			merged = &ItemChanges{}
		}
		if ch.Title != nil {
			merged.Title, it.Title = ch.Title, *ch.Title
		}
		if len(ch.Fields) > 0 {
			if merged.Fields == nil {
				merged.Fields = make(map[string][]map[string]any, len(ch.Fields))
			}
			fields := make(map[string][]map[string]any, len(it.Fields)+len(ch.Fields))
			for k, v := range it.Fields {
				fields[k] = v
			}
			for k, v := range ch.Fields {
				merged.Fields[k], fields[k] = v, v
			}
			it.Fields = fields
		}
	}
	return merged
}

// ItemEvent tells every plugin implementing tap_item_<event> (EventInsert,
// EventUpdate, EventDelete) that it was saved or deleted. Failures are
// logged; the save is already committed.
func (h *Host) ItemEvent(ctx context.Context, event string, it ItemData) {
	it.Fields = nil
	h.notify(ctx, "item_"+event, struct {
		Event string `json:"event"`
		ItemData
	}{event, it}, "item", it.ID)
}

// UserEvent tells every plugin implementing tap_user_<event> (EventLogin,
// EventLogout) that account id, name logged in or out. Failures are logged.
func (h *Host) UserEvent(ctx context.Context, event, id, name string) {
	h.notify(ctx, "user_"+event, struct {
		Event string `json:"event"`
		ID    string `json:"id"`
		Name  string `json:"name"`
	}{event, id, name}, "user", id)
}

// notify calls tap on every plugin implementing it with v as input,
// logging failures; subject, id name what the event is about in the log.
func (h *Host) notify(ctx context.Context, tap string, v any, subject, id string) {
	names := h.Implements(tap)
	if len(names) == 0 {
		return
	}
	input, err := encodeTapInput(v)
	if err != nil {
		h.log.ErrorContext(ctx, "tap input is not JSON-encodable", "tap", tap, subject, id, "error", err)
		return
	}
	for _, name := range names {
		if _, err := h.Call(ctx, name, tap, input, nil); err != nil {
			h.log.WarnContext(ctx, "plugin event handler failed", "plugin", name, "tap", tap, subject, id, "error", err)
		}
	}
}

// ItemViewAlter lets every plugin implementing tap_item_view_alter, by
// weight then name, change the rendered element tree of it in viewMode.
// Each plugin gets the tree as the previous ones left it and returns the
// whole altered tree, or null for "unchanged". A plugin that fails or
// answers something other than a JSON object is logged and its change
// discarded. The result is unchecked plugin output: the caller decodes and
// sanitizes it like any render element. Without implementing plugins,
// element is returned as is.
func (h *Host) ItemViewAlter(ctx context.Context, it ItemData, viewMode string, element json.RawMessage) json.RawMessage {
	names := h.Implements("item_view_alter")
	if len(names) == 0 {
		return element
	}
	it.Fields = nil
	for _, name := range names {
		input, err := encodeTapInput(struct {
			Item     ItemData        `json:"item"`
			ViewMode string          `json:"view_mode"`
			Element  json.RawMessage `json:"element"`
		}{it, viewMode, element})
		if err != nil {
			h.log.ErrorContext(ctx, "render element is not JSON; item_view_alter not called", "item", it.ID, "error", err)
			return element
		}
		out, err := h.Call(ctx, name, "item_view_alter", input, nil)
		if err != nil {
			h.log.WarnContext(ctx, "plugin item view alteration discarded", "plugin", name, "item", it.ID, "error", err)
			continue
		}
		if isNull(out) {
			continue
		}
		if v := bytes.TrimSpace(out); len(v) == 0 || v[0] != '{' {
			h.log.WarnContext(ctx, "plugin item view alteration is not an element; discarded", "plugin", name, "item", it.ID)
			continue
		}
		element = bytes.Clone(out)
	}
	return element
}
