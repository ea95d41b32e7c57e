// Command loop is a hostile test plugin whose tap_item_view never returns in
// the "hostile" view mode and adds nothing otherwise. Built by TestMain with
// GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared ./app/plugin/testdata/loop
package main

import "github.com/trovato/trovato/plugins/sdk"

func main() {}

//go:wasmexport tap_item_view
func tapItemView(p, n uint32) uint64 { return sdk.ItemView(p, n, view) }

// sink keeps the loop body observable so the compiler cannot drop it.
var sink int

func view(_ sdk.Item, mode string) (sdk.Element, error) {
	if mode == "hostile" {
		for i := 0; ; i++ {
			sink = i
		}
	}
	return sdk.Element{}, nil
}
