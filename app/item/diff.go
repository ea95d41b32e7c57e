package item

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trovato/trovato/app/field"
)

// DiffOp says what a diff segment does to the old text.
type DiffOp int

// The diff operations.
const (
	DiffEqual  DiffOp = iota // in both texts
	DiffDelete               // only in the old text
	DiffInsert               // only in the new text
)

// Segment is a run of text with one operation. Concatenating the Equal and
// Delete segments of a diff gives the old text; Equal and Insert, the new.
type Segment struct {
	Op   DiffOp
	Text string
}

// Bounds of the diff: beyond them a change is shown as a whole-value
// replacement, which a reader sees anyway when texts differ that much. They
// keep the work per compared value near O((N+M)·D) with D ≤ maxDiffEdits.
const (
	maxDiffTokens = 5000 // tokens per side, after the common prefix and suffix
	maxDiffEdits  = 1000 // edit distance (deleted + inserted tokens)
)

// WordDiff compares two texts word by word: words, runs of white space and
// punctuation marks are the tokens, so the segments keep the texts' spacing.
func WordDiff(a, b string) []Segment {
	return cleanup(diffTokens(words(a), words(b)))
}

// LineDiff compares two multi-line texts line by line, then refines every
// changed block word by word, so a one-word edit in a long paragraph shows
// as that word.
func LineDiff(a, b string) []Segment {
	var out []Segment
	segs := diffTokens(lines(a), lines(b))
	for i := 0; i < len(segs); {
		if segs[i].Op == DiffEqual {
			out = append(out, segs[i])
			i++
			continue
		}
		var del, ins strings.Builder
		for ; i < len(segs) && segs[i].Op != DiffEqual; i++ {
			if segs[i].Op == DiffDelete {
				del.WriteString(segs[i].Text)
			} else {
				ins.WriteString(segs[i].Text)
			}
		}
		out = append(out, WordDiff(del.String(), ins.String())...)
	}
	return merge(out)
}

// words splits s into tokens: runs of letters and digits, runs of white
// space, and single other characters.
func words(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		j := i + size
		switch {
		case isWordRune(r):
			for j < len(s) {
				r2, n := utf8.DecodeRuneInString(s[j:])
				if !isWordRune(r2) {
					break
				}
				j += n
			}
		case unicode.IsSpace(r):
			for j < len(s) {
				r2, n := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsSpace(r2) {
					break
				}
				j += n
			}
		}
		out = append(out, s[i:j])
		i = j
	}
	return out
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '_'
}

// lines splits s into lines, each keeping its "\n".
func lines(s string) []string {
	if s == "" {
		return nil
	}
	out := strings.SplitAfter(s, "\n")
	if out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// diffTokens returns the segments turning a into b: common prefix and suffix
// first (cheap, and usually most of an edited text), then Myers' O(ND)
// algorithm on the middle, or a whole replacement past the bounds.
func diffTokens(a, b []string) []Segment {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]

	var out []Segment
	add := func(op DiffOp, toks []string) {
		if len(toks) > 0 {
			out = append(out, Segment{Op: op, Text: strings.Join(toks, "")})
		}
	}
	add(DiffEqual, a[:pre])
	if len(ma) <= maxDiffTokens && len(mb) <= maxDiffTokens {
		if mid, ok := myers(ma, mb, maxDiffEdits); ok {
			out = append(out, mid...)
		} else {
			add(DiffDelete, ma)
			add(DiffInsert, mb)
		}
	} else {
		add(DiffDelete, ma)
		add(DiffInsert, mb)
	}
	add(DiffEqual, a[len(a)-suf:])
	return merge(out)
}

