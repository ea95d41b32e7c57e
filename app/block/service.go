package block

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/trovato/trovato/app/cache"
	"github.com/trovato/trovato/app/db"
	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/pg"
	"github.com/trovato/trovato/app/textformat"
	"github.com/trovato/trovato/app/theme"
)

// Limits of a placement's text.
const (
	maxTitle = 255
	maxBody  = 64 << 10
	maxPages = 4096
)

// Service stores placements and keeps the active theme's enabled ones in
// memory, by region.
type Service struct {
	pool  *pgxpool.Pool
	q     *db.Queries
	theme theme.Theme

	mu       sync.RWMutex
	byRegion map[string][]*Block // enabled placements of the theme, by weight
	loaded   string              // version() the cache was built from
}

// NewService returns the block service for the active theme th.
func NewService(pool *pgxpool.Pool, th theme.Theme) *Service {
	return &Service{pool: pool, q: db.New(pool), theme: th, byRegion: map[string][]*Block{}}
}

// Theme returns the theme blocks are placed in.
func (s *Service) Theme() theme.Theme { return s.theme }

func fromRow(r db.Block) *Block {
	return &Block{ID: r.ID, Theme: r.Theme, Region: r.Region, Weight: int(r.Weight), Kind: r.Kind, Listing: r.Listing.String,
		Title: r.Title, Body: r.Body, Format: r.Format, Visibility: r.Visibility, Pages: r.Pages, Roles: r.Roles, Types: r.Types, Enabled: r.Enabled, Changed: r.Changed}
}

// List returns every placement (all themes, enabled or not), by theme,
// region and weight.
func (s *Service) List(ctx context.Context) ([]*Block, error) {
	rows, err := s.q.ListBlocks(ctx)
	if err != nil {
		return nil, fmt.Errorf("list blocks: %w", err)
	}
	out := make([]*Block, 0, len(rows))
	for _, r := range rows {
		out = append(out, fromRow(r))
	}
	return out, nil
}

// Get returns one placement.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*Block, error) {
	r, err := s.q.GetBlock(ctx, id)
	if err != nil {
		return nil, pg.Classify(err, "There is no such block.")
	}
	return fromRow(r), nil
}

// Validate checks a placement against the theme's regions and the text
// formats; problems are keyed by the admin form's element keys.
// listingExists reports whether a listing with a block display is named
// so (nil: not checked).
func (s *Service) Validate(b *Block, listingExists func(string) bool) map[string]string {
	problems := map[string]string{}
	if !theme.HasRegion(s.theme, b.Region) {
		problems["region"] = "Choose a region of the theme."
	}
	switch b.Kind {
	case KindListing:
		if b.Listing == "" || (listingExists != nil && !listingExists(b.Listing)) {
			problems["block"] = "Choose a listing that has a block display."
		}
	case KindText:
		if strings.TrimSpace(b.Body) == "" {
			problems["body"] = "A custom text block needs a body."
		}
		if !textformat.Known(b.Format) {
			problems["format"] = "Choose a text format."
		}
	default:
		problems["block"] = "Choose what the block shows."
	}
	if len(b.Title) > maxTitle {
		problems["title"] = fmt.Sprintf("The title has at most %d characters.", maxTitle)
	}
	if len(b.Body) > maxBody {
		problems["body"] = "The body is too long."
	}
	if b.Weight < -100 || b.Weight > 100 {
		problems["weight"] = "The weight must be between -100 and 100."
	}
	if b.Visibility != ShowExcept && b.Visibility != ShowOnly {
		problems["visibility"] = "Choose where the block shows."
	}
	if len(b.Pages) > maxPages {
		problems["pages"] = fmt.Sprintf("The page list has at most %d characters.", maxPages)
	}
	for _, p := range b.Patterns() {
		if strings.ContainsAny(p, " \t?#") || len(p) > 255 {
			problems["pages"] = fmt.Sprintf("%q is not a path pattern: write one path a line, like /blog or /blog/*, without spaces, ? or #.", p)
			break
		}
	}
	for _, r := range b.Roles {
		if !machineName(r) {
			problems["roles"] = "Choose roles from the list."
		}
	}
	for _, t := range b.Types {
		if !machineName(t) {
			problems["types"] = "Choose content types from the list."
		}
	}
	if b.Visibility == ShowOnly && len(b.Patterns()) == 0 {
		problems["pages"] = "List the pages the block shows on, or choose \"All pages except those listed\"."
	}
	if len(problems) == 0 {
		return nil
	}
	return problems
}

