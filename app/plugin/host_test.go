package plugin

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/trovato/trovato/app/errs"
)

// aboutUs is a page with a subtitle.
func aboutUs() *Item {
	return &Item{
		ID: "0190a3c4-0000-7000-8000-000000000001", Type: "page", Title: "About us", AuthorName: "admin",
		Status: true, Created: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		Fields: map[string][]map[string]any{"field_subtitle": {{"value": "Who we are"}}},
	}
}

// rendered flattens ItemView results for comparison.
func rendered(rs []Rendered) map[string]string {
	out := map[string]string{}
	for _, r := range rs {
		out[r.Plugin] = string(r.Element)
	}
	return out
}

const aboutUsFull = `{"type":"container","classes":["page"],"children":[{"type":"text","classes":["page-subtitle"],"text":"Who we are"}]}`

func TestPageItemInfo(t *testing.T) {
	h, _ := openHost(t, Config{}, fixture{name: "page"})
	want := []ItemType{{
		Plugin: "page", Type: "page", Label: "Basic page",
		Description: "Use basic pages for static content, such as an About us page.",
		Fields:      []FieldDef{{Name: "field_subtitle", Type: "text", Label: "Subtitle", Cardinality: 1}},
	}}
	if diff := cmp.Diff(want, h.ItemInfo(context.Background())); diff != "" {
		t.Errorf("ItemInfo (-want +got):\n%s", diff)
	}
}

func TestItemInfoSkipsDuplicateTypes(t *testing.T) {
	dup := strings.Replace(manifestOf(t, "page"), `"name": "page"`, `"name": "page2"`, 1)
	dup = strings.Replace(dup, `"weight": 0`, `"weight": 1`, 1)
	h, logs := openHost(t, Config{}, fixture{name: "page"}, fixture{name: "page2", module: "page", manifest: dup})
	types := h.ItemInfo(context.Background())
	if len(types) != 1 || types[0].Plugin != "page" {
		t.Errorf("ItemInfo = %+v, want only page's type", types)
	}
	logs.requireLog(t, "already defined", "plugin=page2", "defined_by=page")
}

func TestPageItemView(t *testing.T) {
	h, _ := openHost(t, Config{}, fixture{name: "page"})
	ctx := context.Background()
	tricky := aboutUs()
	tricky.Title = `Tom & "Jerry"`
	tricky.Fields["field_subtitle"][0]["value"] = "<b>bold</b>\n\u2028é"
	noSubtitle := aboutUs()
	delete(noSubtitle.Fields, "field_subtitle")
	blog := aboutUs()
	blog.Type = "blog"
	tests := []struct {
		name string
		item *Item
		mode string
		want map[string]string
	}{
		{"full view shows the subtitle", aboutUs(), "full", map[string]string{"page": aboutUsFull}},
		{"teaser adds the title", aboutUs(), "teaser", map[string]string{"page": `{"type":"container","classes":["page"],"children":[` +
			`{"type":"heading","classes":["page-title"],"text":"About us","level":2},` +
			`{"type":"text","classes":["page-subtitle"],"text":"Who we are"}]}`}},
		{"strings are escaped", tricky, "teaser", map[string]string{"page": `{"type":"container","classes":["page"],"children":[` +
			`{"type":"heading","classes":["page-title"],"text":"Tom \u0026 \"Jerry\"","level":2},` +
			`{"type":"text","classes":["page-subtitle"],"text":"\u003cb\u003ebold\u003c/b\u003e\n\u2028é"}]}`}},
		{"no subtitle", noSubtitle, "full", map[string]string{"page": `{"type":"container","classes":["page"]}`}},
		{"other types get nothing", blog, "full", map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, rendered(h.ItemView(ctx, tt.item, tt.mode))); diff != "" {
				t.Errorf("ItemView (-want +got):\n%s", diff)
			}
		})
	}
}

func TestItemAccessors(t *testing.T) {
	h, _ := openHost(t, Config{}, fixture{name: "inspect"})
	it := &Item{ID: "id-1", Type: "article", Title: "Title", Fields: map[string][]map[string]any{
		"field_x": {{"value": "first"}, {"value": 2.5, "flag": true, "obj": map[string]any{"k": "v"}}},
	}}
	rs := h.ItemView(context.Background(), it, "teaser")
	if len(rs) != 1 {
		t.Fatalf("ItemView = %+v, want one element", rs)
	}
	want := `{"type":"list","children":[` +
		`{"type":"text","text":"mode=teaser"},{"type":"text","text":"id=id-1"},` +
		`{"type":"text","text":"type=article"},{"type":"text","text":"title=Title"},` +
		`{"type":"text","text":"text=first"},{"type":"text","text":"text1=2.5"},` +
		`{"type":"text","text":"flag1=true"},{"type":"text","text":"obj1={\"k\":\"v\"}"},` +
		`{"type":"text","text":"text9="},{"type":"text","text":"count=2"},` +
		`{"type":"text","text":"count_missing=0"},` +
		`{"type":"text","text":"json=[{\"value\":\"first\"},{\"flag\":true,\"obj\":{\"k\":\"v\"},\"value\":2.5}]"},` +
		`{"type":"text","text":"json_missing=[]"}]}`
	if diff := cmp.Diff(want, string(rs[0].Element)); diff != "" {
		t.Errorf("accessors (-want +got):\n%s", diff)
	}
}

