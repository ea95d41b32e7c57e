package jsonbbench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Content types of the data set (§16: 5 content types) and how many fields
// each carries (§16: 10–20 fields per item). Every type shares the four
// benchmarked fields (body, city, count, tags); the rest are filler of the
// usual field types.
var contentTypes = []struct {
	name   string
	fields int
}{
	{"article", 12},
	{"page", 10},
	{"event", 15},
	{"product", 18},
	{"recipe", 20},
}

// The benchmarked fields.
const (
	fieldBody  = "field_body"  // text_long, the full-text field
	fieldCity  = "field_city"  // text, equality filters (200 distinct values)
	fieldCount = "field_count" // integer 0..99999, range filters and sorts
	fieldTags  = "field_tags"  // category_reference to the 500-term vocabulary
)

const (
	vocabularySize = 500
	cityCount      = 200
	countMax       = 100000
	wordCount      = 4000 // synthetic vocabulary for titles and text, Zipf-distributed
	minItemBytes   = 2048
	maxItemBytes   = 8192
	authors        = 10
	sampleSize     = 256 // items remembered to draw query parameters from
)

// sampled is a published item whose values become query parameters, so
// that every query names values that exist and that a visitor may see.
type sampled struct {
	id    uuid.UUID
	typ   string
	city  string
	count int
	tag   uuid.UUID
}

// dataset is what generation leaves behind for the queries.
type dataset struct {
	sample      []sampled
	searchWords []string // words in roughly 3 % of articles (at least 60)
	totalBytes  int64
	items       int
}

// generator produces deterministic items from a seed.
type generator struct {
	r      *rand.Rand
	zipf   *rand.Zipf
	words  []string
	cities []string
	terms  []uuid.UUID
}