// Save validates and stores a placement (a new one when b.ID is Nil, which
// it then sets), then reloads this node's cache.
func (s *Service) Save(ctx context.Context, b *Block, listingExists func(string) bool) error {
	if problems := s.Validate(b, listingExists); problems != nil {
		return errs.InvalidFields(problems)
	}
	if b.Theme == "" {
		b.Theme = s.theme.Name()
	}
	listing := pgtype.Text{String: b.Listing, Valid: b.Kind == KindListing}
	if b.Kind != KindListing {
		b.Listing = ""
	}
	if b.Kind != KindText {
		b.Body, b.Format = "", textformat.Plain
	}
	if b.ID == uuid.Nil {
		b.ID = uuid.Must(uuid.NewV7())
		err := s.q.InsertBlock(ctx, db.InsertBlockParams{ID: b.ID, Theme: b.Theme, Region: b.Region, Weight: int32(b.Weight),
			Kind: b.Kind, Listing: listing, Title: b.Title, Body: b.Body, Format: b.Format, Visibility: b.Visibility,
			Pages: b.Pages, Roles: nonNil(b.Roles), Types: nonNil(b.Types), Enabled: b.Enabled})
		if err != nil {
			b.ID = uuid.Nil
			return pg.Classify(err, "The block could not be placed (its listing may have been deleted)")
		}
	} else {
		n, err := s.q.UpdateBlock(ctx, db.UpdateBlockParams{ID: b.ID, Region: b.Region, Weight: int32(b.Weight), Kind: b.Kind,
			Listing: listing, Title: b.Title, Body: b.Body, Format: b.Format, Visibility: b.Visibility, Pages: b.Pages,
			Roles: nonNil(b.Roles), Types: nonNil(b.Types), Enabled: b.Enabled})
		if err != nil {
			return pg.Classify(err, "The block could not be saved (its listing may have been deleted)")
		}
		if n == 0 {
			return errs.New(errs.NotFound, "There is no such block.")
		}
	}
	return s.Reload(ctx)
}

// Choice is a role or content type a block can be limited to.
type Choice struct {
	Name  string
	Label string
}

// RoleChoices lists the roles (anonymous and authenticated included), by
// weight.
func (s *Service) RoleChoices(ctx context.Context) ([]Choice, error) {
	rows, err := s.q.BlockRoleChoices(ctx)
	if err != nil {
		return nil, fmt.Errorf("list roles: %w", err)
	}
	out := make([]Choice, 0, len(rows))
	for _, r := range rows {
		out = append(out, Choice{Name: r.Name, Label: r.Label})
	}
	return out, nil
}

// TypeChoices lists the content types, by label.
func (s *Service) TypeChoices(ctx context.Context) ([]Choice, error) {
	rows, err := s.q.BlockTypeChoices(ctx)
	if err != nil {
		return nil, fmt.Errorf("list content types: %w", err)
	}
	out := make([]Choice, 0, len(rows))
	for _, r := range rows {
		out = append(out, Choice{Name: r.Type, Label: r.Label})
	}
	return out, nil
}

// nonNil is list, or an empty list for nil (the columns are NOT NULL).
func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

// Move is a block's place on the layout page.
type Move struct {
	Region string
	Weight int
}

