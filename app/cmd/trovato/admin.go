package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/trovato/trovato/app/pg"
	"github.com/trovato/trovato/app/server"
	"github.com/trovato/trovato/app/user"
	"github.com/trovato/trovato/migrations"
)

func runMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flags("migrate", "migrate   (uses DATABASE_URL)", stdout)
	if err := fs.Parse(args); err != nil {
		return err
	}
	pool, err := openPool(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	n, err := migrations.Up(ctx, pool)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Applied %d migration(s).\n", n)
	return nil
}

func runUser(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(stdout, "Usage: trovato user add --name NAME --password PASS [--admin]")
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			return nil
		}
		return errors.New("user: name a subcommand (add)")
	}
	fs := flags("user add", "user add --name NAME --password PASS [--admin]", stdout)
	name := fs.String("name", "", "the username (required)")
	pass := fs.String("password", "", "the password, at least 8 characters (required)")
	admin := fs.Bool("admin", false, "make the user an administrator (holds every permission)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	// The whole site, not just the database: plugins hear about the new
	// account (tap_user_insert) as they do for the People pages.
	s, err := server.New(ctx, server.FromEnv(), newLogger())
	if err != nil {
		return err
	}
	defer s.Close(context.Background())
	id, err := s.Users.Create(ctx, *name, *pass, *admin)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Created user %s (%s).\n", *name, id)
	return nil
}

func runToken(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stdout, "Usage: trovato token create --user NAME [--label TEXT]")
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			return nil
		}
		return errors.New("token: name a subcommand (create)")
	}
	fs := flags("token create", "token create --user NAME [--label TEXT]", stdout)
	name := fs.String("user", "", "the user the token acts as (required)")
	label := fs.String("label", "cli", "a note to recognise the token by")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *name == "" {
		return errors.New("token create: --user is required")
	}
	pool, err := openPool(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	users := user.NewStore(pool)
	acct, err := users.LoadByName(ctx, *name)
	if err != nil {
		return err
	}
	token, err := users.CreateToken(ctx, acct.ID, *label)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "New API token for %s (shown once; send it as Authorization: Bearer <token>):\n%s\n", acct.Name, token)
	return nil
}

// openPool connects to DATABASE_URL for the administrative commands.
func openPool(ctx context.Context) (*pgxpool.Pool, error) {
	return pg.Connect(ctx, server.FromEnv().DatabaseURL)
}
