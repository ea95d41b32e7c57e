// Command hello is the example plugin of the plugins tutorial
// (plugins/README.md): it adds a "Hello from a plugin" text to every item
// shown on its own page, and counts cron runs in a plugin variable. Build
// it with
//
//	go run ./app/cmd/trovato plugin build hello
package main

import (
	"strconv"

	"github.com/trovato/trovato/plugins/sdk"
)

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

// cron runs on every cron pass (every minute by default, or `trovato
// cron`): it counts the passes in the plugin's variable "cron_runs" and
// logs the count.
func cron(c sdk.CronInput) error {
	var runs int
	if _, err := sdk.GetVariable("cron_runs", &runs); err != nil {
		return err
	}
	runs++
	if err := sdk.SetVariable("cron_runs", runs); err != nil {
		return err
	}
	sdk.Log(sdk.LevelInfo, "hello: cron has run "+strconv.Itoa(runs)+" time(s)")
	return nil
}
