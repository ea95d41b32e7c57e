package plugin

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestPoolWaitEnds checks that a caller waiting for an instance of a full
// pool gives up at its deadline and when its caller cancels, and otherwise
// gets the instance released to it.
func TestPoolWaitEnds(t *testing.T) {
	made := 0
	p := newPool(1, func(context.Context) (*instance, error) { made++; return &instance{}, nil })
	ctx := context.Background()
	held, err := p.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}

	if _, err := p.acquireUntil(ctx, nil, time.Now().Add(20*time.Millisecond)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("wait past the deadline: err = %v, want context.DeadlineExceeded", err)
	}
	// The timer is recycled: a second wait must not see the first one fire.
	canceled, cancel := context.WithCancel(ctx)
	time.AfterFunc(20*time.Millisecond, cancel)
	if _, err := p.acquireUntil(canceled, canceled.Done(), time.Now().Add(time.Hour)); !errors.Is(err, context.Canceled) {
		t.Errorf("wait canceled by the caller: err = %v, want context.Canceled", err)
	}

	time.AfterFunc(20*time.Millisecond, func() { p.release(held) })
	got, err := p.acquireUntil(ctx, nil, time.Now().Add(time.Hour))
	if err != nil || got != held {
		t.Fatalf("wait for a released instance = %p, %v; want %p", got, err, held)
	}
	if made != 1 || p.size() != 1 {
		t.Errorf("pool made %d instances and has %d slots, want 1 and 1", made, p.size())
	}
}
