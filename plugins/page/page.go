// Command page is the reference Trovato plugin: it defines the "page" item
// type and renders its subtitle. It is the worked example of the plugin SDK;
// build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o page.wasm ./plugins/page
package main

import "github.com/trovato/trovato/plugins/sdk"

// main does not run in a reactor module; the host calls the taps.
func main() {}

// info defines the page item type.
func info() ([]sdk.ItemType, error) {
	return []sdk.ItemType{{
		Type:        "page",
		Label:       "Basic page",
		Description: "Use basic pages for static content, such as an About us page.",
		Fields: []sdk.Field{{
			Name:        "field_subtitle",
			Type:        "text",
			Label:       "Subtitle",
			Cardinality: 1,
		}},
	}}, nil
}

// view renders a page: a container with class "page" holding the subtitle,
// when there is one. In the full view the kernel prints the title as the
// page heading; other view modes (teasers in listings) get the title as a
// heading of their own. Items of other types are left alone.
func view(it sdk.Item, mode string) (sdk.Element, error) {
	if it.Type() != "page" {
		return sdk.Element{}, nil
	}
	var children []sdk.Element
	if mode != "full" {
		if title := it.Title(); title != "" {
			children = append(children, sdk.Heading(2, title).WithClass("page-title"))
		}
	}
	if sub := it.FieldText("field_subtitle"); sub != "" {
		children = append(children, sdk.Text(sub).WithClass("page-subtitle"))
	}
	return sdk.Container(children...).WithClass("page"), nil
}
