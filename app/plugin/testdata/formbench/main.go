// Command formbench is the form_alter benchmark plugin. Installed several
// times, each copy changes a label, adds a description and moves one
// element; markers left by earlier copies make each pick different
// elements. Built by TestMain with
// GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared ./app/plugin/testdata/formbench
package main

import (
	"strings"

	"github.com/trovato/trovato/plugins/sdk"
)

func main() {}

//go:wasmexport tap_form_alter
func tapFormAlter(p, n uint32) uint64 { return sdk.FormAlter(p, n, alter) }

//go:wasmexport tap_form_validate
func tapFormValidate(p, n uint32) uint64 { return sdk.FormValidate(p, n, validate) }

// alter marks the label of the first labelled input not yet marked, adds a
// description to the first input without one, and moves the top-level
// element just before "actions" to the top.
func alter(f *sdk.Form) error {
	if e := f.FindFunc(func(e *sdk.FormElement) bool {
		return e.Label != "" && !strings.HasPrefix(e.Label, "* ") && e.Type != sdk.FormTypeSubmit
	}); e != nil {
		e.Label = "* " + e.Label
	}
	if e := f.FindFunc(func(e *sdk.FormElement) bool {
		return e.Description == "" && e.Type == sdk.FormTypeTextField
	}); e != nil {
		e.Description = "Added by formbench."
	}
	if n := len(f.Elements); n >= 3 && f.Elements[n-1].Key == "actions" {
		f.MoveBefore(f.Elements[n-2].Key, f.Elements[0].Key)
	}
	return nil
}

// validate disagrees with formtap about the title, to show that the first
// message per key wins.
func validate(formID string, values map[string][]string) (map[string]string, error) {
	if t := values["title"]; len(t) > 0 && t[0] == "bad" {
		return map[string]string{"title": "formbench: bad title.", "body": "formbench: the body too."}, nil
	}
	return nil, nil
}
