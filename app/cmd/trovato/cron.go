package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/trovato/trovato/app/server"
)

// runCron is `trovato cron`: one cron pass now (tap_cron of every enabled
// plugin) and every kernel periodic task, like Drupal's `drush cron`. Jobs
// the plugins queue are worked by the running servers.
func runCron(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flags("cron", "cron   (configured by environment variables, like serve)", stdout)
	if err := fs.Parse(args); err != nil {
		return err
	}
	start := time.Now()
	s, err := server.New(ctx, server.FromEnv(), newLogger())
	if err != nil {
		return err
	}
	defer s.Close(context.Background())
	if err := s.Jobs.RunAll(ctx, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Done in %s.\n", time.Since(start).Round(time.Millisecond))
	return nil
}
