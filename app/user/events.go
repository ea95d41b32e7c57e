package user

import (
	"context"

	"github.com/google/uuid"
)

// Events are told about account changes after they are committed; the
// server connects them to the plugin taps user_insert, user_update and
// user_delete. Any of them may be nil. They run on the caller's goroutine
// and cannot fail the change.
type Events struct {
	Inserted func(ctx context.Context, id uuid.UUID, name string) // Store.Create, AdminStore.CreateAccount
	Updated  func(ctx context.Context, id uuid.UUID, name string) // AdminStore.UpdateAccount, SetActive
	Deleted  func(ctx context.Context, id uuid.UUID, name string) // AdminStore.Delete
}

// SetEvents installs e; call it while wiring, before serving.
func (s *Store) SetEvents(e Events) { s.events = e }

// SetEvents installs e; call it while wiring, before serving.
func (s *AdminStore) SetEvents(e Events) { s.events = e }

func fire(f func(context.Context, uuid.UUID, string), ctx context.Context, id uuid.UUID, name string) {
	if f != nil {
		f(ctx, id, name)
	}
}