// myers finds a shortest edit script from a to b (Myers 1986, "An O(ND)
// Difference Algorithm"), keeping for backtracking only the part of the
// frontier each step can reach, so memory is O(D²). It gives up (ok=false)
// when the edit distance exceeds maxD.
func myers(a, b []string, maxD int) (segs []Segment, ok bool) {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		var out []Segment
		if n > 0 {
			out = append(out, Segment{Op: DiffDelete, Text: strings.Join(a, "")})
		}
		if m > 0 {
			out = append(out, Segment{Op: DiffInsert, Text: strings.Join(b, "")})
		}
		return out, true
	}
	limit := n + m
	offset := limit + 1
	v := make([]int, 2*limit+3) // v[offset+k]: furthest x on diagonal k
	var trace [][]int           // trace[d]: v[offset-d-1 … offset+d+1] before step d
	end := -1
	for d := 0; d <= limit && end < 0; d++ {
		if d > maxD {
			return nil, false
		}
		trace = append(trace, append([]int(nil), v[offset-d-1:offset+d+2]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[offset+k-1] < v[offset+k+1]) {
				x = v[offset+k+1] // down: insert b[y-1]
			} else {
				x = v[offset+k-1] + 1 // right: delete a[x-1]
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[offset+k] = x
			if x >= n && y >= m {
				end = d
				break
			}
		}
	}

	// Walk back from (n, m), emitting tokens in reverse.
	type step struct {
		op  DiffOp
		tok string
	}
	var rev []step
	x, y := n, m
	for d := end; d > 0; d-- {
		vs := trace[d]
		at := func(k int) int { return vs[k+d+1] }
		k := x - y
		var prevK int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := at(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			rev = append(rev, step{DiffEqual, a[x-1]})
			x--
			y--
		}
		if x == prevX {
			rev = append(rev, step{DiffInsert, b[y-1]})
		} else {
			rev = append(rev, step{DiffDelete, a[x-1]})
		}
		x, y = prevX, prevY
	}
	for x > 0 && y > 0 {
		rev = append(rev, step{DiffEqual, a[x-1]})
		x--
		y--
	}
	out := make([]Segment, 0, len(rev))
	for i := len(rev) - 1; i >= 0; i-- {
		out = append(out, Segment{Op: rev[i].op, Text: rev[i].tok})
	}
	return merge(out), true
}

// merge joins neighbouring segments with the same operation, drops empty
// ones, and within every run of changes puts deletions before insertions.
func merge(segs []Segment) []Segment {
	var out []Segment
	for i := 0; i < len(segs); {
		if segs[i].Op == DiffEqual {
			if segs[i].Text != "" {
				if n := len(out); n > 0 && out[n-1].Op == DiffEqual {
					out[n-1].Text += segs[i].Text
				} else {
					out = append(out, segs[i])
				}
			}
			i++
			continue
		}
		var del, ins strings.Builder
		for ; i < len(segs) && segs[i].Op != DiffEqual; i++ {
			if segs[i].Op == DiffDelete {
				del.WriteString(segs[i].Text)
			} else {
				ins.WriteString(segs[i].Text)
			}
		}
		if del.Len() > 0 {
			out = append(out, Segment{Op: DiffDelete, Text: del.String()})
		}
		if ins.Len() > 0 {
			out = append(out, Segment{Op: DiffInsert, Text: ins.String()})
		}
	}
	return out
}

// cleanup makes word diffs readable: a lone space or punctuation mark left
// equal between two changes ("<del>a</del><ins>b</ins> <del>c</del>…") is
// folded into them, so a rewritten phrase reads as one deletion and one
// insertion.
func cleanup(segs []Segment) []Segment {
	changed := false
	for i := 1; i+1 < len(segs); i++ {
		s := segs[i]
		if s.Op == DiffEqual && segs[i-1].Op != DiffEqual && segs[i+1].Op != DiffEqual && isFiller(s.Text) {
			segs[i] = Segment{Op: DiffDelete, Text: s.Text}
			segs = append(segs[:i+1], append([]Segment{{Op: DiffInsert, Text: s.Text}}, segs[i+1:]...)...)
			changed = true
		}
	}
	if !changed {
		return segs
	}
	return merge(segs)
}

// isFiller reports whether an equal run is too small to be worth showing
// between two changes: white space or a single non-word character.
func isFiller(s string) bool {
	if strings.TrimSpace(s) == "" {
		return true
	}
	r, size := utf8.DecodeRuneInString(s)
	return size == len(s) && !isWordRune(r)
}

// shortValueRunes is the length above which a value is shown as a word
// diff rather than "old → new".
const shortValueRunes = 80

// Change is one changed property of an item between two revisions: short
// values as Old → New, long ones (Long) as a diff in Segments.
type Change struct {
	Key      string // "title", "status" or the field name
	Label    string
	Old, New string
	Long     bool
	Segments []Segment
}

