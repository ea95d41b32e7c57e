package category

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseTags(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  ,  , ", nil},
		{"jazz", []string{"jazz"}},
		{"jazz, blues ,soul", []string{"jazz", "blues", "soul"}},
		{`"Paris, France", wine`, []string{"Paris, France", "wine"}},
		{`wine, "Paris, France"`, []string{"wine", "Paris, France"}},
		{`  "Paris, France"  ,wine`, []string{"Paris, France", "wine"}},
		{`"The ""Best"" Bar", x`, []string{`The "Best" Bar`, "x"}},
		{`Bob "the" builder`, []string{`Bob "the" builder`}},
		{`"unterminated, still one`, []string{"unterminated, still one"}},
		{"Go, go, GO , Rust, go", []string{"Go", "Rust"}},
		{"a,,b,", []string{"a", "b"}},
		{`"", a`, []string{"a"}},
		{"Jazz (0190a4c1-0000-7000-8000-000000000000), Jazz", []string{"Jazz (0190a4c1-0000-7000-8000-000000000000)", "Jazz"}},
	}
	for _, tc := range cases {
		if diff := cmp.Diff(tc.want, ParseTags(tc.in)); diff != "" {
			t.Errorf("ParseTags(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestJoinTagsRoundTrips(t *testing.T) {
	for _, names := range [][]string{
		{"jazz", "blues"},
		{"Paris, France", "wine"},
		{`The "Best" Bar`, "x, y", `"quoted"`},
	} {
		joined := JoinTags(names)
		if diff := cmp.Diff(names, ParseTags(joined)); diff != "" {
			t.Errorf("ParseTags(JoinTags(%q)) = via %q (-want +got):\n%s", names, joined, diff)
		}
	}
	if got := JoinTags([]string{"Paris, France", "wine"}); got != `"Paris, France", wine` {
		t.Errorf("JoinTags = %s", got)
	}
}
