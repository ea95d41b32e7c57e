// Command formtap is a test plugin for the form taps. Its behaviour depends
// on the form id, so one module covers the success and failure cases. Built
// by TestMain with
// GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared ./app/plugin/testdata/formtap
package main

import (
	"sort"
	"strings"

	"github.com/trovato/trovato/plugins/sdk"
)

func main() {}

//go:wasmexport tap_form_alter
func tapFormAlter(p, n uint32) uint64 { return sdk.FormAlter(p, n, alter) }

//go:wasmexport tap_form_validate
func tapFormValidate(p, n uint32) uint64 { return sdk.FormValidate(p, n, validate) }

//go:wasmexport tap_form_submit
func tapFormSubmit(p, n uint32) uint64 { return sdk.FormSubmit(p, n, submit) }

// alter changes test_form in every way a plugin may, and breaks the forms
// named after a failure.
func alter(f *sdk.Form) error {
	switch f.ID {
	case "test_form":
		f.Find("title").Label = "Headline"
		body := f.Find("body")
		body.Description = "Write <something>."
		body.Required = true
		f.Move("tags", "title")
		f.Find("kind").Options[1].Label = "Bee"
		f.Remove("remove_me")
		f.InsertBefore("actions", &sdk.FormElement{Key: "formtap_note", Type: sdk.FormTypeMarkup, Markup: "Added by formtap"})
		f.Move("group_note", "body") // out of its fieldset
		return nil
	case "bad_form":
		f.Elements = append(f.Elements, &sdk.FormElement{Key: "title", Type: sdk.FormTypeTextField})
		return nil
	case "unknown_type_form":
		f.Elements = append(f.Elements, &sdk.FormElement{Key: "evil", Type: "script"})
		return nil
	case "rename_form":
		f.ID = "renamed"
		return nil
	case "panic_form":
		panic("formtap cannot alter panic_form")
	case "error_form":
		return sdk.Errorf(sdk.CodeForbidden, "formtap refuses error_form")
	}
	return sdk.ErrUnchanged
}

// validate refuses a title of "bad" and more than two tags.
func validate(formID string, values map[string][]string) (map[string]string, error) {
	if formID != "test_form" {
		return nil, nil
	}
	msgs := map[string]string{}
	if t := values["title"]; len(t) > 0 && t[0] == "bad" {
		msgs["title"] = "formtap: the title must not be bad."
	}
	if len(values["tags"]) > 2 {
		msgs["tags"] = "formtap: at most two tags."
	}
	return msgs, nil
}

// submit logs what it was told.
func submit(formID string, values map[string][]string, result map[string]string) error {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("formtap submitted form=" + formID + " item_id=" + result["item_id"])
	for _, k := range keys {
		b.WriteString(" " + k + "=" + strings.Join(values[k], ","))
	}
	sdk.Log(sdk.LevelInfo, b.String())
	return nil
}
