// Command categories is the reference plugin for the category taps
// (plugins/README.md, "Category taps"). Before a term is saved it tidies
// the name: runs of spaces, tabs and line breaks become one space, so
// "Jazz   standards" and "Jazz standards" cannot both exist by accident.
// After a term is created, updated or deleted it writes a line to the
// site log. Build it with
//
//	go run ./app/cmd/trovato plugin build categories
package main

import (
	"strings"

	"github.com/trovato/trovato/plugins/sdk"
)

// main does not run in a reactor module; the host calls the taps.
func main() {}

// presave collapses whitespace in the term's name; a name that is already
// tidy is left alone (nil: unchanged).
func presave(t sdk.TermData) (*sdk.TermData, error) {
	tidy := strings.Join(strings.Fields(t.Name), " ")
	if tidy == t.Name {
		return nil, nil
	}
	t.Name = tidy
	return &t, nil
}

// termEvent logs the change with the term's vocabulary and name.
func termEvent(event string, t sdk.TermData) error {
	sdk.Log(sdk.LevelInfo, "categories: term "+event+" "+t.Vocabulary+"/"+t.Name+" ("+t.ID+")")
	return nil
}
