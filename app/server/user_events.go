package server

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/trovato/trovato/app/metrics"
	"github.com/trovato/trovato/app/plugin"
	"github.com/trovato/trovato/app/user"
)

// UserEvents adapts the plugin host's tap_user_insert, tap_user_update and
// tap_user_delete to the account stores (user.Store for `trovato user add`
// and setup, user.AdminStore for the People pages), as AuthEvents does for
// login and logout.
func (s *Server) UserEvents() user.Events {
	event := func(name string) func(context.Context, uuid.UUID, string) {
		return func(ctx context.Context, id uuid.UUID, account string) {
			start := time.Now()
			s.Plugins.UserEvent(ctx, name, id.String(), account)
			metrics.AddTaps(ctx, time.Since(start))
		}
	}
	return user.Events{
		Inserted: event(plugin.EventInsert),
		Updated:  event(plugin.EventUpdate),
		Deleted:  event(plugin.EventDelete),
	}
}

// pluginRequest gives every request a plugin request scope (the host API's
// current_user, user_has_permission, request_get and request_set) holding
// the request's account. It runs after the session middleware.
func pluginRequest(account func(c *fiber.Ctx) *user.Account) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var acct *plugin.Account
		if a := account(c); a != nil {
			acct = &plugin.Account{ID: a.ID.String(), Name: a.Name, Authenticated: a.IsAuthenticated(), Roles: a.Roles, Can: a.Can}
		}
		c.SetUserContext(plugin.WithRequest(c.UserContext(), acct))
		return c.Next()
	}
}
