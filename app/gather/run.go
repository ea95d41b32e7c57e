package gather

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/trovato/trovato/app/db"
)

// statementTimeout guards every listing query.
const statementTimeout = "3s"

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
}

// Result is one page of a listing.
type Result struct {
	Rows    []Row
	Page    int
	HasNext bool
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

	mu     sync.RWMutex
	byPath map[string]*View
}

// NewService returns the Gather service.
func NewService(pool *pgxpool.Pool) *Service {
	return &Service{pool: pool, q: db.New(pool), byPath: map[string]*View{}}
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

// Reload reads every stored listing and rebuilds the path table. A stored
// definition that no longer validates is skipped and reported; the others
// keep working.
func (s *Service) Reload(ctx context.Context) error {
	rows, err := s.q.ListGatherViews(ctx)
	if err != nil {
		return fmt.Errorf("load listings: %w", err)
	}
	byPath := map[string]*View{}
	var bad []error
	for _, r := range rows {
		d, err := Parse(r.Definition)
		if err != nil {
			bad = append(bad, fmt.Errorf("listing %s: %w", r.Name, err))
			continue
		}
		if d.Display.Path != "" {
			byPath[d.Display.Path] = &View{Name: r.Name, Label: r.Label, Def: d}
		}
	}
	s.mu.Lock()
	s.byPath = byPath
	s.mu.Unlock()
	if len(bad) > 0 {
		return fmt.Errorf("some listings were skipped: %v", bad)
	}
	return nil
}

// ByPath returns the listing displayed at path.
func (s *Service) ByPath(path string) (*View, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.byPath[path]
	return v, ok
}

// Run executes one page of a listing for viewer, in a read-only transaction
// with a statement timeout.
func (s *Service) Run(ctx context.Context, d *Definition, v Viewer, page int) (*Result, error) {
	q, err := Build(d, v, page)
	if err != nil {
		return nil, err
	}
	res := &Result{Page: max(page, 0)}
	err = pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT set_config('statement_timeout', $1, true)", statementTimeout); err != nil {
			return err
		}
		args := q.Args
		if len(v.Stage) > 0 {
			// The stage overlay needs a plan made for the chain it reads
			// (a cached generic plan scans every item): no statement cache.
			args = append([]any{pgx.QueryExecModeExec}, args...)
		}
		rows, err := tx.Query(ctx, q.SQL, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r Row
			var fields []byte
			if err := rows.Scan(&r.ID, &r.Type, &r.Title, &r.Status, &r.Sticky, &r.Created, &r.Changed, &r.Author, &fields); err != nil {
				return err
			}
			if err := json.Unmarshal(fields, &r.Fields); err != nil {
				return fmt.Errorf("decode fields of %s: %w", r.ID, err)
			}
			res.Rows = append(res.Rows, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("run listing: %w", err)
	}
	if len(res.Rows) > q.Limit {
		res.Rows, res.HasNext = res.Rows[:q.Limit], true
	}
	return res, nil
}
