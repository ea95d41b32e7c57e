package item

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/trovato/trovato/app/field"
)

// sides rebuilds the old and new texts from a diff.
func sides(segs []Segment) (oldText, newText string) {
	var a, b strings.Builder
	for _, s := range segs {
		if s.Op != DiffInsert {
			a.WriteString(s.Text)
		}
		if s.Op != DiffDelete {
			b.WriteString(s.Text)
		}
	}
	return a.String(), b.String()
}

func eq(s string) Segment  { return Segment{DiffEqual, s} }
func del(s string) Segment { return Segment{DiffDelete, s} }
func ins(s string) Segment { return Segment{DiffInsert, s} }

func TestWordDiff(t *testing.T) {
	cases := []struct {
		name, a, b string
		want       []Segment
	}{
		{"equal", "same text", "same text", []Segment{eq("same text")}},
		{"both empty", "", "", nil},
		{"from empty", "", "new words", []Segment{ins("new words")}},
		{"to empty", "old words", "", []Segment{del("old words")}},
		{"one word replaced", "the quick brown fox", "the slow brown fox",
			[]Segment{eq("the "), del("quick"), ins("slow"), eq(" brown fox")}},
		{"word inserted", "the brown fox", "the quick brown fox",
			[]Segment{eq("the "), ins("quick "), eq("brown fox")}},
		{"word deleted", "the quick brown fox", "the brown fox",
			[]Segment{eq("the "), del("quick "), eq("brown fox")}},
		{"punctuation is its own token", "Hello, world.", "Hello, world!",
			[]Segment{eq("Hello, world"), del("."), ins("!")}},
		{"phrase rewritten reads as one change", "we sell red apples daily", "we sell green pears daily",
			[]Segment{eq("we sell "), del("red apples"), ins("green pears"), eq(" daily")}},
		{"change in the middle, common ends kept", "a b c d e f", "a b x d e f",
			[]Segment{eq("a b "), del("c"), ins("x"), eq(" d e f")}},
		{"unicode words", "Grüße aus Köln", "Grüße aus Zürich",
			[]Segment{eq("Grüße aus "), del("Köln"), ins("Zürich")}},
		{"markup is text", "<b>bold</b>", "<i>bold</i>",
			[]Segment{eq("<"), del("b"), ins("i"), eq(">bold</"), del("b"), ins("i"), eq(">")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := WordDiff(tc.a, tc.b)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("WordDiff(%q, %q) mismatch (-want +got):\n%s", tc.a, tc.b, d)
			}
			if a, b := sides(got); a != tc.a || b != tc.b {
				t.Errorf("segments rebuild %q → %q, want %q → %q", a, b, tc.a, tc.b)
			}
		})
	}
}

func TestLineDiff(t *testing.T) {
	cases := []struct {
		name, a, b string
		want       []Segment
	}{
		{"line added", "one\ntwo\n", "one\ntwo\nthree\n", []Segment{eq("one\ntwo\n"), ins("three\n")}},
		{"line removed", "one\ntwo\nthree", "one\nthree", []Segment{eq("one\n"), del("two\n"), eq("three")}},
		{"word changed inside a line", "first line\nsecond line here\nthird line",
			"first line\nsecond row here\nthird line",
			[]Segment{eq("first line\nsecond "), del("line"), ins("row"), eq(" here\nthird line")}},
		{"no trailing newline", "a\nb", "a\nc", []Segment{eq("a\n"), del("b"), ins("c")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := LineDiff(tc.a, tc.b)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("LineDiff mismatch (-want +got):\n%s", d)
			}
			if a, b := sides(got); a != tc.a || b != tc.b {
				t.Errorf("segments rebuild %q → %q, want %q → %q", a, b, tc.a, tc.b)
			}
		})
	}
}