// TestHostResultsPastScratch reads strings larger than the guest's 16 KiB
// scratch buffer (they go through trovato_alloc) between small ones (they
// go through the scratch buffer), checking each arrives whole.
func TestHostResultsPastScratch(t *testing.T) {
	h, _ := openHost(t, Config{}, fixture{name: "inspect"})
	title, text := strings.Repeat("t", 20<<10), strings.Repeat("x", 40<<10)
	it := &Item{ID: "id-1", Type: "article", Title: title, Fields: map[string][]map[string]any{
		"field_x": {{"value": text}, {"value": "small"}},
	}}
	rs := h.ItemView(context.Background(), it, "full")
	if len(rs) != 1 {
		t.Fatalf("ItemView = %+v, want one element", rs)
	}
	got := string(rs[0].Element)
	for _, want := range []string{`"id=id-1"`, `"type=article"`, `"title=` + title + `"`, `"text=` + text + `"`, `"text1=small"`} {
		if !strings.Contains(got, want) {
			t.Errorf("element lacks %.40q… (%d bytes)", want, len(want))
		}
	}
}

func TestFullSerializationTransform(t *testing.T) {
	h, _ := openHost(t, Config{}, fixture{name: "bench"})
	out, err := h.Call(context.Background(), "bench", "transform", itemJSON4KB(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"title":"A FOUR KILOBYTE ITEM"`, `{"value":"transformed"}`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("transform output lacks %s:\n%s", want, out)
		}
	}
}

func TestCallErrors(t *testing.T) {
	h, _ := openHost(t, Config{}, fixture{name: "probe"})
	ctx := context.Background()
	tests := []struct {
		code   string
		class  errs.Class
		public string
	}{
		{"invalid", errs.Invalid, "probe failed with invalid"},
		{"not_found", errs.NotFound, "probe failed with not_found"},
		{"forbidden", errs.Forbidden, "probe failed with forbidden"},
		{"conflict", errs.Conflict, "probe failed with conflict"},
		{"internal", errs.Internal, errs.Public(errors.New("x"))},
		{"teapot", errs.Internal, errs.Public(errors.New("x"))},
	}
	for _, tt := range tests {
		_, err := h.Call(ctx, "probe", "fail", []byte(`"`+tt.code+`"`), nil)
		if errs.ClassOf(err) != tt.class || errs.Public(err) != tt.public {
			t.Errorf("code %s: err %v (class %v, public %q), want class %v, public %q",
				tt.code, err, errs.ClassOf(err), errs.Public(err), tt.class, tt.public)
		}
		if errors.Is(err, ErrTrap) {
			t.Errorf("code %s: an error envelope is not a trap", tt.code)
		}
	}
	if _, err := h.Call(ctx, "absent", "fail", nil, nil); !errs.Is(err, errs.NotFound) {
		t.Errorf("unknown plugin: %v, want not found", err)
	}
	if _, err := h.Call(ctx, "probe", "item_view", nil, nil); !errs.Is(err, errs.NotFound) {
		t.Errorf("undeclared tap: %v, want not found", err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := h.Call(canceled, "probe", "fail", []byte(`"invalid"`), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled context: %v, want context.Canceled", err)
	}
	if s := statusOf(t, h, "probe"); s.Faults != 0 {
		t.Errorf("faults = %d, want 0: no call trapped", s.Faults)
	}
}

func TestObserve(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	cfg := Config{Observe: func(plugin, tap string, d time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, plugin+"/"+tap+"/"+map[bool]string{true: "error", false: "ok"}[err != nil])
	}}
	h, _ := openHost(t, cfg, fixture{name: "page"}, fixture{name: "probe"})
	h.ItemView(context.Background(), aboutUs(), "full")
	h.Call(context.Background(), "probe", "fail", []byte(`"invalid"`), nil)
	if diff := cmp.Diff([]string{"page/item_view/ok", "probe/fail/error"}, seen); diff != "" {
		t.Errorf("observed (-want +got):\n%s", diff)
	}
}

func TestConcurrentCallsShareBoundedPool(t *testing.T) {
	h, _ := openHost(t, Config{PoolSize: 2}, fixture{name: "page"})
	var wg sync.WaitGroup
	errc := make(chan string, 8)
	for range 8 {
		wg.Go(func() {
			for range 25 {
				got := rendered(h.ItemView(context.Background(), aboutUs(), "full"))
				if got["page"] != aboutUsFull {
					errc <- got["page"]
					return
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for bad := range errc {
		t.Errorf("concurrent ItemView rendered %s", bad)
	}
	if n := statusOf(t, h, "page").Instances; n < 1 || n > 2 {
		t.Errorf("instances = %d, want 1..2", n)
	}
}

func TestCallsAfterCloseFail(t *testing.T) {
	h, _ := openHost(t, Config{}, fixture{name: "page"})
	if err := h.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Call(context.Background(), "page", "item_info", []byte("{}"), nil); err == nil {
		t.Error("Call after Close succeeded")
	}
	if rs := h.ItemView(context.Background(), aboutUs(), "full"); len(rs) != 0 {
		t.Errorf("ItemView after Close = %+v, want nothing", rs)
	}
}
