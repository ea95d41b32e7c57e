package main

import (
	"testing"

	"github.com/trovato/trovato/plugins/sdk"
)

func TestPresaveTidiesNames(t *testing.T) {
	for in, want := range map[string]string{
		"Jazz   standards": "Jazz standards",
		"\tBe bop\n":       "Be bop",
	} {
		got, err := presave(sdk.TermData{Name: in, Description: "kept"})
		if err != nil || got == nil || got.Name != want || got.Description != "kept" {
			t.Errorf("presave(%q) = %+v, %v; want %q", in, got, err, want)
		}
	}
	if got, err := presave(sdk.TermData{Name: "Tidy"}); got != nil || err != nil {
		t.Errorf("a tidy name was changed: %+v, %v", got, err)
	}
}
