// Command lifecycle is a test plugin implementing the lifecycle taps: each
// logs "lifecycle tap NAME", and uninstall refuses with a message. Its
// item_view adds a text element to every item. Built by the app/plugin
// tests with GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared.
package main

import "github.com/trovato/trovato/plugins/sdk"

func main() {}

func logged(name string) func([]byte) ([]byte, error) {
	return func([]byte) ([]byte, error) {
		sdk.Log(sdk.LevelInfo, "lifecycle tap "+name)
		return nil, nil
	}
}

//go:wasmexport tap_install
func tapInstall(p, n uint32) uint64 { return sdk.RawTap(p, n, logged("install")) }

//go:wasmexport tap_enable
func tapEnable(p, n uint32) uint64 { return sdk.RawTap(p, n, logged("enable")) }

//go:wasmexport tap_disable
func tapDisable(p, n uint32) uint64 { return sdk.RawTap(p, n, logged("disable")) }

//go:wasmexport tap_uninstall
func tapUninstall(p, n uint32) uint64 {
	return sdk.RawTap(p, n, func([]byte) ([]byte, error) {
		return nil, sdk.Errorf(sdk.CodeConflict, "export your data first")
	})
}

//go:wasmexport tap_item_view
func tapItemView(p, n uint32) uint64 {
	return sdk.ItemView(p, n, func(sdk.Item, string) (sdk.Element, error) {
		return sdk.Text("lifecycle was here"), nil
	})
}
