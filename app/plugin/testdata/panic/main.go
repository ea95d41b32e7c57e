// Command panic is a hostile test plugin whose tap_item_view panics in the
// "hostile" view mode and adds nothing otherwise. Built by TestMain with
// GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared ./app/plugin/testdata/panic
package main

import "github.com/trovato/trovato/plugins/sdk"

func main() {}

//go:wasmexport tap_item_view
func tapItemView(p, n uint32) uint64 { return sdk.ItemView(p, n, view) }

func view(_ sdk.Item, mode string) (sdk.Element, error) {
	if mode == "hostile" {
		panic("boom from the panic plugin")
	}
	return sdk.Element{}, nil
}
