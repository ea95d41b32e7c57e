package plugin

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestCallContext checks the call context's deadline without a timer, its
// Done made on demand, the caller's cancellation and values passing
// through, and that it is canceled once the call ends.
func TestCallContext(t *testing.T) {
	type key struct{}
	parent := context.WithValue(context.Background(), key{}, "caller's")

	c := newCallContext(parent, 30*time.Millisecond)
	if c.Err() != nil {
		t.Fatalf("Err before the deadline = %v", c.Err())
	}
	if d, ok := c.Deadline(); !ok || d != c.deadline {
		t.Errorf("Deadline = %v, %v; want %v, true", d, ok, c.deadline)
	}
	if c.Value(callKey{}) != nil {
		t.Error("Value(callKey) before the call is set, want nil")
	}
	c.cc = callCtx{p: &plugin{}, tap: "item_view"}
	if cc, _ := c.Value(callKey{}).(*callCtx); cc == nil || cc.tap != "item_view" {
		t.Errorf("Value(callKey) = %v, want the call", c.Value(callKey{}))
	}
	if v := c.Value(key{}); v != "caller's" {
		t.Errorf("caller's value = %v", v)
	}
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Done did not close at the deadline")
	}
	if !errors.Is(c.Err(), context.DeadlineExceeded) {
		t.Errorf("Err after the deadline = %v, want DeadlineExceeded", c.Err())
	}
	if v := c.Value(key{}); v != "caller's" {
		t.Errorf("caller's value once Done is made = %v", v)
	}
	c.release()
	if !errors.Is(c.Err(), context.Canceled) {
		t.Errorf("Err after the call ended = %v, want Canceled", c.Err())
	}

	// Without Done: the clock alone ends the call, and a Done asked for
	// after the call ended is closed.
	c = newCallContext(parent, time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	if !errors.Is(c.Err(), context.DeadlineExceeded) {
		t.Errorf("Err past the deadline without Done = %v, want DeadlineExceeded", c.Err())
	}
	c.release()
	select {
	case <-c.Done():
	default:
		t.Error("Done after release is not closed")
	}

	// The caller's cancellation comes through Err and Done, and an earlier
	// caller deadline is the call's.
	pctx, cancel := context.WithTimeout(parent, time.Minute)
	c = newCallContext(pctx, time.Hour)
	if d, _ := c.Deadline(); d.After(time.Now().Add(2 * time.Minute)) {
		t.Errorf("Deadline = %v, want the caller's (in a minute)", d)
	}
	done := c.Done()
	cancel()
	<-done
	if !errors.Is(c.Err(), context.Canceled) {
		t.Errorf("Err after the caller canceled = %v, want Canceled", c.Err())
	}
	c.release()
}
