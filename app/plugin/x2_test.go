package plugin

import (
	"context"
	"os"
	"testing"
)

func BenchmarkY(b *testing.B) {
	wasm, _ := os.ReadFile("/tmp/xexp.wasm")
	manifest := `{"name":"xexp","version":"1","abi":1,"taps":["noop","make","hostcall","view"],"capabilities":["item.read"]}`
	h, logs := openHost(b, Config{}, fixture{name: "xexp", wasm: wasm, manifest: manifest})
	_ = logs
	p := h.byName["xexp"]
	if p.state != StateLoaded { b.Fatal(p.err) }
	in, _ := p.pool.acquire(context.Background())
	var st CallState
	st.AddItem(aboutUs())
	cc := &callCtx{p: p, tap: "x", inst: in, state: &st}
	ctx := context.WithValue(context.Background(), callKey{}, cc)
	for _, tap := range []string{"noop", "make", "hostcall", "view"} {
		fn := in.taps[tap]
		b.Run(tap, func(b *testing.B) {
			for b.Loop() {
				in.stack[0], in.stack[1] = 1, 0
				if err := fn.CallWithStack(ctx, in.stack); err != nil { b.Fatal(err) }
			}
		})
	}
	b.Run("view-with-input", func(b *testing.B) {
		for b.Loop() {
			if _, err := in.invoke(ctx, "view", viewInput(1, "full")); err != nil { b.Fatal(err) }
		}
	})
}
