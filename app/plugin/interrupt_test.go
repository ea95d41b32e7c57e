package plugin

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
)

// A tiny assembler for hand-written modules: the instrumentation must hold
// for any module, not only for what the Go toolchain emits.

// wasmSec is a section: id, size, body.
func wasmSec(id byte, body ...[]byte) []byte {
	var b []byte
	for _, p := range body {
		b = append(b, p...)
	}
	return append(appendU32([]byte{id}, uint32(len(b))), b...)
}

// wasmVec is a vector: count, items.
func wasmVec(items ...[]byte) []byte {
	b := appendU32(nil, uint32(len(items)))
	for _, it := range items {
		b = append(b, it...)
	}
	return b
}

// wasmBody is a function body without locals declarations beyond decls.
func wasmBody(decls []byte, code ...byte) []byte {
	b := append(wasmVec(), code...)
	if decls != nil {
		b = append(decls, code...)
	}
	return append(appendU32(nil, uint32(len(b))), b...)
}

func wasmModule(sections ...[]byte) []byte {
	b := []byte("\x00asm\x01\x00\x00\x00")
	for _, s := range sections {
		b = append(b, s...)
	}
	return b
}

func wasmExport(name string, kind byte, idx uint32) []byte {
	return appendU32(append(appendName(nil, name), kind), idx)
}

// instrumentedRuntime is a runtime configured like the host's (no context
// watching) with the trovato module holding only the deadline check, and
// env.inc (i32) -> i32 for modules that import a function.
func instrumentedRuntime(t *testing.T) wazero.Runtime {
	t.Helper()
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler().WithCloseOnContextDone(false))
	t.Cleanup(func() { _ = rt.Close(ctx) })
	_, err := rt.NewHostModuleBuilder(hostModuleName).NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(interruptCheck), nil, []api.ValueType{i32}).
		Export(interruptFunc).Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = rt.NewHostModuleBuilder("env").NewFunctionBuilder().
		WithFunc(func(v uint32) uint32 { return v + 1 }).Export("inc").Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

// TestInstrumentStopsUnboundedGuests runs modules that never finish on
// their own, each instrumented, and checks that the call ends with the
// exit code of its context: a loop, a call tree without any loop (2^40
// calls), and a loop inside a function called through a table.
func TestInstrumentStopsUnboundedGuests(t *testing.T) {
	voidType := wasmSec(secType, wasmVec([]byte{0x60, 0x00, 0x00}))
	exportRun := wasmSec(secExport, wasmVec(wasmExport("run", 0x00, 0)))
	calls := [][]byte{}
	for i := range 40 { // f_i calls f_i+1 twice; f_39 returns
		calls = append(calls, wasmBody(nil, 0x10, byte(i+1), 0x10, byte(i+1), 0x0b))
	}
	calls = append(calls, wasmBody(nil, 0x0b))
	funcs := make([][]byte, len(calls))
	for i := range funcs {
		funcs[i] = []byte{0x00}
	}
	modules := []struct {
		name string
		wasm []byte
	}{
		{"loop", wasmModule(voidType, wasmSec(secFunction, wasmVec([]byte{0x00})), exportRun,
			wasmSec(secCode, wasmVec(wasmBody(nil, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b))))},
		{"exponential calls, no loop", wasmModule(voidType, wasmSec(secFunction, wasmVec(funcs...)), exportRun,
			wasmSec(secCode, wasmVec(calls...)))},
		{"loop behind call_indirect", wasmModule(voidType,
			wasmSec(secFunction, wasmVec([]byte{0x00}, []byte{0x00})),
			wasmSec(4, wasmVec([]byte{0x70, 0x00, 0x01})), // table funcref min 1
			exportRun,
			wasmSec(secElement, wasmVec([]byte{0x00, 0x41, 0x00, 0x0b, 0x01, 0x01})), // table[0] = f1
			wasmSec(secCode, wasmVec(
				wasmBody(nil, 0x41, 0x00, 0x11, 0x00, 0x00, 0x0b), // call_indirect type 0 table 0, slot 0
				wasmBody(nil, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b))))},
	}
	stops := []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want uint32
	}{
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 50*time.Millisecond)
		}, sys.ExitCodeDeadlineExceeded},
		{"cancel", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			return ctx, cancel
		}, sys.ExitCodeContextCanceled},
	}
	for _, m := range modules {
		for _, stop := range stops {
			t.Run(m.name+"/"+stop.name, func(t *testing.T) {
				wasm, err := instrument(m.wasm)
				if err != nil {
					t.Fatal(err)
				}
				rt := instrumentedRuntime(t)
				mod, err := rt.Instantiate(context.Background(), wasm)
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := stop.ctx()
				defer cancel()
				done := make(chan error, 1)
				go func() { _, err := mod.ExportedFunction("run").Call(ctx); done <- err }()
				select {
				case err = <-done:
				case <-time.After(time.Minute):
					t.Fatal("the guest was not stopped") // the goroutine leaks with it
				}
				var exit *sys.ExitError
				if !errors.As(err, &exit) || exit.ExitCode() != stop.want {
					t.Errorf("call error = %v, want exit code %d", err, stop.want)
				}
			})
		}
	}
}

