package plugin

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tetratelabs/wazero/api"
)

func TestHostFuncNames(t *testing.T) {
	var defined, listed []string
	for _, f := range (&Host{}).hostFuncs() {
		defined = append(defined, f.name)
	}
	for name := range hostFuncNames {
		listed = append(listed, name)
	}
	slices.Sort(defined)
	slices.Sort(listed)
	if diff := cmp.Diff(defined, listed); diff != "" {
		t.Errorf("hostFuncNames differs from hostFuncs (-defined +listed):\n%s", diff)
	}
}

func TestUnknownHandleAnswersEmpty(t *testing.T) {
	h, logs := openHost(t, Config{}, fixture{name: "page"})
	ctx := context.Background()
	var st CallState
	st.AddItem(aboutUs())
	for _, state := range []*CallState{&st, nil} {
		out, err := h.Call(ctx, "page", "item_view", viewInput(999, "", "teaser"), state)
		// Type() is "" for an unknown handle, so the page adds nothing.
		if err != nil || string(out) != "null" {
			t.Errorf("state %v: %s, %v; want null, nil", state, out, err)
		}
	}
	logs.requireLog(t, "unknown item handle", "plugin=page", "tap=item_view", "handle=999")
	if s := statusOf(t, h, "page"); s.Faults != 0 || s.Instances != 1 {
		t.Errorf("status %+v, want no faults and the warm instance", s)
	}
}

func TestHostFunctionsRefuseBadCalls(t *testing.T) {
	h, logs := openHost(t, Config{}, fixture{name: "probe"})
	var st CallState
	st.AddItem(aboutUs())
	out, err := h.Call(context.Background(), "probe", "probe", []byte("{}"), &st)
	if err != nil || string(out) != "[0,0,0]" {
		t.Errorf("probe: %s, %v; want [0,0,0] (every result empty)", out, err)
	}
	logs.requireLog(t, "without declaring its capability", "plugin=probe", "func=item_title", "capability=item.read")
	logs.requireLog(t, "pointer outside its memory", "plugin=probe", "func=log")
	logs.requireLog(t, "level=WARN", "probe done", "plugin=probe", "tap=probe")
	if s := statusOf(t, h, "probe"); s.Faults != 0 {
		t.Errorf("faults = %d, want 0", s.Faults)
	}
}

func TestHostFunctionsOutsideACall(t *testing.T) {
	h, logs := openHost(t, Config{}, fixture{name: "page"})
	stack := []uint64{1}
	// A host function reached without a tap call (as from a package init)
	// answers empty.
	h.itemString("item_title", func(it *Item) string { return it.Title })(context.Background(), nil, stack)
	if stack[0] != 0 {
		t.Errorf("result = %d, want 0", stack[0])
	}
	logs.requireLog(t, "outside a tap call", "func=item_title")
}

func TestHostFunctionPanicIsContained(t *testing.T) {
	h, logs := openHost(t, Config{})
	stack := []uint64{42}
	h.guard("boom", func(context.Context, api.Module, []uint64) { panic("host bug") })(context.Background(), nil, stack)
	if stack[0] != 0 {
		t.Errorf("result = %d, want 0 after a recovered panic", stack[0])
	}
	logs.requireLog(t, "host function panicked", "func=boom", "host bug")
}

func TestTextOf(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{nil, ""}, {"s", "s"}, {true, "true"}, {2.5, "2.5"}, {1e6, "1000000"}, {7, "7"},
		{int64(-3), "-3"}, {[]any{"a", 1.0}, `["a",1]`}, {map[string]any{"k": "v"}, `{"k":"v"}`},
	}
	for _, tt := range tests {
		if got := textOf(tt.in); got != tt.want {
			t.Errorf("textOf(%#v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
