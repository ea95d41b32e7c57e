package plugin

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
)

// ItemType is a content type a plugin defines through tap_item_info.
type ItemType struct {
	Plugin      string     `json:"plugin"` // set by the host
	Type        string     `json:"type"`
	Label       string     `json:"label"`
	Description string     `json:"description"`
	TitleLabel  string     `json:"title_label"`
	Fields      []FieldDef `json:"fields"`
	// Settings are the type's settings, passed through from the plugin
	// unchanged (JSON-decoded: strings, float64, bool, []any, map[string]any).
	Settings map[string]any `json:"settings,omitempty"`
}

// FieldDef is a field of an ItemType.
type FieldDef struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Label       string `json:"label"`
	Required    bool   `json:"required"`
	Cardinality int    `json:"cardinality"`           // -1 for unlimited
	Description string `json:"description,omitempty"` // help text shown with the field's input
	// Settings are the field's settings, passed through unchanged like
	// ItemType.Settings.
	Settings map[string]any `json:"settings,omitempty"`
}

// Rendered is one plugin's contribution to an item view.
type Rendered struct {
	Plugin  string
	Element json.RawMessage // element JSON exactly as the guest produced it
}

// ItemInfo collects the item types of every plugin implementing
// tap_item_info, in plugin order. A failing plugin, an invalid type and a
// type already defined by an earlier plugin are logged and skipped.
func (h *Host) ItemInfo(ctx context.Context) []ItemType {
	var all []ItemType
	seen := map[string]string{}
	for _, name := range h.Implements("item_info") {
		out, err := h.Call(ctx, name, "item_info", []byte("{}"), nil)
		if err != nil {
			h.log.WarnContext(ctx, "plugin item types skipped", "plugin", name, "error", err)
			continue
		}
		var types []ItemType
		if err := json.Unmarshal(out, &types); err != nil {
			h.log.WarnContext(ctx, "plugin returned malformed item types", "plugin", name, "error", err)
			continue
		}
		for _, t := range types {
			switch {
			case !machineName.MatchString(t.Type):
				h.log.WarnContext(ctx, "plugin item type has an invalid machine name", "plugin", name, "type", t.Type)
				continue
			case seen[t.Type] != "":
				h.log.WarnContext(ctx, "item type already defined by another plugin", "plugin", name, "type", t.Type, "defined_by", seen[t.Type])
				continue
			}
			seen[t.Type] = name
			t.Plugin = name
			all = append(all, t)
		}
	}
	return all
}

// ItemView asks every plugin implementing tap_item_view, in plugin order,
// for its render element for it in viewMode. The guest reads the item by
// handle. Plugins answering null add nothing; a failing plugin is logged and
// skipped while the others still render.
func (h *Host) ItemView(ctx context.Context, it *Item, viewMode string) []Rendered {
	names := h.Implements("item_view")
	if it == nil || len(names) == 0 {
		return nil
	}
	var st CallState
	input := viewInput(st.AddItem(it), it.Type, viewMode)
	var out []Rendered
	for _, name := range names {
		el, err := h.Call(ctx, name, "item_view", input, &st)
		if err != nil {
			h.log.WarnContext(ctx, "plugin item view skipped", "plugin", name, "item", it.ID, "error", err)
			continue
		}
		if v := bytes.TrimSpace(el); len(v) == 0 || string(v) == "null" {
			continue
		}
		out = append(out, Rendered{Plugin: name, Element: el})
	}
	return out
}

// viewInput is the tap_item_view input
// {"item":<handle>,"type":"…","view_mode":"…"}; the type saves the guest a
// host call for the most common question.
func viewInput(handle uint32, itemType, viewMode string) []byte {
	b := make([]byte, 0, 48+len(itemType)+len(viewMode))
	b = append(b, `{"item":`...)
	b = strconv.AppendUint(b, uint64(handle), 10)
	b = append(b, `,"type":`...)
	b = appendJSONString(b, itemType)
	b = append(b, `,"view_mode":`...)
	b = appendJSONString(b, viewMode)
	return append(b, '}')
}

// appendJSONString appends s as a JSON string; plain strings (the usual
// machine names) skip encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			enc, _ := json.Marshal(s) // a string always encodes
			return append(b, enc...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
