package category

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/db"
	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/textformat"
)

// Term events, as passed to Hooks.TermEvent (and the suffix of the plugin
// taps category_term_insert, category_term_update, category_term_delete).
const (
	EventInsert = "insert"
	EventUpdate = "update"
	EventDelete = "delete"
)

// Hooks are told about term changes; the server connects the plugin host's
// category_term_* taps here, so that this package does not depend on the
// plugin host. Like Drupal's hook_taxonomy_term_presave/insert/update/delete.
type Hooks interface {
	// TermPresave may change t's name and description before a create or
	// update is validated and saved.
	TermPresave(ctx context.Context, t *Term)
	// TermEvent is called after a term was created, updated (also when only
	// its weight changed through reordering) or deleted, once the change is
	// committed.
	TermEvent(ctx context.Context, event string, t Term)
}

// SetHooks sets the hooks every create, update and delete of a term calls.
// Call it once, at start-up, before the service is used.
func (s *Service) SetHooks(h Hooks) { s.hooks = h }

func (s *Service) presave(ctx context.Context, t *Term) {
	if s.hooks != nil {
		s.hooks.TermPresave(ctx, t)
	}
}

func (s *Service) event(ctx context.Context, event string, t *Term) {
	if s.hooks != nil && t != nil {
		s.hooks.TermEvent(ctx, event, *t)
	}
}

// SaveOrder sets the weights of terms of a vocabulary (term id → weight),
// as the reorder form and drag and drop submit them. Terms of other
// vocabularies are refused; terms whose weight does not change are left
// alone; each changed term fires an update event.
func (s *Service) SaveOrder(ctx context.Context, vocabulary string, weights map[uuid.UUID]int) (changed int, err error) {
	chain, err := writeChain(ctx)
	if err != nil {
		return 0, err
	}
	if len(chain) > 0 {
		return s.saveOrderStaged(ctx, chain, vocabulary, weights)
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	q := s.q.WithTx(tx)
	if _, err := q.LockVocabulary(ctx, vocabulary); err != nil {
		return 0, errs.New(errs.NotFound, "There is no vocabulary %q.", vocabulary)
	}
	var ids []uuid.UUID
	for id, w := range weights {
		t, err := q.GetTerm(ctx, id)
		if err != nil || t.VocabularyID != vocabulary {
			return 0, errs.New(errs.Invalid, "A term of another vocabulary cannot be reordered here.")
		}
		n, err := q.SetTermWeight(ctx, db.SetTermWeightParams{ID: id, VocabularyID: vocabulary, Weight: int32(w)})
		if err != nil {
			return 0, fmt.Errorf("set weight of term %s: %w", id, err)
		}
		if n > 0 {
			ids = append(ids, id)
			if err := q.RecordLiveTermRevision(ctx, db.RecordLiveTermRevisionParams{RevisionID: uuid.Must(uuid.NewV7()),
				AuthorID: authorOf(ctx), TermID: id}); err != nil {
				return 0, fmt.Errorf("record revision of term %s: %w", id, err)
			}
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("commit order of %s: %w", vocabulary, err)
	}
	for _, id := range ids {
		if t, err := s.Term(ctx, id); err == nil {
			s.event(ctx, EventUpdate, t)
		}
	}
	return len(ids), nil
}

// Suggestion is one autocomplete answer: the text to put in the input.
type Suggestion struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// Suggest returns up to limit terms of a vocabulary whose name contains q,
// for the free-tagging widget. A name shared by several terms is labelled
// "Name (uuid)" so that the choice is unambiguous.
func (s *Service) Suggest(ctx context.Context, vocabulary, q string, limit int) ([]Suggestion, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return []Suggestion{}, nil
	}
	type row struct {
		ID   uuid.UUID
		Name string
	}
	var rows []row
	if chain := chainOf(ctx); len(chain) > 0 {
		staged, err := s.q.SuggestTermsStaged(ctx, db.SuggestTermsStagedParams{Chain: chain, Vocabulary: vocabulary, Q: q, Lim: int32(limit)})
		if err != nil {
			return nil, fmt.Errorf("suggest terms of %s in stage %s: %w", vocabulary, chain[0], err)
		}
		for _, r := range staged {
			rows = append(rows, row{r.ID, r.Name})
		}
	} else {
		live, err := s.q.SuggestTerms(ctx, db.SuggestTermsParams{VocabularyID: vocabulary, Q: q, Lim: int32(limit)})
		if err != nil {
			return nil, fmt.Errorf("suggest terms of %s: %w", vocabulary, err)
		}
		for _, r := range live {
			rows = append(rows, row{r.ID, r.Name})
		}
	}
	count := map[string]int{}
	for _, r := range rows {
		count[strings.ToLower(r.Name)]++
	}
	out := make([]Suggestion, 0, len(rows))
	for _, r := range rows {
		label := r.Name
		if count[strings.ToLower(r.Name)] > 1 {
			label += " (" + r.ID.String() + ")"
		}
		out = append(out, Suggestion{ID: r.ID.String(), Label: label})
	}
	return out, nil
}

// TermByName returns the lightest term of a vocabulary named name (case
// ignored), or a NotFound error.
func (s *Service) TermByName(ctx context.Context, vocabulary, name string) (*Term, error) {
	var ids []uuid.UUID
	var err error
	if chain := chainOf(ctx); len(chain) > 0 {
		ids, err = s.q.TermsByNameStaged(ctx, db.TermsByNameStagedParams{Chain: chain, Vocabulary: vocabulary, Name: strings.TrimSpace(name)})
	} else {
		ids, err = s.q.TermsByName(ctx, db.TermsByNameParams{VocabularyID: vocabulary, Name: strings.TrimSpace(name)})
	}
	if err != nil {
		return nil, fmt.Errorf("find term %q in %s: %w", name, vocabulary, err)
	}
	if len(ids) == 0 {
		return nil, errs.New(errs.NotFound, "There is no term %q.", name)
	}
	return s.Term(ctx, ids[0])
}

// checkFormat validates a term's description format.
func checkFormat(format string) error {
	if !textformat.Known(format) {
		return errs.InvalidFields(map[string]string{"format": fmt.Sprintf("There is no text format %q.", format)})
	}
	return nil
}
