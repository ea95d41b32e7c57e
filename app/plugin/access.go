package plugin

import (
	"bytes"
	"context"
	"encoding/json"
)

// Access is the aggregated answer of the plugins implementing
// tap_item_access: Deny if any plugin denied, else Allow if any allowed,
// else Neutral (the kernel's role permissions decide).
type Access int

// The aggregated answers.
const (
	Neutral Access = iota
	Allow
	Deny
)

// AccessAccount is who asks, as plugins see them.
type AccessAccount struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	Roles         []string `json:"roles"`
	Authenticated bool     `json:"authenticated"`
}

// ItemAccess asks every plugin implementing item_access whether acct may
// do op ("view", "update", "delete") to it. A plugin that fails is logged
// and counts as Neutral, so a broken plugin can neither grant nor lock out.
func (h *Host) ItemAccess(ctx context.Context, op string, it *Item, authorID string, acct AccessAccount) Access {
	names := h.Implements("item_access")
	if it == nil || len(names) == 0 {
		return Neutral
	}
	var st CallState
	input, err := json.Marshal(struct {
		Op      string        `json:"op"`
		Item    uint32        `json:"item"`
		Type    string        `json:"type"`
		Author  string        `json:"author"`
		Account AccessAccount `json:"account"`
	}{op, st.AddItem(it), it.Type, authorID, acct})
	if err != nil {
		return Neutral
	}
	result := Neutral
	for _, name := range names {
		out, err := h.Call(ctx, name, "item_access", input, &st)
		if err != nil {
			h.log.WarnContext(ctx, "plugin item access skipped", "plugin", name, "item", it.ID, "error", err)
			continue
		}
		switch string(bytes.TrimSpace(out)) {
		case `"deny"`:
			return Deny
		case `"allow"`:
			result = Allow
		}
	}
	return result
}
