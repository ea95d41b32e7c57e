package sdk

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNativeHostAPI(t *testing.T) {
	NativeReset()
	t.Cleanup(NativeReset)
	if err := SetVariable("count", 3); err != nil {
		t.Fatal(err)
	}
	var n int
	if ok, err := GetVariable("count", &n); !ok || err != nil || n != 3 {
		t.Errorf("GetVariable = %d %v %v", n, ok, err)
	}
	if err := DeleteVariable("count"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := GetVariable("count", &n); ok {
		t.Error("deleted variable still set")
	}
	if b := RandomBytes(16); len(b) != 16 {
		t.Errorf("RandomBytes(16) = %d bytes", len(b))
	}
	if RandomBytes(5000) != nil {
		t.Error("RandomBytes over the limit answered")
	}
	if _, ok := CurrentUser(); ok {
		t.Error("a user without NativeUser")
	}
	NativeUser, NativePermissions = &User{ID: "1", Name: "ann", Authenticated: true}, []string{"edit blog"}
	if u, ok := CurrentUser(); !ok || u.Name != "ann" || !HasPermission("edit blog") || HasPermission("administer site") {
		t.Errorf("CurrentUser = %+v %v", u, ok)
	}
	if err := QueuePush("work", map[string]int{"n": 1}); err != nil || len(NativeQueued) != 1 || string(NativeQueued[0].Payload) != `{"n":1}` {
		t.Errorf("QueuePush: %v %+v", err, NativeQueued)
	}
	if err := CacheSet("k", []byte("v"), time.Minute, "item:1"); err != nil {
		t.Fatal(err)
	}
	if v, ok := CacheGet("k"); !ok || string(v) != "v" {
		t.Errorf("CacheGet = %q %v", v, ok)
	}
	if err := CacheSet("k", []byte("v"), 0, "bad\ntag"); err == nil {
		t.Error("a tag with a newline was accepted")
	}
	_ = CacheInvalidate("item:1")
	if _, ok := CacheGet("k"); ok {
		t.Error("still cached after invalidation")
	}
	if err := RequestSet("seen", []string{"a"}); err != nil {
		t.Fatal(err)
	}
	var seen []string
	if ok, _ := RequestGet("seen", &seen); !ok || len(seen) != 1 {
		t.Errorf("RequestGet = %v %v", seen, ok)
	}
	if err := Invoke("other", "fn", nil, nil); err == nil {
		t.Error("Invoke natively succeeded")
	}
}

func TestStatusErrors(t *testing.T) {
	for s, want := range map[int32]error{0: nil, 1: nil, -1: ErrRefused, -2: ErrInvalidArg, -3: ErrUnavailable, -4: ErrNoPlugin} {
		if got := statusErr(s); !errors.Is(got, want) || (want == nil) != (got == nil) {
			t.Errorf("statusErr(%d) = %v, want %v", s, got, want)
		}
	}
}

func TestServeBackgroundTaps(t *testing.T) {
	var got CronInput
	out := serveCron(nil, []byte(`{"time":"2026-11-27T03:00:00Z"}`), func(c CronInput) error { got = c; return nil })
	if string(out) != `{"ok":null}` || got.Time.Hour() != 3 {
		t.Errorf("serveCron = %s, time %v", out, got.Time)
	}
	out = serveQueueWorker(nil, []byte(`{"queue":"q","payload":{"a":1},"attempt":2}`), func(j QueueJob) error {
		if j.Queue != "q" || string(j.Payload) != `{"a":1}` || j.Attempt != 2 {
			t.Errorf("job = %+v", j)
		}
		return Errorf(CodeConflict, "busy")
	})
	if !strings.Contains(string(out), `"code":"conflict"`) {
		t.Errorf("serveQueueWorker error = %s", out)
	}
	fns := map[string]Function{"echo": func(caller string, in json.RawMessage) (any, error) {
		return map[string]any{"caller": caller, "in": in}, nil
	}}
	out = serveInvoke(nil, []byte(`{"caller":"a","function":"echo","input":[1]}`), fns)
	if string(out) != `{"ok":{"caller":"a","in":[1]}}` {
		t.Errorf("serveInvoke = %s", out)
	}
	out = serveInvoke(nil, []byte(`{"caller":"a","function":"nope","input":null}`), fns)
	if !strings.Contains(string(out), `"not_found"`) {
		t.Errorf("serveInvoke unknown = %s", out)
	}
}
