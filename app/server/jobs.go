package server

import (
	"context"
	"fmt"
	"time"

	"github.com/trovato/trovato/app/extend"
	"github.com/trovato/trovato/app/item"
	"github.com/trovato/trovato/app/jobs"
	"github.com/trovato/trovato/app/plugin"
)

// Intervals of the kernel's periodic tasks.
const (
	pruneInterval     = time.Hour
	formStateInterval = 15 * time.Minute
)

// startJobs builds the job runner (not yet working: Listen starts it) and
// the host API services that reach it, the variables and the cache.
func (s *Server) startJobs() error {
	runner, err := jobs.New(jobs.Config{
		Pool:         s.Pool,
		Plugins:      s.Plugins,
		Log:          s.Log,
		CronInterval: s.cfg.CronInterval,
		Tasks:        s.kernelTasks(),
		// Gather is built after startJobs: looked up when a job runs.
		Columns: func(ctx context.Context, field string, drop bool) error {
			return s.Gather.RunColumnJob(ctx, field, drop)
		},
	})
	if err != nil {
		return err
	}
	s.Jobs = runner
	s.Plugins.UseServices(plugin.Services{Variables: extend.NewVariables(s.Pool), Queue: runner, Cache: s.Cache})
	return nil
}

// kernelTasks are the kernel's periodic tasks. Items and FormStates are
// built after startJobs, so the tasks look them up when they run.
func (s *Server) kernelTasks() []jobs.Task {
	return []jobs.Task{
		{Name: "revision_pruning", Every: pruneInterval, Run: func(ctx context.Context) (string, error) {
			n, err := s.Items.PruneRevisions(ctx, item.PruneBatch)
			if err != nil {
				return "", fmt.Errorf("revision pruning after deleting %d revision(s): %w", n, err)
			}
			return fmt.Sprintf("deleted %d old revision(s)", n), nil
		}},
		{Name: "form_state_cleanup", Every: formStateInterval, Run: func(ctx context.Context) (string, error) {
			n, err := s.FormStates.Cleanup(ctx)
			if err != nil {
				return "", fmt.Errorf("form state cleanup: %w", err)
			}
			return fmt.Sprintf("deleted %d expired form state(s)", n), nil
		}},
	}
}

// stopJobs stops the job runner, letting running jobs finish for a while.
func (s *Server) stopJobs() {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := s.Jobs.Stop(ctx); err != nil {
		s.Log.Warn("stop jobs", "error", err)
	}
}
