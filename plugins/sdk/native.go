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

// FormAlter is the glue for tap_form_alter: it decodes the form at p, n,
// lets fn change it in place and returns the altered form (or null when fn
// returns ErrUnchanged) as the packed output envelope. Natively it panics;
// test fn directly with a Form built in the test.
func FormAlter(p, n uint32, fn func(f *Form) error) uint64 {
	panic(nativeGlue)
}

// FormAlterIf is FormAlter for the forms whose id match accepts; other
// forms are answered "unchanged" without being decoded, which keeps a
// plugin that alters a few forms cheap on all the others. Natively it panics.
func FormAlterIf(p, n uint32, match func(formID string) bool, fn func(f *Form) error) uint64 {
	panic(nativeGlue)
}

// FormValidate is the glue for tap_form_validate: fn receives the form id
// and the submitted values by element key and returns error messages by
// element key (nil or empty for none). Natively it panics.
func FormValidate(p, n uint32, fn func(formID string, values map[string][]string) (map[string]string, error)) uint64 {
	panic(nativeGlue)
}

// FormSubmit is the glue for tap_form_submit, a notification after a
// successful submit: fn receives the form id, the submitted values and what
// the submit produced (e.g. {"item_id": "…"}). Natively it panics.
func FormSubmit(p, n uint32, fn func(formID string, values map[string][]string, result map[string]string) error) uint64 {
	panic(nativeGlue)
}