// SaveLayout moves blocks to other regions and weights in one
// transaction (the layout page's "Save blocks"). Problems are keyed
// "region.<id>" and "weight.<id>"; nothing is saved when there are any.
// It reports how many blocks moved.
func (s *Service) SaveLayout(ctx context.Context, moves map[uuid.UUID]Move) (int, error) {
	problems := map[string]string{}
	for id, m := range moves {
		if !theme.HasRegion(s.theme, m.Region) {
			problems["region."+id.String()] = "Choose a region of the theme."
		}
		if m.Weight < -100 || m.Weight > 100 {
			problems["weight."+id.String()] = "The weight must be between -100 and 100."
		}
	}
	if len(problems) > 0 {
		return 0, errs.InvalidFields(problems)
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("save block layout: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit it is a no-op
	q := s.q.WithTx(tx)
	moved := 0
	for id, m := range moves {
		n, err := q.MoveBlock(ctx, db.MoveBlockParams{ID: id, Region: m.Region, Weight: int32(m.Weight)})
		if err != nil {
			return 0, fmt.Errorf("move block %s: %w", id, err)
		}
		moved += int(n)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("save block layout: %w", err)
	}
	return moved, s.Reload(ctx)
}

// SetEnabled enables or disables a placement.
func (s *Service) SetEnabled(ctx context.Context, id uuid.UUID, enabled bool) error {
	n, err := s.q.SetBlockEnabled(ctx, db.SetBlockEnabledParams{ID: id, Enabled: enabled})
	if err != nil {
		return fmt.Errorf("set block %s enabled: %w", id, err)
	}
	if n == 0 {
		return errs.New(errs.NotFound, "There is no such block.")
	}
	return s.Reload(ctx)
}

// Delete removes a placement.
func (s *Service) Delete(ctx context.Context, id uuid.UUID) error {
	n, err := s.q.DeleteBlock(ctx, id)
	if err != nil {
		return fmt.Errorf("delete block %s: %w", id, err)
	}
	if n == 0 {
		return errs.New(errs.NotFound, "There is no such block.")
	}
	return s.Reload(ctx)
}

// version identifies the stored set of placements: their number and
// newest change (a save bumps changed, a delete lowers the count).
func (s *Service) version(ctx context.Context) (string, error) {
	v, err := s.q.BlocksVersion(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d/%s", v.N, v.Newest.UTC().Format(time.RFC3339Nano)), nil
}

// Reload reads the placements into this node's cache.
func (s *Service) Reload(ctx context.Context) error {
	// The version first: a save racing this reload makes the next
	// ReloadIfChanged reload again rather than miss it.
	version, err := s.version(ctx)
	if err != nil {
		return fmt.Errorf("load blocks: %w", err)
	}
	all, err := s.List(ctx)
	if err != nil {
		return err
	}
	byRegion := map[string][]*Block{}
	for _, b := range all {
		if b.Enabled && b.Theme == s.theme.Name() {
			byRegion[b.Region] = append(byRegion[b.Region], b)
		}
	}
	for _, list := range byRegion {
		sort.SliceStable(list, func(i, j int) bool { return list[i].Weight < list[j].Weight })
	}
	s.mu.Lock()
	s.byRegion, s.loaded = byRegion, version
	s.mu.Unlock()
	return nil
}

// ReloadIfChanged reloads the cache when the stored placements changed
// since the last load (on another node, say). It reports whether it did.
func (s *Service) ReloadIfChanged(ctx context.Context) (bool, error) {
	version, err := s.version(ctx)
	if err != nil {
		return false, fmt.Errorf("check blocks: %w", err)
	}
	s.mu.RLock()
	same := version == s.loaded
	s.mu.RUnlock()
	if same {
		return false, nil
	}
	return true, s.Reload(ctx)
}

// Watch calls ReloadIfChanged every interval until ctx ends, so a block
// placed, moved or removed on one node shows on every node within one
// interval (one tiny query per interval per node).
func (s *Service) Watch(ctx context.Context, every time.Duration, logf func(msg string, args ...any)) {
	cache.Poll(ctx, every, "blocks", s.ReloadIfChanged, logf)
}

// machineName reports a role or content type name as stored: non-empty,
// short, without spaces or control characters.
func machineName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f {
			return false
		}
	}
	return true
}

// Visible returns the enabled placements that show on the page at path to
// the viewer v, by region, lightest first. The node cache holds every
// enabled placement; the viewer's roles and item type are checked here on
// each request, so nothing chosen for one viewer is kept for another. The
// returned blocks are shared: read only.
func (s *Service) Visible(path string, v Viewer) map[string][]*Block {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out map[string][]*Block
	for region, list := range s.byRegion {
		for _, b := range list {
			if b.VisibleAt(path) && b.ShowsTo(v) {
				if out == nil {
					out = map[string][]*Block{}
				}
				out[region] = append(out[region], b)
			}
		}
	}
	return out
}
