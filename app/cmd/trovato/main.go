// Command trovato runs and administers a Trovato site.
//
//	trovato serve                      run the web server
//	trovato setup                      create the database, migrate, seed on first run
//	trovato migrate                    apply pending migrations
//	trovato cron                       run cron now (tap_cron, revision pruning, form state cleanup)
//	trovato user add --name N --password P [--admin]
//	trovato token create --user N      print a new API token (last line)
//	trovato plugin list|enable|disable|new|build   manage plugins
//	trovato bench http|start|taps|jsonb  measure throughput, start time, taps, JSONB queries
//	trovato version
//
// Configuration comes from the environment (see app/server.FromEnv).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

type command struct {
	name, usage string
	run         func(ctx context.Context, args []string, stdout io.Writer) error
}

var commands = []command{
	{"serve", "Run the web server (TROVATO_ADDR, DATABASE_URL, REDIS_URL, TROVATO_PLUGINS_DIR, TROVATO_DATA_DIR).", runServe},
	{"setup", "Create the database if missing, migrate, and on first run seed an admin account and a demo site.", runSetup},
	{"migrate", "Apply pending database migrations (the job queue's included).", runMigrate},
	{"cron", "Run cron now: tap_cron of every enabled plugin, then the kernel's periodic tasks.", runCron},
	{"user", "Manage users: user add --name NAME --password PASS [--admin].", runUser},
	{"token", "Manage API tokens: token create --user NAME.", runToken},
	{"plugin", "Manage plugins: plugin list|enable NAME|disable NAME|new NAME|build NAME (enable/disable apply at restart).", runPlugin},
	{"bench", "Measure: bench http --url URL (throughput, p99); bench start (cold and warm start); bench taps [--json]; bench jsonb [--items N] [--json] (§16 JSONB benchmark).", runBench},
	{"version", "Print the version.", runVersion},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := dispatch(ctx, os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "trovato:", err)
		os.Exit(1)
	}
}

func dispatch(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return errors.New("name a command")
		}
		return nil
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout)
		}
	}
	usage(os.Stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: trovato COMMAND [flags]   (trovato COMMAND --help for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.usage)
	}
}

// flags returns a flag set whose --help prints the command's usage.
func flags(name, usage string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("trovato "+name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprintf(stdout, "Usage: trovato %s\n\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

func newLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func runVersion(_ context.Context, args []string, stdout io.Writer) error {
	fs := flags("version", "version", stdout)
	if err := fs.Parse(args); err != nil {
		return err
	}
	rev := ""
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = " (" + s.Value[:12] + ")"
			}
		}
	}
	fmt.Fprintf(stdout, "trovato %s%s\n", version, rev)
	return nil
}
