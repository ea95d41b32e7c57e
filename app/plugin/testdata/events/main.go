// Command events is a test plugin for the lifecycle taps. Built by the
// app/plugin and app/server tests with
// GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared ./app/plugin/testdata/events
package main

import (
	"strings"

	"github.com/trovato/trovato/plugins/sdk"
)

func main() {}

//go:wasmexport tap_item_presave
func tapItemPresave(p, n uint32) uint64 { return sdk.ItemPresave(p, n, presave) }

//go:wasmexport tap_item_insert
func tapItemInsert(p, n uint32) uint64 { return sdk.ItemEvent(p, n, itemEvent) }

//go:wasmexport tap_item_update
func tapItemUpdate(p, n uint32) uint64 { return sdk.ItemEvent(p, n, itemEvent) }

//go:wasmexport tap_item_delete
func tapItemDelete(p, n uint32) uint64 { return sdk.ItemEvent(p, n, itemEvent) }

//go:wasmexport tap_user_login
func tapUserLogin(p, n uint32) uint64 { return sdk.UserEvent(p, n, userEvent) }

//go:wasmexport tap_user_logout
func tapUserLogout(p, n uint32) uint64 { return sdk.UserEvent(p, n, userEvent) }

//go:wasmexport tap_user_insert
func tapUserInsert(p, n uint32) uint64 { return sdk.UserEvent(p, n, userEvent) }

//go:wasmexport tap_user_update
func tapUserUpdate(p, n uint32) uint64 { return sdk.UserEvent(p, n, userEvent) }

//go:wasmexport tap_user_delete
func tapUserDelete(p, n uint32) uint64 { return sdk.UserEvent(p, n, userEvent) }

//go:wasmexport tap_item_view_alter
func tapItemViewAlter(p, n uint32) uint64 { return sdk.ItemViewAlter(p, n, viewAlter) }

// presave marks titles containing "[presave]" and uppercases their
// subtitle; "[invalid]" blanks the title, which the kernel must refuse.
func presave(it sdk.ItemData) (*sdk.ItemData, error) {
	switch {
	case strings.Contains(it.Title, "[invalid]"):
		it.Title = ""
	case strings.Contains(it.Title, "[presave]") && !strings.HasSuffix(it.Title, "(presaved)"):
		it.Title += " (presaved)"
		for _, d := range it.Fields["field_subtitle"] {
			if s, ok := d["value"].(string); ok {
				d["value"] = strings.ToUpper(s)
			}
		}
	default:
		return nil, nil
	}
	sdk.Log(sdk.LevelInfo, "events: presave "+it.Title)
	return &it, nil
}

func itemEvent(event string, it sdk.ItemData) error {
	sdk.Log(sdk.LevelInfo, "events: item "+event+" "+it.ID+" "+it.Type+" "+it.Title)
	return nil
}

func userEvent(event string, u sdk.UserData) error {
	sdk.Log(sdk.LevelInfo, "events: user "+event+" "+u.ID+" "+u.Name)
	return nil
}

// viewAlter adds a note to every full view and tries to smuggle a script
// and an unknown element type, which the kernel must drop.
func viewAlter(it sdk.ItemData, mode string, el *sdk.Element) error {
	if mode != "full" {
		return sdk.ErrUnchanged
	}
	el.Classes = append(el.Classes, "events-altered")
	el.Children = append([]sdk.Element{sdk.Text("events altered " + it.Title)}, el.Children...)
	el.Children = append(el.Children,
		sdk.Markup(`<p>events markup</p><script>alert("x")</script>`, sdk.FormatBasicHTML),
		sdk.Element{Type: "iframe", Href: "https://evil.example/"})
	return nil
}
