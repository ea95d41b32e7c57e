package plugin

import (
	"bytes"
	"context"
	"encoding/json"
)

// tap_preprocess is additive: before an element is themed, each plugin
// implementing it, by weight then name, may add classes, attributes and
// children; it can never remove or replace anything. The kernel merges
// the additions (attributes only where the element has none of that name)
// and sanitizes the result like any plugin output.
//
//	tap_preprocess input {"element":"item|page","suggestions":[…],"item":<handle or 0>,"type","view_mode","path","classes":[…]}
//	               ok: {"classes":[…],"attributes":{…},"children":[elements…]} or null
const TapPreprocess = "preprocess"

// PreprocessInput describes the element being preprocessed.
type PreprocessInput struct {
	Element     string   // "item" or "page"
	Suggestions []string // specific names, most specific last: item__blog, item__blog__full; page__blog
	Item        *Item    // the item shown (Element "item"); read by handle
	ViewMode    string   // item view mode
	Path        string   // the page's request path (Element "page")
	Classes     []string // the element's classes so far
}

// Additions is one plugin's answer to tap_preprocess; Children are
// unchecked element JSON the caller decodes and sanitizes.
type Additions struct {
	Plugin     string            `json:"-"`
	Classes    []string          `json:"classes"`
	Attributes map[string]string `json:"attributes"`
	Children   []json.RawMessage `json:"children"`
}

// maxAdditions bounds what one plugin may add to one element.
const maxAdditions = 32

// Preprocess asks every plugin implementing tap_preprocess what to add to
// the element in. A failing plugin or a malformed answer is logged and
// skipped. Item queries made by the plugins see what the ctx's Viewer may
// see (WithViewer).
func (h *Host) Preprocess(ctx context.Context, in PreprocessInput) []Additions {
	names := h.Implements(TapPreprocess)
	if len(names) == 0 {
		return nil
	}
	var st CallState
	w := struct {
		Element     string   `json:"element"`
		Suggestions []string `json:"suggestions"`
		Item        uint32   `json:"item"`
		Type        string   `json:"type,omitempty"`
		ViewMode    string   `json:"view_mode,omitempty"`
		Path        string   `json:"path,omitempty"`
		Classes     []string `json:"classes"`
	}{Element: in.Element, Suggestions: in.Suggestions, ViewMode: in.ViewMode, Path: in.Path, Classes: in.Classes}
	if in.Item != nil {
		w.Item, w.Type = st.AddItem(in.Item), in.Item.Type
	}
	if w.Suggestions == nil {
		w.Suggestions = []string{}
	}
	if w.Classes == nil {
		w.Classes = []string{}
	}
	input, err := json.Marshal(w)
	if err != nil {
		h.log.ErrorContext(ctx, "preprocess input is not JSON; tap_preprocess not called", "error", err)
		return nil
	}
	var out []Additions
	for _, name := range names {
		raw, err := h.Call(ctx, name, TapPreprocess, input, &st)
		if err != nil {
			h.log.WarnContext(ctx, "plugin preprocess skipped", "plugin", name, "element", in.Element, "error", err)
			continue
		}
		if isNull(bytes.TrimSpace(raw)) {
			continue
		}
		var add Additions
		if err := json.Unmarshal(raw, &add); err != nil {
			h.log.WarnContext(ctx, "plugin returned malformed preprocess additions", "plugin", name, "error", err)
			continue
		}
		if len(add.Classes) > maxAdditions || len(add.Attributes) > maxAdditions || len(add.Children) > maxAdditions {
			h.log.WarnContext(ctx, "plugin preprocess additions over the limit; discarded", "plugin", name, "max", maxAdditions)
			continue
		}
		add.Plugin = name
		out = append(out, add)
	}
	return out
}
