package plugin

import (
	"encoding/json"
	"strings"
	"testing"
)

var validJSONCases = []string{
	``, ` `, `null`, `true`, `false`, `nul`, `nulll`, `truex`, `0`, `-0`, `01`, `-`, `1.`, `1.5`, `.5`, `1e5`, `1E+5`,
	`1e`, `1e+`, `-1.25e-10`, `+1`, `""`, `"a"`, `"\""`, `"\\"`, `"\/"`, `"\u00e9"`, `"\u00g9"`, `"\u00e"`, `"\x"`,
	"\"\x01\"", "\"\x7f\xff\"", `"abc`, `[]`, `[ ]`, `[1,2]`, `[1,]`, `[,1]`, `[1 2]`, `{}`, `{ }`, `{"a":1}`,
	`{"a":1,}`, `{"a"}`, `{"a":}`, `{1:2}`, `{"a":1 "b":2}`, `{"a":[1,{"b":null}],"c":"d"}`, `[}`, `{]`, `[[[]]]`,
	`[[[]]`, ` {"ok":{"type":"container"}} `, "\t[\r\n1\n]\t", `1 2`, `{"a":1}}`, `"\ud800"`, "\x00", `[-]`, `[1e]`,
	`{"type":"container","classes":["page"],"children":[{"type":"text","classes":["page-subtitle"],"text":"Who we are"}]}`,
	strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	strings.Repeat(`{"a":`, 300) + "1" + strings.Repeat("}", 300),
}

// TestValidJSON checks validJSON against encoding/json.Valid.
func TestValidJSON(t *testing.T) {
	for _, s := range validJSONCases {
		if got, want := validJSON([]byte(s)), json.Valid([]byte(s)); got != want {
			t.Errorf("validJSON(%.60q) = %v, json.Valid says %v", s, got, want)
		}
	}
}

// FuzzValidJSON compares validJSON with encoding/json.Valid on any input:
//
//	go test -run '^$' -fuzz FuzzValidJSON -fuzztime 60s ./app/plugin/
func FuzzValidJSON(f *testing.F) {
	for _, s := range validJSONCases {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := validJSON(b), json.Valid(b); got != want {
			t.Errorf("validJSON(%q) = %v, json.Valid says %v", b, got, want)
		}
	})
}

func BenchmarkValidJSON(b *testing.B) {
	out := []byte(validJSONCases[len(validJSONCases)-4])
	b.Run("validJSON", func(b *testing.B) {
		for b.Loop() {
			validJSON(out)
		}
	})
	b.Run("json.Valid", func(b *testing.B) {
		for b.Loop() {
			json.Valid(out)
		}
	})
}