// The diff is minimal on small inputs: its changed tokens are exactly
// len(a)+len(b)-2·LCS, checked against a plain dynamic-programming LCS.
func TestMyersIsMinimal(t *testing.T) {
	pairs := [][2]string{
		{"abcabba", "cbabac"},
		{"xaxbxcx", "abc"},
		{"kitten sitting", "sitting kitten"},
		{"aaaa", "aa"},
		{"abc", "xyz"},
	}
	for _, p := range pairs {
		a, b := strings.Split(p[0], ""), strings.Split(p[1], "")
		segs, ok := myers(a, b, 100)
		if !ok {
			t.Fatalf("myers(%q, %q) gave up", p[0], p[1])
		}
		edits := 0
		for _, s := range segs {
			if s.Op != DiffEqual {
				edits += len(s.Text)
			}
		}
		if want := len(a) + len(b) - 2*lcs(a, b); edits != want {
			t.Errorf("myers(%q, %q): %d edits, want %d (%v)", p[0], p[1], edits, want, segs)
		}
		if x, y := sides(segs); x != p[0] || y != p[1] {
			t.Errorf("myers(%q, %q) rebuilds %q → %q", p[0], p[1], x, y)
		}
	}
}

func lcs(a, b []string) int {
	prev := make([]int, len(b)+1)
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		for j := 1; j <= len(b); j++ {
			switch {
			case a[i-1] == b[j-1]:
				cur[j] = prev[j-1] + 1
			case prev[j] >= cur[j-1]:
				cur[j] = prev[j]
			default:
				cur[j] = cur[j-1]
			}
		}
		prev = cur
	}
	return prev[len(b)]
}

// Past the bounds the middle of the texts is replaced whole, and the
// common prefix and suffix are still found.
func TestDiffBounds(t *testing.T) {
	t.Run("too many tokens", func(t *testing.T) {
		var a, b strings.Builder
		for i := range maxDiffTokens {
			a.WriteString("a")
			b.WriteString("b")
			if i%2 == 0 {
				a.WriteString(" ")
				b.WriteString(" ")
			}
		}
		oldText, newText := "start "+a.String()+" end", "start "+b.String()+" end"
		got := WordDiff(oldText, newText)
		if len(got) != 4 || got[0] != eq("start ") || got[1].Op != DiffDelete || got[2].Op != DiffInsert || got[3] != eq(" end") {
			t.Fatalf("want start, whole delete, whole insert, end; got %d segments", len(got))
		}
		if x, y := sides(got); x != oldText || y != newText {
			t.Fatal("segments do not rebuild the texts")
		}
	})
	t.Run("too many edits", func(t *testing.T) {
		a := strings.Repeat("x ", maxDiffEdits)
		b := strings.Repeat("y ", maxDiffEdits)
		got := WordDiff("p "+a+"q", "p "+b+"q")
		want := []Segment{eq("p "), del(strings.TrimSuffix(a, " ")), ins(strings.TrimSuffix(b, " ")), eq(" q")}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("mismatch (-want +got):\n%s", d)
		}
	})
	t.Run("long text with one change stays precise", func(t *testing.T) {
		base := strings.Repeat("word ", 20000)
		got := WordDiff(base+"old "+base, base+"new "+base)
		want := []Segment{eq(base), del("old"), ins("new"), eq(" " + base)}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("mismatch: %d segments", len(got))
		}
	})
}