// TestInstrumentKeepsBehaviour instruments a module that uses every kind of
// function index the rewrite shifts (an import before the defined
// functions, call, call_indirect through an element segment, ref.func in a
// global, a start function, exports, the name section) and a loop with a
// value, and checks that it computes what the original computes.
func TestInstrumentKeepsBehaviour(t *testing.T) {
	// Functions: 0 env.inc (import), 1 run, 2 double, 3 sum, 4 start.
	// run = call_indirect(table[0] = double, inc(double(20))) + sum() + g0
	//     = double(41) + 45 + 7 = 134.
	types := wasmSec(secType, wasmVec(
		[]byte{0x60, 0x01, 0x7f, 0x01, 0x7f}, // 0: (i32) -> i32
		[]byte{0x60, 0x00, 0x01, 0x7f},       // 1: () -> i32
		[]byte{0x60, 0x00, 0x00},             // 2: () -> ()
	))
	imports := wasmSec(secImport, wasmVec(append(appendName(appendName(nil, "env"), "inc"), 0x00, 0x00)))
	functions := wasmSec(secFunction, wasmVec([]byte{0x01}, []byte{0x00}, []byte{0x01}, []byte{0x02}))
	table := wasmSec(4, wasmVec([]byte{0x70, 0x00, 0x01}))
	globals := wasmSec(secGlobal, wasmVec(
		[]byte{0x7f, 0x01, 0x41, 0x00, 0x0b}, // g0: mut i32 = 0, set by start
		[]byte{0x70, 0x00, 0xd2, 0x02, 0x0b}, // g1: funcref = ref.func double
	))
	exports := wasmSec(secExport, wasmVec(wasmExport("run", 0x00, 1), wasmExport("double", 0x00, 2)))
	start := wasmSec(secStart, []byte{0x04})
	elements := wasmSec(secElement, wasmVec([]byte{0x00, 0x41, 0x00, 0x0b, 0x01, 0x02}))
	code := wasmSec(secCode, wasmVec(
		wasmBody(nil, // run
			0x41, 20, 0x10, 0x02, // double(20)
			0x10, 0x00, // inc
			0x41, 0x00, 0x11, 0x00, 0x00, // call_indirect type 0, table 0, slot 0
			0x10, 0x03, 0x6a, // + sum()
			0x23, 0x00, 0x6a, // + g0
			0x0b),
		wasmBody(nil, 0x20, 0x00, 0x41, 0x02, 0x6c, 0x0b), // double: local0 * 2
		wasmBody(wasmVec([]byte{0x02, 0x7f}), // sum: locals i, acc; acc = 0+1+…+9 via a loop with a result
			0x03, 0x7f, // loop (result i32)
			0x20, 0x01, 0x20, 0x00, 0x6a, 0x21, 0x01, // acc += i
			0x20, 0x00, 0x41, 0x01, 0x6a, 0x22, 0x00, // i++ (tee)
			0x41, 0x0a, 0x48, 0x0d, 0x00, // br_if 0 (i < 10)
			0x20, 0x01, // acc
			0x0b, 0x0b),
		wasmBody(nil, 0x41, 0x07, 0x24, 0x00, 0x0b), // start: g0 = 7
	))
	names := wasmSec(secCustom, appendName(nil, "name"), wasmSec(1, wasmVec(
		append(appendU32(nil, 0), appendName(nil, "inc")...),
		append(appendU32(nil, 1), appendName(nil, "run_fn")...),
		append(appendU32(nil, 2), appendName(nil, "double_fn")...),
	)))
	debug := wasmSec(secCustom, appendName(nil, ".debug_info"), []byte{1, 2, 3})
	original := wasmModule(types, imports, functions, table, globals, exports, start, elements, code, names, debug)

	instrumented, err := instrument(original)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(instrumented, []byte(".debug_info")) {
		t.Error("the instrumented module kept a debug section, whose code offsets are stale")
	}
	for _, tt := range []struct {
		name string
		wasm []byte
	}{{"original", original}, {"instrumented", instrumented}} {
		t.Run(tt.name, func(t *testing.T) {
			rt := instrumentedRuntime(t)
			ctx := context.Background()
			compiled, err := rt.CompileModule(ctx, tt.wasm)
			if err != nil {
				t.Fatal(err)
			}
			if got := compiled.ExportedFunctions()["run"].Name(); got != "run_fn" {
				t.Errorf("name of the run export = %q, want run_fn", got)
			}
			mod, err := rt.InstantiateModule(ctx, compiled, wazero.NewModuleConfig())
			if err != nil {
				t.Fatal(err)
			}
			res, err := mod.ExportedFunction("run").Call(ctx)
			if err != nil || len(res) != 1 || res[0] != 134 {
				t.Errorf("run() = %v, %v; want [134]", res, err)
			}
		})
	}
}

// TestInstrumentRefusesUnknownInstructions checks that a module whose code
// the rewrite cannot walk is refused, not passed through unchecked, and so
// is one whose code names the fuel global.
func TestInstrumentRefusesUnknownInstructions(t *testing.T) {
	simd := wasmModule(
		wasmSec(secType, wasmVec([]byte{0x60, 0x00, 0x00})),
		wasmSec(secFunction, wasmVec([]byte{0x00})),
		wasmSec(secCode, wasmVec(wasmBody(nil, append(append([]byte{0xfd, 0x0c}, make([]byte, 16)...), 0x1a, 0x0b)...))),
	)
	// global.set 0 in a module without globals: invalid as written, but
	// the fuel global would be global 0 after the rewrite.
	refuel := wasmModule(
		wasmSec(secType, wasmVec([]byte{0x60, 0x00, 0x00})),
		wasmSec(secFunction, wasmVec([]byte{0x00})),
		wasmSec(secCode, wasmVec(wasmBody(nil, 0x41, 0x7f, 0x24, 0x00, 0x0b))),
	)
	tests := []struct {
		name, want string
		wasm       []byte
	}{
		{"SIMD", "SIMD instructions are not supported", simd},
		{"refuel", "global 0 out of range", refuel},
		{"truncated", "unexpected end", simd[:len(simd)-3]},
		{"not wasm", "not a WebAssembly 1 binary", []byte("\x7fELF")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := instrument(tt.wasm)
			if !errors.Is(err, errNotInstrumentable) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("instrument: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
