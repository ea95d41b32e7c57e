//go:build !wasip1

package sdk

import (
	"fmt"
	"os"
)

// Native builds keep the glue functions so that a plugin's package compiles
// and its unit tests run with plain `go test`; only the wasm build is ever
// called through them. Test the typed functions directly, with FakeItem.

const nativeGlue = "sdk: tap glue runs only in the wasip1 build; call the tap's typed function in tests"

// ItemView is the glue for tap_item_view: it decodes the input at p, n,
// calls view with the item behind the handle and the view mode, and returns
// the packed output envelope. Natively it panics.
func ItemView(p, n uint32, view func(it Item, viewMode string) (Element, error)) uint64 {
	panic(nativeGlue)
}

// ItemInfo is the glue for tap_item_info: it returns the item types info
// defines as the packed output envelope. Natively it panics.
func ItemInfo(p, n uint32, info func() ([]ItemType, error)) uint64 {
	panic(nativeGlue)
}

// RawTap is the glue for a tap whose function works on JSON itself (the
// full-serialization path, e.g. alter taps): fn receives the input JSON and
// returns the JSON value to send back ("null" when it returns nil).
// Natively it panics.
func RawTap(p, n uint32, fn func(input []byte) ([]byte, error)) uint64 {
	panic(nativeGlue)
}

// Log writes msg to the site log at level, tagged with the plugin and tap
// (capability "log"). Natively it writes to standard error.
func Log(level Level, msg string) {
	fmt.Fprintf(os.Stderr, "plugin log level=%d: %s\n", level, msg)
}
