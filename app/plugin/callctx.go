package plugin

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// callContext is the context of one tap call: the caller's context, the
// call's deadline, and what host functions read about the call (callCtx,
// returned by Value(callKey{})).
//
// It starts no timer. A tap call is over in microseconds, and
// context.WithTimeout cost about a tenth of it (a timer in the runtime's
// heap, its removal, three allocations). Err compares the clock with the
// deadline instead, which is all the deadline check (interruptCheck) and the
// host functions' callOf need. Only something that waits on Done (a host
// function in waitOrDone, a database call, a caller queueing for an
// instance) gets a real context.WithDeadline, made on first use and
// canceled when the call ends (release).
type callContext struct {
	parent   context.Context
	deadline time.Time
	cc       callCtx
	mu       sync.Mutex             // serializes making inner and ending the call
	inner    atomic.Pointer[waited] // nil until Done is first called
	ended    atomic.Bool            // set by release: the context is canceled from then on
}

// waited is the timer-backed context Done hands out.
type waited struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func newCallContext(parent context.Context, timeout time.Duration) *callContext {
	return &callContext{parent: parent, deadline: time.Now().Add(timeout)}
}

// Deadline is the call's deadline, or the caller's when that is earlier.
func (c *callContext) Deadline() (time.Time, bool) {
	if d, ok := c.parent.Deadline(); ok && d.Before(c.deadline) {
		return d, true
	}
	return c.deadline, true
}

// Done makes the timer-backed context the first time it is asked for.
func (c *callContext) Done() <-chan struct{} {
	if w := c.inner.Load(); w != nil {
		return w.ctx.Done()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	w := c.inner.Load()
	if w == nil {
		w = &waited{}
		w.ctx, w.cancel = context.WithDeadline(c.parent, c.deadline)
		if c.ended.Load() {
			w.cancel()
		}
		c.inner.Store(w)
	}
	return w.ctx.Done()
}

// Err is the caller's error, or DeadlineExceeded once the clock has passed
// the deadline (which may be a little before a timer-backed Done closes), or
// Canceled once the call has ended.
func (c *callContext) Err() error {
	if c.ended.Load() {
		return context.Canceled
	}
	if w := c.inner.Load(); w != nil {
		if err := w.ctx.Err(); err != nil {
			return err
		}
	}
	if err := c.parent.Err(); err != nil {
		return err
	}
	if !time.Now().Before(c.deadline) {
		return context.DeadlineExceeded
	}
	return nil
}

// Value answers callKey with the call once call has set it; other keys go to the timer-backed
// context when there is one (so context's own lookups of its cancelCtx
// agree with Done), and to the caller's otherwise.
func (c *callContext) Value(key any) any {
	if key == (callKey{}) {
		if c.cc.p == nil {
			return nil // no instance yet: an instance being created serves no call
		}
		return &c.cc
	}
	if w := c.inner.Load(); w != nil {
		return w.ctx.Value(key)
	}
	return c.parent.Value(key)
}

func (c *callContext) String() string { return "plugin.callContext" }

// release ends the call: the context is canceled from now on, as a
// canceled WithTimeout was, so a goroutine a host function left holding it
// sees it done; the timer-backed context, if one was made, is stopped.
func (c *callContext) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ended.Store(true)
	if w := c.inner.Load(); w != nil {
		w.cancel()
	}
}
