package form

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/trovato/trovato/app/db"
	"github.com/trovato/trovato/app/pg"
)

// StateTTL is how long a form's state lives after its last use; a form left
// open longer still submits (its state is rebuilt from what it sends).
const StateTTL = 6 * time.Hour

// StateStore keeps form state in Postgres, bound to the user who was shown
// the form, so one user cannot rebuild another's form.
type StateStore struct {
	q *db.Queries
}

// NewStateStore returns a state store over the pool.
func NewStateStore(pool *pgxpool.Pool) *StateStore { return &StateStore{q: db.New(pool)} }

// NewBuildID returns a random form build id.
func NewBuildID() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return "form-" + base64.RawURLEncoding.EncodeToString(b)
}

// Save stores st under buildID for owner, renewing its expiry.
func (s *StateStore) Save(ctx context.Context, owner uuid.UUID, buildID string, st *State) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode form state: %w", err)
	}
	err = s.q.SaveFormState(ctx, db.SaveFormStateParams{
		BuildID: buildID, FormID: st.FormID, OwnerID: owner, State: raw, Expires: time.Now().Add(StateTTL),
	})
	return pg.Classify(err, "save form state")
}

// Load returns the state of a form build; a missing, expired or foreign
// build id is NotFound.
func (s *StateStore) Load(ctx context.Context, owner uuid.UUID, formID, buildID string) (*State, error) {
	raw, err := s.q.LoadFormState(ctx, db.LoadFormStateParams{BuildID: buildID, FormID: formID, OwnerID: owner})
	if err != nil {
		return nil, pg.Classify(err, "form state not found")
	}
	var st State
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil, fmt.Errorf("decode form state: %w", err)
	}
	return &st, nil
}

// Cleanup deletes expired states and reports how many.
func (s *StateStore) Cleanup(ctx context.Context) (int64, error) {
	n, err := s.q.DeleteExpiredFormState(ctx)
	if err != nil {
		return 0, fmt.Errorf("clean up form state: %w", err)
	}
	return n, nil
}
