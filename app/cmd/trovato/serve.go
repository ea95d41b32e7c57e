package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/trovato/trovato/app/pg"
	"github.com/trovato/trovato/app/server"
	"github.com/trovato/trovato/migrations"
)

func runServe(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flags("serve", "serve   (configured by environment variables)", stdout)
	if err := fs.Parse(args); err != nil {
		return err
	}
	start := time.Now()
	cfg := server.FromEnv()
	log := newLogger()
	s, err := server.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close(context.Background())
	for _, p := range s.Plugins.Status() {
		if p.State != "loaded" {
			log.Error("plugin failed to load", "plugin", p.Name, "error", p.Error)
		}
	}
	fmt.Fprintf(stdout, "Trovato is running at http://%s/ (started in %s)\n", cfg.Addr, time.Since(start).Round(time.Millisecond))
	return s.Listen(ctx)
}

func runSetup(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flags("setup", "setup   (DATABASE_URL; TROVATO_ADMIN_PASSWORD sets the admin password, else one is generated and printed once)", stdout)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := server.FromEnv()
	created, err := pg.EnsureDatabase(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(stdout, "Created database %s.\n", pg.Redact(cfg.DatabaseURL))
	}
	pool, err := pg.Connect(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	n, err := migrations.Up(ctx, pool)
	pool.Close()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Applied %d migration(s).\n", n)
	s, err := server.New(ctx, cfg, newLogger())
	if err != nil {
		return err
	}
	defer s.Close(context.Background())
	installed, password, err := s.Setup(ctx, os.Getenv("TROVATO_ADMIN_PASSWORD"), stdout)
	if err != nil {
		return err
	}
	if !installed {
		fmt.Fprintln(stdout, "The site is already set up; nothing to seed.")
		return nil
	}
	fmt.Fprintln(stdout, "Site set up. Log in at /user/login as:")
	fmt.Fprintf(stdout, "  username: admin\n  password: %s\n", password)
	if os.Getenv("TROVATO_ADMIN_PASSWORD") == "" {
		fmt.Fprintln(stdout, "  (generated; shown only this once)")
	}
	return nil
}