func newGenerator(seed int64) *generator {
	r := rand.New(rand.NewSource(seed))
	g := &generator{r: r}
	g.zipf = rand.NewZipf(r, 1.1, 1, wordCount-1)
	syll := []string{"ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "pe", "da", "ri", "fo", "gu", "ba", "te", "zo", "li", "ma", "no", "che"}
	seen := map[string]bool{}
	for len(g.words) < wordCount {
		n := 2 + r.Intn(3)
		var b strings.Builder
		for range n {
			b.WriteString(syll[r.Intn(len(syll))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			g.words = append(g.words, w)
		}
	}
	for i := range cityCount {
		g.cities = append(g.cities, strings.ToUpper(g.words[i*7][:1])+g.words[i*7][1:]+"ville")
	}
	for range vocabularySize {
		g.terms = append(g.terms, uuid.New())
	}
	return g
}

// text returns about n bytes of words and the set of word ranks it used.
func (g *generator) text(n int, used map[int]bool) string {
	var b strings.Builder
	b.Grow(n + 16)
	for b.Len() < n {
		k := int(g.zipf.Uint64())
		if used != nil {
			used[k] = true
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(g.words[k])
	}
	return b.String()
}

// item builds one item's fields JSON in the app's storage shape
// ({"field": [{"value": …}], …}) and its title.
func (g *generator) item(typ string, nfields int, used map[int]bool) (title string, fields []byte, s sampled) {
	f := map[string][]map[string]any{}
	s.typ = typ
	s.city = g.cities[g.r.Intn(len(g.cities))]
	s.count = g.r.Intn(countMax)
	f[fieldCity] = []map[string]any{{"value": s.city}}
	f[fieldCount] = []map[string]any{{"value": s.count}}
	nt := 1 + g.r.Intn(5)
	picked := map[int]bool{}
	var tags []map[string]any
	for len(tags) < nt {
		k := g.r.Intn(len(g.terms))
		if picked[k] {
			continue
		}
		picked[k] = true
		tags = append(tags, map[string]any{"target_id": g.terms[k].String()})
		if len(tags) == 1 {
			s.tag = g.terms[k]
		}
	}
	f[fieldTags] = tags
	// Filler: the remaining fields, cycling through the usual types.
	for i := 4; i < nfields; i++ {
		name := "field_" + typ + "_" + strconv.Itoa(i)
		switch i % 5 {
		case 0:
			f[name] = []map[string]any{{"value": g.text(20+g.r.Intn(120), nil)}}
		case 1:
			f[name] = []map[string]any{{"value": g.r.Intn(1000)}}
		case 2:
			f[name] = []map[string]any{{"value": g.r.Intn(2) == 0}}
		case 3:
			f[name] = []map[string]any{{"value": time.Date(2020+g.r.Intn(6), time.Month(1+g.r.Intn(12)), 1+g.r.Intn(28), 0, 0, 0, 0, time.UTC).Format("2006-01-02")}}
		case 4:
			f[name] = []map[string]any{{"uri": "https://example.com/" + g.words[g.r.Intn(wordCount)], "title": g.text(15, nil)}}
		}
	}
	base, _ := json.Marshal(f)
	target := minItemBytes + g.r.Intn(maxItemBytes-minItemBytes+1)
	bodyLen := max(200, target-len(base)-40)
	f[fieldBody] = []map[string]any{{"value": g.text(bodyLen, used), "format": "basic_html"}}
	fields, _ = json.Marshal(f)
	title = g.text(20+g.r.Intn(40), used)
	return title, fields, s
}

// load fills the scratch database: authors, item types, the vocabulary and
// its 500 terms, then the items through COPY, reporting progress. The
// schema's triggers index the items' terms (category_index) as they come.
func load(ctx context.Context, pool *pgxpool.Pool, n int, seed int64, progress io.Writer) (*dataset, error) {
	g := newGenerator(seed)
	authorIDs := make([]uuid.UUID, authors)
	for i := range authorIDs {
		authorIDs[i] = uuid.New()
		if _, err := pool.Exec(ctx, "INSERT INTO users (id, name) VALUES ($1, $2)", authorIDs[i], "author"+strconv.Itoa(i)); err != nil {
			return nil, fmt.Errorf("insert author: %w", err)
		}
	}
	// The benchmarked fields' definitions, as a site has them: field_tags
	// being a category_reference is what fills category_index (the
	// migrations' triggers) as the items are copied in.
	settings := `{"fields":[
		{"name":"field_body","type":"text_long","label":"Body"},
		{"name":"field_city","type":"text","label":"City"},
		{"name":"field_count","type":"integer","label":"Count"},
		{"name":"field_tags","type":"category_reference","label":"Tags","settings":{"vocabulary":"tags"}}]}`
	for _, t := range contentTypes {
		if _, err := pool.Exec(ctx, "INSERT INTO item_type (type, label, settings) VALUES ($1, $2, $3) ON CONFLICT (type) DO NOTHING",
			t.name, strings.ToUpper(t.name[:1])+t.name[1:], settings); err != nil {
			return nil, fmt.Errorf("insert item type: %w", err)
		}
	}
	if _, err := pool.Exec(ctx, "INSERT INTO category_vocabulary (id, label) VALUES ('tags', 'Tags') ON CONFLICT (id) DO NOTHING"); err != nil {
		return nil, fmt.Errorf("insert vocabulary: %w", err)
	}
	termRows := make([][]any, len(g.terms))
	for i, id := range g.terms {
		termRows[i] = []any{id, "tags", g.words[i] + " " + g.words[i+1], i % 10}
	}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"category_term"}, []string{"id", "vocabulary_id", "name", "weight"}, pgx.CopyFromRows(termRows)); err != nil {
		return nil, fmt.Errorf("copy terms: %w", err)
	}

	ds := &dataset{items: n}
	// Document frequency of each word among articles, for the search words.
	articleDF := make([]int, wordCount)
	articles := 0
	every := max(1, n/sampleSize)
	start := time.Now()
	now := time.Now().UTC()
	i := 0
	var row []any
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i >= n {
			return nil, nil
		}
		t := contentTypes[i%len(contentTypes)]
		var used map[int]bool
		if t.name == "article" {
			used = map[int]bool{}
		}
		title, fields, s := g.item(t.name, t.fields, used)
		for k := range used {
			articleDF[k]++
		}
		if used != nil {
			articles++
		}
		s.id = uuid.New()
		published := g.r.Intn(10) != 0
		if published && i%every < 2 && len(ds.sample) < sampleSize {
			ds.sample = append(ds.sample, s)
		}
		ds.totalBytes += int64(len(fields))
		created := now.Add(-time.Duration(g.r.Int63n(int64(3 * 365 * 24 * time.Hour))))
		row = []any{s.id, t.name, title, authorIDs[g.r.Intn(authors)], published, g.r.Intn(5) == 0, g.r.Intn(50) == 0, "live", string(fields), created, created}
		i++
		if progress != nil && (i%500 == 0 || i == n) {
			bar(progress, "items", i, n, start, ds.totalBytes)
		}
		return row, nil
	})
	cols := []string{"id", "type", "title", "author_id", "status", "promote", "sticky", "stage_id", "fields", "created", "changed"}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"item"}, cols, src); err != nil {
		return nil, fmt.Errorf("copy items: %w", err)
	}
	if progress != nil {
		fmt.Fprintln(progress)
	}
	// Search words: the words whose article document frequency is closest
	// to 3 % of the articles (at least 60, so page 2 has rows).
	target := max(60, articles*3/100)
	type cand struct{ rank, diff int }
	var best []cand
	for k, df := range articleDF {
		if df == 0 {
			continue
		}
		best = append(best, cand{k, abs(df - target)})
	}
	slices.SortFunc(best, func(a, b cand) int { return a.diff - b.diff })
	for _, c := range best[:min(5, len(best))] {
		ds.searchWords = append(ds.searchWords, g.words[c.rank])
	}
	return ds, nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// bar draws a one-line progress bar.
func bar(w io.Writer, label string, done, total int, start time.Time, bytes int64) {
	const width = 30
	filled := done * width / max(total, 1)
	secs := time.Since(start).Seconds()
	fmt.Fprintf(w, "\r\033[K%s [%s%s] %d/%d  %.0f items/s  %.1f MB",
		label, strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total,
		float64(done)/max(secs, 0.001), float64(bytes)/1e6)
}
