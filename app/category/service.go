package category

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/trovato/trovato/app/db"
	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/pg"
	"github.com/trovato/trovato/app/web"
)

// machineNamePattern is what a vocabulary machine name looks like.
var machineNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// reservedNames cannot be vocabulary machine names: they are path segments
// of the admin pages under /admin/structure/categories.
var reservedNames = map[string]bool{"add": true}

// Service stores vocabularies and terms and walks their hierarchy.
type Service struct {
	pool  *pgxpool.Pool
	q     *db.Queries
	hooks Hooks // nil: no hooks
}

// NewService returns the category service over pool.
func NewService(pool *pgxpool.Pool) *Service {
	return &Service{pool: pool, q: db.New(pool)}
}

// MachineName derives a vocabulary machine name from a label
// ("Blog tags" → "blog_tags").
func MachineName(label string) string { return form.MachineName(label) }

// Vocabularies returns every vocabulary with its number of terms, by
// weight then label.
func (s *Service) Vocabularies(ctx context.Context) ([]Vocabulary, error) {
	rows, err := s.q.ListVocabularies(ctx)
	if err != nil {
		return nil, fmt.Errorf("list vocabularies: %w", err)
	}
	out := make([]Vocabulary, 0, len(rows))
	for _, r := range rows {
		out = append(out, Vocabulary{ID: r.ID, Label: r.Label, Description: r.Description,
			Hierarchy: Hierarchy(r.Hierarchy), Weight: int(r.Weight), Terms: r.Terms})
	}
	if chain := chainOf(ctx); len(chain) > 0 {
		for i := range out {
			if out[i].Terms, err = s.q.CountTermsStaged(ctx, db.CountTermsStagedParams{Chain: chain, Vocabulary: out[i].ID}); err != nil {
				return nil, fmt.Errorf("count terms of %s in stage %s: %w", out[i].ID, chain[0], err)
			}
		}
	}
	return out, nil
}

// Vocabulary returns one vocabulary (without its term count).
func (s *Service) Vocabulary(ctx context.Context, id string) (*Vocabulary, error) {
	r, err := s.q.GetVocabulary(ctx, id)
	if err != nil {
		return nil, pg.Classify(err, fmt.Sprintf("There is no vocabulary %q.", id))
	}
	return &Vocabulary{ID: r.ID, Label: r.Label, Description: r.Description, Hierarchy: Hierarchy(r.Hierarchy), Weight: int(r.Weight)}, nil
}

// checkVocabulary validates the fields every save of a vocabulary needs.
func checkVocabulary(v Vocabulary) map[string]string {
	problems := map[string]string{}
	if strings.TrimSpace(v.Label) == "" {
		problems["label"] = "Name is required."
	}
	if v.Hierarchy < Flat || v.Hierarchy > Multiple {
		problems["hierarchy"] = "Choose flat, single-parent or multiple-parent hierarchy."
	}
	return problems
}

// CreateVocabulary adds a vocabulary; its machine name must be new.
func (s *Service) CreateVocabulary(ctx context.Context, v Vocabulary) error {
	problems := checkVocabulary(v)
	if !machineNamePattern.MatchString(v.ID) || reservedNames[v.ID] {
		problems["id"] = "The machine name must start with a letter and contain only lower-case letters, digits and underscores (at most 32); \"add\" is reserved."
	}
	if len(problems) > 0 {
		return errs.InvalidFields(problems)
	}
	err := s.q.InsertVocabulary(ctx, db.InsertVocabularyParams{ID: v.ID, Label: strings.TrimSpace(v.Label),
		Description: v.Description, Hierarchy: int16(v.Hierarchy), Weight: int32(v.Weight)})
	if errs.Is(pg.Classify(err, ""), errs.Conflict) {
		msg := fmt.Sprintf("The machine name %q is already in use.", v.ID)
		return &errs.Error{Class: errs.Conflict, Message: msg, Fields: map[string]string{"id": msg}}
	}
	return pg.Classify(err, "create vocabulary "+v.ID)
}