func TestCompareRevisions(t *testing.T) {
	reg := field.NewRegistry()
	typ := &Type{Type: "article", TitleLabel: "Title", Fields: []field.Def{
		{Name: "field_subtitle", Type: field.TypeText, Label: "Subtitle"},
		{Name: "field_body", Type: field.TypeTextLong, Label: "Body"},
		{Name: "field_count", Type: field.TypeInteger, Label: "Count"},
		{Name: "field_tags", Type: field.TypeText, Label: "Tags", Cardinality: -1},
		{Name: "field_flag", Type: field.TypeBoolean, Label: "Flag"},
	}}
	from := &Revision{Title: "Old title", Status: true, Created: time.Now(), Fields: Values{
		"field_subtitle": {{"value": "Same"}},
		"field_body":     {{"value": "First paragraph.\n\nThe cat sat on the mat.", "format": "plain_text"}},
		"field_count":    {{"value": float64(1)}},
		"field_tags":     {{"value": "a"}, {"value": "b"}},
	}}
	to := &Revision{Title: "New title", Status: false, Created: time.Now(), Fields: Values{
		"field_subtitle": {{"value": "Same"}},
		"field_body":     {{"value": "First paragraph.\n\nThe dog sat on the mat.", "format": "plain_text"}},
		"field_count":    {{"value": float64(2)}},
		"field_tags":     {{"value": "a"}, {"value": "c"}},
	}}
	got := CompareRevisions(reg, typ, from, to)
	want := Comparison{
		Changes: []Change{
			{Key: "title", Label: "Title", Old: "Old title", New: "New title"},
			{Key: "status", Label: "Published", Old: "Published", New: "Unpublished"},
			{Key: "field_body", Label: "Body", Long: true, Old: "First paragraph.\n\nThe cat sat on the mat.", New: "First paragraph.\n\nThe dog sat on the mat.",
				Segments: []Segment{eq("First paragraph.\n\nThe "), del("cat"), ins("dog"), eq(" sat on the mat.")}},
			{Key: "field_count", Label: "Count", Old: "1", New: "2"},
			{Key: "field_tags", Label: "Tags", Old: "a, b", New: "a, c"},
		},
		Unchanged: []string{"Subtitle", "Flag"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("CompareRevisions mismatch (-want +got):\n%s", d)
	}

	t.Run("long single-line values get a word diff", func(t *testing.T) {
		long := strings.Repeat("lorem ipsum ", 10)
		a := &Revision{Title: long + "alpha", Fields: Values{}}
		b := &Revision{Title: long + "beta", Fields: Values{}}
		c := CompareRevisions(reg, &Type{TitleLabel: "Title"}, a, b)
		if len(c.Changes) != 1 || !c.Changes[0].Long {
			t.Fatalf("changes = %+v, want one long change", c.Changes)
		}
		if d := cmp.Diff([]Segment{eq(long), del("alpha"), ins("beta")}, c.Changes[0].Segments); d != "" {
			t.Errorf("segments (-want +got):\n%s", d)
		}
	})
	t.Run("identical revisions", func(t *testing.T) {
		c := CompareRevisions(reg, typ, from, from)
		if len(c.Changes) != 0 || len(c.Unchanged) != 7 {
			t.Errorf("comparing a revision with itself: %+v", c)
		}
	})
}

// stagedName is a field type whose values name data that a context's view
// decides (as the category field names terms as a stage sees them).
type stagedName struct{ field.Type }

type viewKey struct{}

func (stagedName) Name() string { return "staged_name" }

func (stagedName) Text(_ field.Def, d map[string]any) string { return "live:" + fmt.Sprint(d["value"]) }

func (stagedName) TextContext(ctx context.Context, _ field.Def, d map[string]any) string {
	view, _ := ctx.Value(viewKey{}).(string)
	if view == "" {
		view = "live" // no stage on the context: Live, as Text
	}
	return view + ":" + fmt.Sprint(d["value"])
}

// CompareRevisionsContext reads values through a field type's TextContext
// with the context given (both revisions in that one view);
// CompareRevisions reads them with a context without a stage (Live).
func TestCompareRevisionsContext(t *testing.T) {
	reg := field.NewRegistry()
	if err := reg.Register(stagedName{Type: field.Text{}}); err != nil {
		t.Fatal(err)
	}
	typ := &Type{Type: "article", TitleLabel: "Title", Fields: []field.Def{
		{Name: "field_topic", Type: "staged_name", Label: "Topic", Cardinality: -1},
	}}
	from := &Revision{Title: "T", Fields: Values{"field_topic": {{"value": "a"}}}}
	to := &Revision{Title: "T", Fields: Values{"field_topic": {{"value": "a"}, {"value": "b"}}}}
	ctx := context.WithValue(context.Background(), viewKey{}, "spring")
	got := CompareRevisionsContext(ctx, reg, typ, from, to)
	want := []Change{{Key: "field_topic", Label: "Topic", Old: "spring:a", New: "spring:a, spring:b"}}
	if d := cmp.Diff(want, got.Changes); d != "" {
		t.Errorf("CompareRevisionsContext (-want +got):\n%s", d)
	}
	want = []Change{{Key: "field_topic", Label: "Topic", Old: "live:a", New: "live:a, live:b"}}
	if d := cmp.Diff(want, CompareRevisions(reg, typ, from, to).Changes); d != "" {
		t.Errorf("CompareRevisions (-want +got):\n%s", d)
	}
}
