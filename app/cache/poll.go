package cache

import (
	"context"
	"time"
)

// Poll calls reloadIfChanged every interval until ctx ends: how an
// in-process cache of stored configuration (listing paths, block
// placements) follows changes made on other nodes within one interval.
// Errors are logged under what and the polling goes on.
func Poll(ctx context.Context, every time.Duration, what string, reloadIfChanged func(context.Context) (bool, error),
	logf func(msg string, args ...any)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := reloadIfChanged(ctx); err != nil && ctx.Err() == nil {
				logf(what, "error", err)
			}
		}
	}
}