// SaveVocabulary updates a vocabulary. The hierarchy cannot be narrowed
// below what its terms already use (flat while some term has a parent,
// single while some term has two).
func (s *Service) SaveVocabulary(ctx context.Context, v Vocabulary) error {
	if problems := checkVocabulary(v); len(problems) > 0 {
		return errs.InvalidFields(problems)
	}
	used, err := s.q.MaxParentsInVocabulary(ctx, v.ID)
	if err != nil {
		return fmt.Errorf("count parents in vocabulary %s: %w", v.ID, err)
	}
	if (v.Hierarchy == Flat && used > 0) || (v.Hierarchy == Single && used > 1) {
		return errs.InvalidFields(map[string]string{"hierarchy": fmt.Sprintf(
			"Some terms have %d parent(s); change their parents before choosing %q.", used, v.Hierarchy.String())})
	}
	n, err := s.q.UpdateVocabulary(ctx, db.UpdateVocabularyParams{ID: v.ID, Label: strings.TrimSpace(v.Label),
		Description: v.Description, Hierarchy: int16(v.Hierarchy), Weight: int32(v.Weight)})
	if err != nil {
		return fmt.Errorf("save vocabulary %s: %w", v.ID, err)
	}
	if n == 0 {
		return errs.New(errs.NotFound, "There is no vocabulary %q.", v.ID)
	}
	return nil
}

// CountTerms returns the number of terms in a vocabulary (as the stage of
// ctx sees them).
func (s *Service) CountTerms(ctx context.Context, vocabulary string) (int64, error) {
	if chain := chainOf(ctx); len(chain) > 0 {
		n, err := s.q.CountTermsStaged(ctx, db.CountTermsStagedParams{Chain: chain, Vocabulary: vocabulary})
		if err != nil {
			return 0, fmt.Errorf("count terms of %s in stage %s: %w", vocabulary, chain[0], err)
		}
		return n, nil
	}
	n, err := s.q.CountTerms(ctx, vocabulary)
	if err != nil {
		return 0, fmt.Errorf("count terms of %s: %w", vocabulary, err)
	}
	return n, nil
}

// DeleteVocabulary deletes a vocabulary and all its terms (a delete event
// for each). Items keep their references; the field type reports them as
// missing on the next save. Vocabularies are not staged: this acts on Live
// (and drops every stage's changes to the vocabulary's terms) whatever
// stage ctx is in.
func (s *Service) DeleteVocabulary(ctx context.Context, id string) error {
	ctx = LiveContext(ctx)
	var gone []*Term
	if s.hooks != nil {
		tree, err := s.Tree(ctx, id)
		if err != nil {
			return err
		}
		seen := map[uuid.UUID]bool{}
		for _, tt := range tree {
			if !seen[tt.ID] {
				seen[tt.ID] = true
				if t, err := s.Term(ctx, tt.ID); err == nil {
					gone = append(gone, t)
				}
			}
		}
	}
	n, err := s.q.DeleteVocabulary(ctx, id)
	if err != nil {
		return fmt.Errorf("delete vocabulary %s: %w", id, err)
	}
	if n == 0 {
		return errs.New(errs.NotFound, "There is no vocabulary %q.", id)
	}
	for _, t := range gone {
		s.event(ctx, EventDelete, t)
	}
	return nil
}

// Term returns one term with its parents, as the stage of ctx sees it.
func (s *Service) Term(ctx context.Context, id uuid.UUID) (*Term, error) {
	if chain := chainOf(ctx); len(chain) > 0 {
		t, err := termStaged(ctx, s.q, chain, id)
		if err != nil {
			return nil, err
		}
		return &t.Term, nil
	}
	r, err := s.q.GetTerm(ctx, id)
	if err != nil {
		return nil, pg.Classify(err, "There is no such term.")
	}
	parents, err := s.q.TermParents(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("load parents of term %s: %w", id, err)
	}
	return &Term{ID: r.ID, VocabularyID: r.VocabularyID, Name: r.Name, Description: r.Description, Format: r.Format,
		Weight: int(r.Weight), Parents: parents, Created: r.Created, Changed: r.Changed}, nil
}