// Comparison is what changed between two revisions of an item, property by
// property in form order (title, published, then the type's fields), and
// the labels of the properties that did not change.
type Comparison struct {
	Changes   []Change
	Unchanged []string
}

// CompareRevisions compares two revisions of an item of type t, reading
// field values through their field types (Text, one line per value) so the
// result reads as an editor typed it, not as stored JSON. Long text keeps
// its line breaks so multi-line changes get a line diff.
//
// Values that name other data (a category term) are named as Live has
// them; CompareRevisionsContext names them as the stage of a context sees
// them.
func CompareRevisions(reg *field.Registry, t *Type, from, to *Revision) Comparison {
	return CompareRevisionsContext(context.Background(), reg, t, from, to)
}

// CompareRevisionsContext is CompareRevisions reading values through the
// field types' TextContext where they have it (contextTexter), so a
// category field names its terms as the stage of ctx (web.StageFrom) sees
// them: a term renamed or created in the stage by its stage name. Both
// revisions are named in that one view.
func CompareRevisionsContext(ctx context.Context, reg *field.Registry, t *Type, from, to *Revision) Comparison {
	var c Comparison
	c.add("title", t.TitleLabel, []string{from.Title}, []string{to.Title}, false)
	c.add("status", "Published", []string{publishedText(from.Status)}, []string{publishedText(to.Status)}, false)
	for _, def := range t.Fields {
		ft, _ := reg.Get(def.Type)
		c.add(def.Name, def.DisplayLabel(), valueTexts(ctx, ft, def, from.Fields[def.Name]),
			valueTexts(ctx, ft, def, to.Fields[def.Name]), def.Type == field.TypeTextLong)
	}
	return c
}

// contextTexter is a field type whose Text reads request-dependent data
// (the category field names terms as the request's stage sees them), like
// contextFormatter for display.
type contextTexter interface {
	TextContext(ctx context.Context, def field.Def, delta map[string]any) string
}

func publishedText(b bool) string {
	if b {
		return "Published"
	}
	return "Unpublished"
}

// valueTexts renders each delta as text: long text in full (line breaks
// kept), other types through their Text (TextContext when they have it),
// unknown types as JSON.
func valueTexts(ctx context.Context, ft field.Type, def field.Def, deltas []map[string]any) []string {
	out := make([]string, 0, len(deltas))
	ct, _ := ft.(contextTexter)
	for _, d := range deltas {
		switch {
		case def.Type == field.TypeTextLong && isString(d["value"]):
			out = append(out, d["value"].(string))
		case ct != nil:
			out = append(out, ct.TextContext(ctx, def, d))
		case ft != nil:
			out = append(out, ft.Text(def, d))
		default:
			b, _ := json.Marshal(d)
			out = append(out, string(b))
		}
	}
	return out
}

func isString(v any) bool { _, ok := v.(string); return ok }

// add records one property: unchanged, or changed as old → new, or as a
// diff when long is set or any value is multi-line or longer than
// shortValueRunes. Several values are listed one per line in a diff, and
// separated by commas otherwise.
func (c *Comparison) add(key, label string, old, new []string, long bool) {
	if slices.Equal(old, new) {
		c.Unchanged = append(c.Unchanged, label)
		return
	}
	for _, v := range append(append([]string(nil), old...), new...) {
		if strings.Contains(v, "\n") || utf8.RuneCountInString(v) > shortValueRunes {
			long = true
		}
	}
	if !long {
		c.Changes = append(c.Changes, Change{Key: key, Label: label, Old: strings.Join(old, ", "), New: strings.Join(new, ", ")})
		return
	}
	sep := "\n"
	if len(old) > 1 || len(new) > 1 {
		sep = "\n\n"
	}
	a, b := strings.Join(old, sep), strings.Join(new, sep)
	ch := Change{Key: key, Label: label, Old: a, New: b, Long: true}
	if strings.Contains(a, "\n") || strings.Contains(b, "\n") {
		ch.Segments = LineDiff(a, b)
	} else {
		ch.Segments = WordDiff(a, b)
	}
	c.Changes = append(c.Changes, ch)
}
