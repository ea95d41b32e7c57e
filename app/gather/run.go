package gather

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/trovato/trovato/app/cache"
	"github.com/trovato/trovato/app/category"
	"github.com/trovato/trovato/app/db"
	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/web"
)

// statementTimeout guards every listing query.
const statementTimeout = "3s"

// guardSQL sets, for the listing's transaction only, the statement timeout
// and custom plans: field names travel as bind parameters, and only a plan
// made for the actual values folds them into constants, so the expression
// indexes the builder's preview advises (fields -> 'field_x' …) can serve
// sorts and ranges. A cached generic plan would never use them.
const guardSQL = "SELECT set_config('statement_timeout', $1, true), set_config('plan_cache_mode', 'force_custom_plan', true)"

// Row is one item in a listing result.
type Row struct {
	ID      uuid.UUID
	Type    string
	Title   string
	Status  bool
	Sticky  bool
	Created time.Time
	Changed time.Time
	Author  string
	Fields  map[string][]map[string]any
	Related map[string]*Related // by relationship id; nil entries are absent
}

// Related is an item joined through a relationship.
type Related struct {
	ID      uuid.UUID                   `json:"id"`
	Type    string                      `json:"type"`
	Title   string                      `json:"title"`
	Created time.Time                   `json:"created"`
	Changed time.Time                   `json:"changed"`
	Fields  map[string][]map[string]any `json:"fields"`
}

// Result is one page of a listing.
type Result struct {
	Rows    []Row
	Page    int
	HasNext bool
	Total   int64 // every row of the listing (full pager only; -1 otherwise)
	Pages   int   // number of pages (full pager only)
	// Stage is the stage chain the rows were read in (the viewer's;
	// empty: Live), which names their terms (RunRequest sets it).
	Stage []string
}

// View is a named, stored listing.
type View struct {
	Name  string
	Label string
	Def   *Definition
}

// Service runs listings and keeps the table of listing page paths, which
// changes at runtime without a restart.
type Service struct {
	pool *pgxpool.Pool
	q    *db.Queries
	// cats reads terms as a request's stage sees them (cell names, the
	// term families of has_term_or_descendants in a stage listing).
	cats *category.Service

	mu       sync.RWMutex
	byPath   map[string]*View
	patterns []pattern        // display paths with {argument} segments
	blocks   map[string]*View // listings with a block display, by name
	loaded   string           // version() of the stored listings the table was built from

	columns   map[string]Column // materialized columns by field (materialize.go)
	queue     ColumnQueue
	dropDelay time.Duration // between "dropping" (listings stop reading) and the drop
}

// pattern is a display path with {argument} segments.
type pattern struct {
	segments []string
	view     *View
}

// NewService returns the Gather service.
func NewService(pool *pgxpool.Pool) *Service {
	return &Service{pool: pool, q: db.New(pool), cats: category.NewService(pool), byPath: map[string]*View{},
		dropDelay: 3 * watchEvery}
}

// Save validates and stores a definition, then reloads the path table.
func (s *Service) Save(ctx context.Context, name, label string, d *Definition) error {
	if err := d.Validate(); err != nil {
		return err
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode listing %s: %w", name, err)
	}
	if err := s.q.UpsertGatherView(ctx, db.UpsertGatherViewParams{Name: name, Label: label, Definition: raw}); err != nil {
		return fmt.Errorf("save listing %s: %w", name, err)
	}
	return s.Reload(ctx)
}

// watchEvery is how often the server's Watch looks for changes (5 s,
// app/server); a column is dropped a few intervals after listings were
// told to stop reading it.
const watchEvery = 5 * time.Second

// Reload reads every stored listing and rebuilds the path table, and
// reads the materialized columns. A stored definition that no longer
// validates is skipped and reported; the others keep working.
func (s *Service) Reload(ctx context.Context) error {
	// Read the version first: a save racing this reload makes the next
	// ReloadIfChanged reload again rather than miss it.
	version, err := s.version(ctx)
	if err != nil {
		return fmt.Errorf("load listings: %w", err)
	}
	if err := s.loadColumns(ctx); err != nil {
		return err
	}
	rows, err := s.q.ListGatherViews(ctx)
	if err != nil {
		return fmt.Errorf("load listings: %w", err)
	}
	byPath, blocks := map[string]*View{}, map[string]*View{}
	var patterns []pattern
	var bad []error
	for _, r := range rows {
		d, err := Parse(r.Definition)
		if err != nil {
			bad = append(bad, fmt.Errorf("listing %s: %w", r.Name, err))
			continue
		}
		v := &View{Name: r.Name, Label: r.Label, Def: d}
		if d.Block != nil {
			blocks[r.Name] = v
		}
		switch {
		case d.Display.Path == "":
		case strings.Contains(d.Display.Path, "{"):
			segs, _ := pathSegments(d.Display.Path)
			patterns = append(patterns, pattern{segments: segs, view: v})
		default:
			byPath[d.Display.Path] = v
		}
	}
	s.mu.Lock()
	s.byPath, s.patterns, s.blocks, s.loaded = byPath, patterns, blocks, version
	s.mu.Unlock()
	if len(bad) > 0 {
		return fmt.Errorf("some listings were skipped: %v", bad)
	}
	return nil
}

