package web

import (
	"context"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/session"
)

// LiveStage is the id of the Live stage: what visitors see.
const LiveStage = "live"

// keyStage is the session key holding the editor's active stage.
const keyStage = "stage"

// Stage is the stage a request reads in (and, unless Preview, writes in).
// The zero value is Live. The stage middleware (app/stage) resolves it once
// per request from the session or a preview link and puts it on the
// request context, where the item service and Gather read it.
type Stage struct {
	ID    string
	Label string
	// Chain is the stage followed by its ancestors, nearest first, Live
	// excluded; empty for Live. Overlays take the nearest stage's copy.
	Chain []string
	// Preview marks a read-only preview through a share link: the request
	// sees the stage but may not write in it.
	Preview bool
}

// IsLive reports whether s is Live.
func (s Stage) IsLive() bool { return len(s.Chain) == 0 }

type stageKey struct{}

// WithStage returns ctx reading in stage s.
func WithStage(ctx context.Context, s Stage) context.Context {
	return context.WithValue(ctx, stageKey{}, s)
}

// StageFrom returns the stage ctx reads in (Live when none was set).
func StageFrom(ctx context.Context) Stage {
	s, _ := ctx.Value(stageKey{}).(Stage)
	if s.ID == "" {
		s.ID, s.Label = LiveStage, "Live"
	}
	return s
}

// ActiveStage returns the stage id kept in the session ("" when none: Live).
// It never creates a session.
func (s *Sessions) ActiveStage(c *fiber.Ctx) string {
	sess, ok := c.Locals(localSession).(*session.Session)
	if !ok {
		return ""
	}
	id, _ := sess.Get(keyStage).(string)
	return id
}

// SetActiveStage keeps id as the session's active stage (Live clears it).
func (s *Sessions) SetActiveStage(c *fiber.Ctx, id string) error {
	sess, err := s.session(c)
	if err != nil {
		return err
	}
	if id == "" || id == LiveStage {
		sess.Delete(keyStage)
	} else {
		sess.Set(keyStage, id)
	}
	err = sess.Save()
	// fiber releases a saved session to its pool: later calls in this
	// request (a flash message) must load it again, not reuse it.
	c.Locals(localSession, nil)
	return err
}