// Names returns the names of terms ids as the stage of ctx sees them, in
// one query (a Live read is one lookup by primary key), for pages that name
// many terms at once (Gather's listing cells). An id the stage has no term
// for (deleted in it, created in another stage, not a term) is left out.
func (s *Service) Names(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]string, error) {
	out := make(map[uuid.UUID]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	if chain := chainOf(ctx); len(chain) > 0 {
		rows, err := s.q.TermNames(ctx, db.TermNamesParams{Chain: chain, Ids: ids})
		if err != nil {
			return nil, fmt.Errorf("name terms in stage %s: %w", chain[0], err)
		}
		for _, r := range rows {
			out[r.ID] = r.Name
		}
		return out, nil
	}
	rows, err := s.q.LiveTermNames(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("name terms: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}

// CreateTerm adds a term to its vocabulary and returns it with its new id
// (a UUIDv7). Parents are checked as for SaveTerm. In a stage the term
// exists only in the stage's chain until publish (no insert event yet).
func (s *Service) CreateTerm(ctx context.Context, t Term) (*Term, error) {
	chain, err := writeChain(ctx)
	if err != nil {
		return nil, err
	}
	t.ID = uuid.Must(uuid.NewV7())
	s.presave(ctx, &t)
	if len(chain) > 0 {
		if err := s.writeStaged(ctx, chain, t, true); err != nil {
			return nil, err
		}
		return s.Term(ctx, t.ID)
	}
	err = s.write(ctx, t, func(q *db.Queries) error {
		return q.InsertTerm(ctx, db.InsertTermParams{ID: t.ID, VocabularyID: t.VocabularyID, Name: strings.TrimSpace(t.Name),
			Description: t.Description, Format: formatOr(t.Format), Weight: int32(t.Weight)})
	})
	if err != nil {
		return nil, err
	}
	saved, err := s.Term(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	s.event(ctx, EventInsert, saved)
	return saved, nil
}

// SaveTerm updates a term's name, description, weight and parents. The
// vocabulary's hierarchy limits the parents (none when flat, one when
// single); a parent must be a term of the same vocabulary, and neither the
// term itself nor one of its descendants, so the hierarchy stays acyclic.
// In a stage the checks read the stage's overlay and the save is a stage
// copy (no update event until publish).
func (s *Service) SaveTerm(ctx context.Context, t Term) error {
	chain, err := writeChain(ctx)
	if err != nil {
		return err
	}
	s.presave(ctx, &t)
	if len(chain) > 0 {
		return s.writeStaged(ctx, chain, t, false)
	}
	err = s.write(ctx, t, func(q *db.Queries) error {
		n, err := q.UpdateTerm(ctx, db.UpdateTermParams{ID: t.ID, Name: strings.TrimSpace(t.Name), Description: t.Description,
			Format: formatOr(t.Format), Weight: int32(t.Weight)})
		if err == nil && n == 0 {
			return errs.New(errs.NotFound, "There is no such term.")
		}
		return err
	})
	if err != nil {
		return err
	}
	if saved, err := s.Term(ctx, t.ID); err == nil {
		s.event(ctx, EventUpdate, saved)
	}
	return nil
}

// formatOr is format, or plain text when empty.
func formatOr(format string) string {
	if format == "" {
		return "plain_text"
	}
	return format
}

// normalize trims t's name and defaults its format, and refuses a term
// without a name or with an unknown format: the checks every term save
// (Live or staged) makes before its transaction.
func normalize(t *Term) error {
	t.Name = strings.TrimSpace(t.Name)
	t.Format = formatOr(t.Format)
	if t.Name == "" {
		return errs.InvalidFields(map[string]string{"name": "Name is required."})
	}
	return checkFormat(t.Format)
}

// write validates t and, in one transaction, runs save and replaces the
// term's parents. The vocabulary row is locked so that two concurrent saves
// cannot together create a cycle that neither sees.
func (s *Service) write(ctx context.Context, t Term, save func(*db.Queries) error) error {
	if err := normalize(&t); err != nil {
		return err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	q := s.q.WithTx(tx)
	hierarchy, err := q.LockVocabulary(ctx, t.VocabularyID)
	if err != nil {
		return pg.Classify(err, fmt.Sprintf("There is no vocabulary %q.", t.VocabularyID))
	}
	if msg, err := checkParents(ctx, q, nil, t, Hierarchy(hierarchy)); err != nil {
		return err
	} else if msg != "" {
		return errs.InvalidFields(map[string]string{"parents": msg})
	}
	if err := save(q); err != nil {
		return pg.Classify(err, "save term "+t.Name)
	}
	if err := q.DeleteTermParents(ctx, t.ID); err != nil {
		return fmt.Errorf("clear parents of term %s: %w", t.ID, err)
	}
	for _, p := range t.Parents {
		if err := q.InsertTermParent(ctx, db.InsertTermParentParams{TermID: t.ID, ParentID: p}); err != nil {
			return fmt.Errorf("set parent of term %s: %w", t.ID, err)
		}
	}
	if err := q.RecordLiveTermRevision(ctx, db.RecordLiveTermRevisionParams{RevisionID: uuid.Must(uuid.NewV7()),
		AuthorID: authorOf(ctx), TermID: t.ID}); err != nil {
		return fmt.Errorf("record revision of term %s: %w", t.ID, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit term %s: %w", t.ID, err)
	}
	return nil
}

// checkParents returns a message a user can read when t's parents break
// the vocabulary's hierarchy rules or would make a cycle, or "". With a
// stage chain it reads the chain's overlay.
func checkParents(ctx context.Context, q *db.Queries, chain []string, t Term, h Hierarchy) (string, error) {
	parents := slices.Clone(t.Parents)
	slices.SortFunc(parents, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	if len(slices.Compact(parents)) != len(t.Parents) {
		return "A parent is listed twice.", nil
	}
	switch {
	case h == Flat && len(t.Parents) > 0:
		return "This vocabulary is flat: its terms cannot have parents.", nil
	case h == Single && len(t.Parents) > 1:
		return "Terms of this vocabulary have at most one parent.", nil
	}
	if len(t.Parents) == 0 {
		return "", nil
	}
	descendants, err := descendantsOf(ctx, q, chain, t.VocabularyID, t.ID)
	if err != nil {
		return "", fmt.Errorf("load descendants of term %s: %w", t.ID, err)
	}
	for _, p := range t.Parents {
		if p == t.ID {
			return "A term cannot be its own parent.", nil
		}
		for _, d := range descendants {
			if d.ID == p {
				return fmt.Sprintf("%q cannot be a parent of %q: it is below it in the hierarchy, which would make a cycle.", d.Name, t.Name), nil
			}
		}
		var vocab string
		if len(chain) > 0 {
			var parent *stagedTerm
			if parent, err = termStaged(ctx, q, chain, p); err == nil {
				vocab = parent.VocabularyID
			} else if errs.Is(err, errs.NotFound) {
				err = pgx.ErrNoRows
			}
		} else {
			var parent db.CategoryTerm
			parent, err = q.GetTerm(ctx, p)
			vocab = parent.VocabularyID
		}
		if errors.Is(err, pgx.ErrNoRows) || (err == nil && vocab != t.VocabularyID) {
			return "A parent must be a term of the same vocabulary.", nil
		}
		if err != nil {
			return "", fmt.Errorf("load parent term %s: %w", p, err)
		}
	}
	return "", nil
}

// DeleteTerm deletes a term. Its children lose it as a parent; those left
// without parents become roots. In Live the stages' changes to the term go
// with it (as an item's do); in a stage the deletion is a stage change.
func (s *Service) DeleteTerm(ctx context.Context, id uuid.UUID) error {
	chain, err := writeChain(ctx)
	if err != nil {
		return err
	}
	if len(chain) > 0 {
		return s.deleteStaged(ctx, chain, id)
	}
	old, err := s.Term(ctx, id) // for the delete event
	if err != nil {
		return err
	}
	if err := s.q.DeleteTermsHard(ctx, []uuid.UUID{id}); err != nil {
		return fmt.Errorf("delete term %s: %w", id, err)
	}
	s.event(ctx, EventDelete, old)
	return nil
}

// descendantsOf is TermDescendants, over chain's overlay when it is set.
func descendantsOf(ctx context.Context, q *db.Queries, chain []string, vocabulary string, id uuid.UUID) ([]Ref, error) {
	var out []Ref
	if len(chain) > 0 {
		return descendantsStaged(ctx, q, chain, vocabulary, id)
	}
	rows, err := q.TermDescendants(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out = append(out, Ref{ID: r.ID, Name: r.Name, Depth: int(r.Depth)})
	}
	return out, nil
}

// Tree returns the terms of a vocabulary in tree order with their depth,
// as the stage of ctx sees them.
func (s *Service) Tree(ctx context.Context, vocabulary string) ([]TreeTerm, error) {
	if chain := chainOf(ctx); len(chain) > 0 {
		o, err := loadOverlay(ctx, s.q, chain, vocabulary)
		if err != nil {
			return nil, err
		}
		return o.tree(), nil
	}
	rows, err := s.q.TermTree(ctx, vocabulary)
	if err != nil {
		return nil, fmt.Errorf("load the terms of %s: %w", vocabulary, err)
	}
	out := make([]TreeTerm, 0, len(rows))
	for _, r := range rows {
		out = append(out, TreeTerm{ID: r.ID, Name: r.Name, Description: r.Description, Weight: int(r.Weight),
			Parent: r.ParentID, Depth: int(r.Depth)})
	}
	return out, nil
}

// Ancestors returns the ancestors of a term, farthest first: the
// breadcrumb trail to it. With several parents every ancestor is listed
// once, at its greatest distance. In a stage: over the stage's overlay.
func (s *Service) Ancestors(ctx context.Context, id uuid.UUID) ([]Ref, error) {
	if chain := chainOf(ctx); len(chain) > 0 {
		if _, err := termStaged(ctx, s.q, chain, id); err != nil {
			return nil, err
		}
		return ancestorsStaged(ctx, s.q, chain, id)
	}
	rows, err := s.q.TermAncestors(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("load ancestors of term %s: %w", id, err)
	}
	out := make([]Ref, 0, len(rows))
	for _, r := range rows {
		out = append(out, Ref{ID: r.ID, Name: r.Name, Depth: int(r.Depth)})
	}
	return out, nil
}

// Descendants returns the descendants of a term, nearest first, each once;
// in a stage over the stage's overlay.
func (s *Service) Descendants(ctx context.Context, id uuid.UUID) ([]Ref, error) {
	chain := chainOf(ctx)
	vocab := ""
	if len(chain) > 0 {
		t, err := termStaged(ctx, s.q, chain, id)
		if err != nil {
			return nil, err
		}
		vocab = t.VocabularyID
	}
	out, err := descendantsOf(ctx, s.q, chain, vocab, id)
	if err != nil {
		return nil, fmt.Errorf("load descendants of term %s: %w", id, err)
	}
	if out == nil {
		out = []Ref{}
	}
	return out, nil
}

// TaggedItems returns items that reference any of terms (all of one
// vocabulary) in a category_reference field set to that vocabulary, newest
// first. Unpublished items are included only when asked for. Items are read
// as the stage of ctx sees them (web.StageFrom: the stage's field values,
// its created items, without its deletions, through the same SQL overlay
// as Gather); requests that may not use stages always carry Live.
func (s *Service) TaggedItems(ctx context.Context, vocabulary string, terms []uuid.UUID, includeUnpublished bool, offset, limit int) ([]TaggedItem, error) {
	fields, err := s.q.CategoryFieldNames(ctx, vocabulary)
	if err != nil {
		return nil, fmt.Errorf("find category fields of %s: %w", vocabulary, err)
	}
	var patterns []string
	for _, f := range fields {
		for _, t := range terms {
			p, err := json.Marshal(map[string][]map[string]string{f: {{"target_id": t.String()}}})
			if err != nil {
				return nil, fmt.Errorf("encode term pattern: %w", err)
			}
			patterns = append(patterns, string(p))
		}
	}
	if len(patterns) == 0 {
		return []TaggedItem{}, nil
	}
	if chain := web.StageFrom(ctx).Chain; len(chain) > 0 {
		rows, err := s.q.ItemsWithTermsStaged(ctx, db.ItemsWithTermsStagedParams{Chain: chain, Patterns: patterns,
			IncludeUnpublished: includeUnpublished, Off: int32(offset), Lim: int32(limit)})
		if err != nil {
			return nil, fmt.Errorf("list items tagged in %s in stage %s: %w", vocabulary, chain[0], err)
		}
		out := make([]TaggedItem, 0, len(rows))
		for _, r := range rows {
			out = append(out, TaggedItem{ID: r.ID, Type: r.Type, Title: r.Title, Status: r.Status, Created: r.Created})
		}
		return out, nil
	}
	rows, err := s.q.ItemsWithTerms(ctx, db.ItemsWithTermsParams{Patterns: patterns, IncludeUnpublished: includeUnpublished,
		Off: int32(offset), Lim: int32(limit)})
	if err != nil {
		return nil, fmt.Errorf("list items tagged in %s: %w", vocabulary, err)
	}
	out := make([]TaggedItem, 0, len(rows))
	for _, r := range rows {
		out = append(out, TaggedItem{ID: r.ID, Type: r.Type, Title: r.Title, Status: r.Status, Created: r.Created})
	}
	return out, nil
}
