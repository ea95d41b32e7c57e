// Command probe is a test plugin that calls the host functions with bad
// handles, bad pointers and without the item.read capability, and returns
// classified tap errors. Built by TestMain with
// GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared ./app/plugin/testdata/probe
package main

import (
	"strconv"

	"github.com/trovato/trovato/plugins/sdk"
)

func main() {}

//go:wasmimport trovato item_title
func rawItemTitle(h uint32) uint64

//go:wasmimport trovato item_field_text
func rawItemFieldText(h, namePtr, nameLen, delta, propPtr, propLen uint32) uint64

//go:wasmimport trovato item_field_count
func rawItemFieldCount(h, namePtr, nameLen uint32) uint32

//go:wasmimport trovato log
func rawLog(level int32, msgPtr, msgLen uint32)

//go:wasmexport tap_probe
func tapProbe(p, n uint32) uint64 { return sdk.RawTap(p, n, probe) }

//go:wasmexport tap_fail
func tapFail(p, n uint32) uint64 { return sdk.RawTap(p, n, fail) }

// probe returns the packed results of host calls that must all come back
// empty: handle 1 exists in the caller's state, but this plugin lacks the
// item.read capability; the pointers lie outside linear memory.
func probe([]byte) ([]byte, error) {
	const far = 0xFFFF_FF00
	results := []uint64{
		rawItemTitle(1),
		rawItemFieldText(1, far, 200, 0, far, 200),
		uint64(rawItemFieldCount(1, far, 200)),
	}
	rawLog(int32(sdk.LevelInfo), far, 200)
	sdk.Log(sdk.LevelWarn, "probe done")
	b := []byte("[")
	for i, r := range results {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendUint(b, r, 10)
	}
	return append(b, ']'), nil
}

// fail returns the error class named in its input.
func fail(in []byte) ([]byte, error) {
	code := sdk.Code(in[1 : len(in)-1])
	return nil, sdk.Errorf(code, "probe failed with %s", code)
}
