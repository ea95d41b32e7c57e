package sdk

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// randomString mixes plain ASCII with every kind of byte the scanners flag,
// at every offset relative to the 8-byte words.
func randomString(rng *rand.Rand) string {
	alphabet := []string{"a", "b", "Z", "0", " ", "\"", "\\", "<", ">", "&", "\n", "\x00", "\x1f", "é", "✓", "𝄞", "\u2028", "\xff", "\xe2\x82", "/"}
	n := rng.IntN(40)
	s := ""
	for range n {
		if rng.IntN(3) == 0 {
			s += alphabet[rng.IntN(len(alphabet))]
		} else {
			s += "plain"[:1+rng.IntN(5)]
		}
	}
	return s
}

func TestAppendStringRandomMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		s := randomString(rng)
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); string(got) != string(want) {
			t.Fatalf("appendString(%q) = %s, want %s", s, got, want)
		}
	}
}

func TestReaderRandomRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		s := randomString(rng)
		encoded, _ := json.Marshal(s)
		var want string
		if err := json.Unmarshal(encoded, &want); err != nil {
			t.Fatal(err)
		}
		r := reader{b: encoded}
		got, err := r.string()
		if err != nil || got != want || r.end() != nil {
			t.Fatalf("string(%s) = %q, %v; want %q", encoded, got, err, want)
		}
	}
}

func TestReaderUint32(t *testing.T) {
	tests := []struct {
		in   string
		want uint32
		ok   bool
	}{
		{"0", 0, true}, {"7", 7, true}, {"4294967295", 1<<32 - 1, true},
		{"4294967296", 0, false}, {"01", 0, false}, {"", 0, false}, {"-1", 0, false},
	}
	for _, tt := range tests {
		r := reader{b: []byte(tt.in)}
		got, err := r.uint32()
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("uint32(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