// version identifies the stored set of listings and of materialized
// columns: their numbers and newest changes (a save or a column's status
// change bumps changed, a delete lowers the count).
func (s *Service) version(ctx context.Context) (string, error) {
	var n, nc int64
	var newest, newestc time.Time
	err := s.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM gather_view), (SELECT coalesce(max(changed), 'epoch') FROM gather_view),
  (SELECT count(*) FROM gather_column), (SELECT coalesce(max(changed), 'epoch') FROM gather_column)`).Scan(&n, &newest, &nc, &newestc)
	return fmt.Sprintf("%d/%s/%d/%s", n, newest.UTC().Format(time.RFC3339Nano), nc, newestc.UTC().Format(time.RFC3339Nano)), err
}

// ReloadIfChanged reloads the path table and the materialized columns
// when the stored listings or columns changed since the last load — on another node of a cluster, say, since a save on
// this node reloads at once. It reports whether it reloaded.
func (s *Service) ReloadIfChanged(ctx context.Context) (bool, error) {
	version, err := s.version(ctx)
	if err != nil {
		return false, fmt.Errorf("check listings: %w", err)
	}
	s.mu.RLock()
	same := version == s.loaded
	s.mu.RUnlock()
	if same {
		return false, nil
	}
	return true, s.Reload(ctx)
}

// Watch calls ReloadIfChanged every interval until ctx ends, so a listing
// saved, moved or deleted on one node is served by every node within one
// interval without a restart (one tiny query per interval per node).
func (s *Service) Watch(ctx context.Context, every time.Duration, logf func(msg string, args ...any)) {
	cache.Poll(ctx, every, "listings", s.ReloadIfChanged, logf)
}

// ByPath returns the listing displayed at path.
func (s *Service) ByPath(path string) (*View, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.byPath[path]
	return v, ok
}

// Match returns the listing displayed at path and the values of its path
// arguments. Fixed paths win over paths with {argument} segments.
func (s *Service) Match(path string) (*View, map[string]string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if v, ok := s.byPath[path]; ok {
		return v, nil, true
	}
	if len(s.patterns) == 0 || !strings.HasPrefix(path, "/") {
		return nil, nil, false
	}
	segs := strings.Split(path[1:], "/")
	for _, p := range s.patterns {
		if len(p.segments) != len(segs) {
			continue
		}
		args := map[string]string{}
		for i, seg := range p.segments {
			if name, isArg := argSegment(seg); isArg {
				val, err := url.PathUnescape(segs[i])
				if err != nil || val == "" {
					args = nil
					break
				}
				args[name] = val
			} else if seg != segs[i] {
				args = nil
				break
			}
		}
		if args != nil {
			return p.view, args, true
		}
	}
	return nil, nil, false
}

// Run executes one page of a listing for viewer, without exposed input or
// path arguments.
func (s *Service) Run(ctx context.Context, d *Definition, v Viewer, page int) (*Result, error) {
	schema, err := s.Schema(ctx)
	if err != nil {
		return nil, err
	}
	return s.RunRequest(ctx, d, v, Request{Page: page, Schema: schema})
}

// Schema returns the field definitions of every content type, keyed by
// field name (the first type defining a name wins).
func (s *Service) Schema(ctx context.Context) (Schema, error) {
	rows, err := s.pool.Query(ctx, `SELECT coalesce(settings -> 'fields', '[]') FROM item_type ORDER BY type`)
	if err != nil {
		return nil, fmt.Errorf("load field types: %w", err)
	}
	defer rows.Close()
	out := Schema{}
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			return nil, fmt.Errorf("load field types: %w", err)
		}
		var defs []struct {
			Name     string         `json:"name"`
			Type     string         `json:"type"`
			Label    string         `json:"label"`
			Settings map[string]any `json:"settings"`
		}
		if err := json.Unmarshal(raw, &defs); err != nil {
			continue // a type without field definitions
		}
		for _, f := range defs {
			if _, seen := out[f.Name]; seen {
				continue
			}
			info := FieldInfo{Type: f.Type, Label: f.Label}
			if v, ok := f.Settings["vocabulary"].(string); ok {
				info.Vocabulary = v
			}
			if list, ok := f.Settings["allowed_values"].([]any); ok {
				for _, e := range list {
					if m, ok := e.(map[string]any); ok {
						k, _ := m["value"].(string)
						l, _ := m["label"].(string)
						info.Allowed = append(info.Allowed, Option{Value: k, Label: l})
					}
				}
			}
			out[f.Name] = info
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load field types: %w", err)
	}
	s.withColumns(out)
	return out, nil
}

// RunRequest executes one page of a listing for viewer and request, in a
// read-only transaction with a statement timeout. In a stage, the
// has_term_or_descendants conditions read the term families as the stage
// sees them (termFamilies).
func (s *Service) RunRequest(ctx context.Context, d *Definition, v Viewer, r Request) (*Result, error) {
	q, err := BuildRequest(d, v, r)
	if err != nil {
		return nil, err
	}
	if len(q.familyTerms) > 0 && r.Families == nil {
		if r.Families, err = s.termFamilies(ctx, v.Stage, q.familyTerms); err != nil {
			return nil, err
		}
		if q, err = BuildRequest(d, v, r); err != nil {
			return nil, err
		}
	}
	res, err := s.Exec(ctx, d, q)
	if err != nil && isUndefinedColumn(err) {
		// A materialized column was dropped (on another node) before this
		// node's Watch noticed: reload the columns and build again.
		if lerr := s.loadColumns(ctx); lerr != nil {
			return nil, errors.Join(err, lerr)
		}
		s.withColumns(r.Schema)
		if q, err = BuildRequest(d, v, r); err != nil {
			return nil, err
		}
		res, err = s.Exec(ctx, d, q)
	}
	if err != nil {
		return nil, err
	}
	res.Stage = v.Stage
	return res, nil
}

// Exec runs a built statement (and its count, for the full pager).
func (s *Service) Exec(ctx context.Context, d *Definition, q Query) (*Result, error) {
	res := &Result{Page: q.Page, Total: -1}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, guardSQL, statementTimeout); err != nil {
			return err
		}
		// guardSQL forces custom plans, which the stage overlay needs too
		// (a generic plan for the chain scans every item).
		rows, err := tx.Query(ctx, q.SQL, q.Args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r Row
			var fields []byte
			dest := []any{&r.ID, &r.Type, &r.Title, &r.Status, &r.Sticky, &r.Created, &r.Changed, &r.Author, &fields}
			related := make([][]byte, len(d.Relationships))
			for i := range related {
				dest = append(dest, &related[i])
			}
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			if err := json.Unmarshal(fields, &r.Fields); err != nil {
				return fmt.Errorf("decode fields of %s: %w", r.ID, err)
			}
			for i, raw := range related {
				if raw == nil {
					continue
				}
				var rel Related
				if err := json.Unmarshal(raw, &rel); err != nil {
					return fmt.Errorf("decode related item of %s: %w", r.ID, err)
				}
				if r.Related == nil {
					r.Related = map[string]*Related{}
				}
				r.Related[d.Relationships[i].ID] = &rel
			}
			res.Rows = append(res.Rows, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if q.CountSQL != "" {
			return tx.QueryRow(ctx, q.CountSQL, q.CountArgs...).Scan(&res.Total)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("run listing: %w", err)
	}
	if len(res.Rows) > q.Limit {
		res.Rows, res.HasNext = res.Rows[:q.Limit], true
	}
	if d.Pager.Type == "none" {
		res.HasNext = false
	}
	if res.Total >= 0 {
		res.Pages = int((res.Total + int64(q.Limit) - 1) / int64(q.Limit))
	}
	return res, nil
}

// termFamilies maps each of ids (term ids of has_term_or_descendants
// conditions) to the term and every term below it as stage chain sees
// them: the category overlay, with terms created or reparented in the
// chain (category.Service.Descendants, stage-aware). A term the chain does
// not have (deleted in it, say) is its own family: it matches the items
// still tagged with it, and no term is below it.
func (s *Service) termFamilies(ctx context.Context, chain, ids []string) (map[string][]string, error) {
	ctx = web.WithStage(ctx, web.Stage{Chain: chain})
	out := make(map[string][]string, len(ids))
	for _, raw := range ids {
		if _, done := out[raw]; done {
			continue
		}
		family := []string{raw}
		id, err := uuid.Parse(raw)
		if err != nil {
			out[raw] = family
			continue
		}
		below, err := s.cats.Descendants(ctx, id)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return nil, fmt.Errorf("expand term %s: %w", raw, err)
		}
		for _, t := range below {
			family = append(family, t.ID.String())
		}
		out[raw] = family
	}
	return out, nil
}
