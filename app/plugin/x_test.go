package plugin

import (
	"context"
	"testing"
	"time"
)

func BenchmarkX(b *testing.B) {
	h, _ := openHost(b, Config{}, fixture{name: "page"})
	p := h.byName["page"]
	in, _ := p.pool.acquire(context.Background())
	abi := in.mod.ExportedFunction("trovato_abi")
	b.Run("abi-bg", func(b *testing.B) {
		for b.Loop() {
			abi.CallWithStack(context.Background(), in.stack)
		}
	})
	b.Run("abi-timeout", func(b *testing.B) {
		for b.Loop() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			abi.CallWithStack(ctx, in.stack)
			cancel()
		}
	})
	b.Run("alloc-free-bg", func(b *testing.B) {
		for b.Loop() {
			in.stack[0] = 40
			in.alloc.CallWithStack(context.Background(), in.stack)
			in.free.CallWithStack(context.Background(), in.stack)
		}
	})
	var st CallState
	st.AddItem(aboutUs())
	input := viewInput(1, "full")
	b.Run("invoke-bg", func(b *testing.B) {
		cc := &callCtx{p: p, tap: "item_view", inst: in, state: &st}
		ctx := context.WithValue(context.Background(), callKey{}, cc)
		for b.Loop() {
			if _, err := in.invoke(ctx, "item_view", input); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("invoke-timeout", func(b *testing.B) {
		cc := &callCtx{p: p, tap: "item_view", inst: in, state: &st}
		for b.Loop() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			if _, err := in.invoke(context.WithValue(ctx, callKey{}, cc), "item_view", input); err != nil {
				b.Fatal(err)
			}
			cancel()
		}
	})
}
