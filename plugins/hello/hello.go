// Command hello is the example plugin of the plugins tutorial
// (plugins/README.md): it adds a "Hello from a plugin" text to every item
// shown on its own page. Build it with
//
//	go run ./app/cmd/trovato plugin build hello
package main

import "github.com/trovato/trovato/plugins/sdk"

// main does not run in a reactor module; the host calls the taps.
func main() {}

// view greets the reader below the content of every full item page, of
// any type; listings (teasers) are left alone.
func view(it sdk.Item, mode string) (sdk.Element, error) {
	if mode != "full" {
		return sdk.Element{}, nil // nothing to add
	}
	return sdk.Text("Hello from a plugin").WithClass("hello"), nil
}
