// Command notes is a test plugin for the structured DB API, plugin routes
// and tap_preprocess. Its install tap writes a row (proving its table
// exists by then); tap_dbtest runs one DB call described by its input and
// answers the result or the error; its routes list the notes and a page
// that needs "administer plugins"; its preprocess answers a mix of safe
// and hostile additions for page items. Built by the tests with
// GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared.
package main

import (
	"encoding/json"
	"errors"

	"github.com/trovato/trovato/plugins/sdk"
)

func main() {}

//go:wasmexport tap_install
func tapInstall(p, n uint32) uint64 {
	return sdk.RawTap(p, n, func([]byte) ([]byte, error) {
		_, err := sdk.DBInsert("notes", map[string]any{"title": "installed"})
		return nil, err
	})
}

//go:wasmexport tap_uninstall
func tapUninstall(p, n uint32) uint64 {
	return sdk.RawTap(p, n, func([]byte) ([]byte, error) {
		sdk.Log(sdk.LevelInfo, "notes tap uninstall")
		return nil, nil
	})
}

// dbReq is the tap_dbtest input.
type dbReq struct {
	Op     string         `json:"op"`
	Table  string         `json:"table"`
	Values map[string]any `json:"values"`
	Where  []sdk.Cond     `json:"where"`
	Select sdk.Select     `json:"select"`
}

//go:wasmexport tap_dbtest
func tapDBTest(p, n uint32) uint64 {
	return sdk.RawTap(p, n, func(in []byte) ([]byte, error) {
		var r dbReq
		if err := json.Unmarshal(in, &r); err != nil {
			return nil, err
		}
		var v any
		var err error
		switch r.Op {
		case "select":
			v, err = sdk.DBSelect(r.Select)
		case "insert":
			v, err = sdk.DBInsert(r.Table, r.Values)
		case "update":
			v, err = sdk.DBUpdate(r.Table, r.Values, r.Where...)
		case "delete":
			v, err = sdk.DBDelete(r.Table, r.Where...)
		}
		if err != nil {
			// The error travels as data, so the test sees code and message.
			var se *sdk.Error
			if errors.As(err, &se) {
				return json.Marshal(map[string]string{"code": string(se.Code), "message": se.Message})
			}
			return json.Marshal(map[string]string{"code": "plain", "message": err.Error()})
		}
		return json.Marshal(map[string]any{"result": v})
	})
}

//go:wasmexport tap_menu
func tapMenu(p, n uint32) uint64 {
	return sdk.Menu(p, n, func() (sdk.MenuDef, error) {
		return sdk.MenuDef{Routes: []sdk.Route{
			{Path: "/notes", Title: "Notes", Callback: "page_notes"},
			{Path: "/notes/secret/{key}", Title: "Secret", Callback: "page_secret", Permission: "administer plugins"},
			{Path: "/notes/bad", Title: "Bad", Callback: "install"},            // not a page callback: skipped
			{Path: "/notes/{a}/x/{a}", Title: "Twice", Callback: "page_notes"}, // placeholder twice: skipped
		}}, nil
	})
}

//go:wasmexport tap_page_notes
func tapPageNotes(p, n uint32) uint64 {
	return sdk.PageCallback(p, n, func(req sdk.PageRequest) (sdk.Page, error) {
		rows, err := sdk.DBSelect(sdk.Select{Table: "notes", Columns: []string{"title"}, Order: []sdk.Order{{Column: "title"}}})
		if err != nil {
			return sdk.Page{}, err
		}
		var items []sdk.Element
		for _, r := range rows {
			title, _ := r["title"].(string)
			items = append(items, sdk.Text(title).WithClass("note"))
		}
		return sdk.Page{Content: sdk.List(items...).WithClass("notes")}, nil
	})
}

//go:wasmexport tap_page_secret
func tapPageSecret(p, n uint32) uint64 {
	return sdk.PageCallback(p, n, func(req sdk.PageRequest) (sdk.Page, error) {
		return sdk.Page{Title: "Secret " + req.Args["key"], Content: sdk.Text("the secret of " + req.Args["key"] + " for " + req.Account.Name)}, nil
	})
}

//go:wasmexport tap_preprocess
func tapPreprocess(p, n uint32) uint64 {
	return sdk.Preprocess(p, n, func(in sdk.PreprocessInput) (sdk.Additions, error) {
		if in.Element == "page" {
			return sdk.Additions{Classes: []string{"notes-page"}}, nil
		}
		if !in.Suggests("item__page__full") || in.Item == nil {
			return sdk.Additions{}, nil
		}
		return sdk.Additions{
			Classes: []string{"notes-pp", "bad class", "x\"><script>"},
			Attributes: map[string]string{
				"data-notes": in.Item.Title(),
				"onclick":    "alert(1)",
				"style":      "color:red",
				"hx-get":     "/evil",
			},
			Children: []sdk.Element{
				sdk.Text("note for " + in.Item.Title()).WithClass("notes-child"),
				sdk.Link("evil link", "javascript:alert(1)").WithClass("notes-evil"),
				sdk.Markup(`<b>bold</b><script>alert(2)</script>`, sdk.FormatBasicHTML).WithClass("notes-markup"),
				{Type: "iframe", Text: "unknown type"},
			},
		}, nil
	})
}
