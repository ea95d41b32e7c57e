package plugin

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestItemPresaveChangesTitleAndFields(t *testing.T) {
	h, logs := openHost(t, Config{}, fixture{name: "events"}, fixture{name: "page"})
	ctx := context.Background()
	it := ItemData{ID: "1", Type: "page", Title: "Hi [presave]", Status: true,
		Fields: map[string][]map[string]any{"field_subtitle": {{"value": "quiet"}}, "other": {{"value": "kept"}}}}
	ch := h.ItemPresave(ctx, it)
	if ch == nil || ch.Title == nil || *ch.Title != "Hi [presave] (presaved)" {
		t.Fatalf("changes = %+v", ch)
	}
	if got := ch.Fields["field_subtitle"][0]["value"]; got != "QUIET" {
		t.Errorf("subtitle = %v", got)
	}
	if _, ok := ch.Fields["other"]; ok {
		t.Errorf("unchanged field sent back: %v", ch.Fields)
	}
	logs.requireLog(t, "events: presave Hi [presave] (presaved)", "plugin=events", "tap=item_presave")
	if ch := h.ItemPresave(ctx, ItemData{ID: "2", Type: "page", Title: "plain"}); ch != nil {
		t.Errorf("plain title changed: %+v", ch)
	}
}

func TestItemAndUserEventsReachPlugins(t *testing.T) {
	h, logs := openHost(t, Config{}, fixture{name: "events"})
	ctx := context.Background()
	for _, ev := range []string{EventInsert, EventUpdate, EventDelete} {
		h.ItemEvent(ctx, ev, ItemData{ID: "id-" + ev, Type: "page", Title: "T"})
		logs.requireLog(t, "events: item "+ev+" id-"+ev+" page T", "tap=item_"+ev)
	}
	h.UserEvent(ctx, EventLogin, "u1", "ann")
	h.UserEvent(ctx, EventLogout, "u1", "ann")
	logs.requireLog(t, "events: user login u1 ann", "tap=user_login")
	logs.requireLog(t, "events: user logout u1 ann", "tap=user_logout")
}

func TestItemViewAlterReturnsAlteredTree(t *testing.T) {
	h, _ := openHost(t, Config{}, fixture{name: "events"})
	ctx := context.Background()
	root := json.RawMessage(`{"type":"container","classes":["item"],"children":[{"type":"text","text":"body"}]}`)
	out := h.ItemViewAlter(ctx, ItemData{ID: "1", Type: "page", Title: "T"}, "full", root)
	for _, want := range []string{`"events-altered"`, `events altered T`, `"text":"body"`, `"iframe"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("altered tree lacks %s: %s", want, out)
		}
	}
	if out := h.ItemViewAlter(ctx, ItemData{ID: "1", Type: "page", Title: "T"}, "teaser", root); string(out) != string(root) {
		t.Errorf("teaser changed: %s", out)
	}
}
