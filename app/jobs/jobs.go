// Package jobs runs Trovato's scheduled and queued work on a Postgres job
// queue: River (github.com/riverqueue/river, driver riverpgxv5).
//
// What runs here:
//   - cron: every Config.CronInterval (a minute by default) one cron pass
//     calls tap_cron of every enabled plugin (plugin.Host.Cron), each under
//     the 30 s cron deadline, faults counted as for any tap. `trovato cron`
//     runs one pass now, like Drupal's `drush cron`.
//   - the kernel's periodic tasks (Task): revision pruning, expired form
//     state cleanup, each on its own interval.
//   - materialized columns (ColumnArgs): adding a field's stored generated
//     column to item and building its indexes, or dropping them, for
//     app/gather (materialize.go); Config.Columns does the work. One
//     attempt: a failure is recorded on the column for the site builder.
//   - plugin queues: queue_push(queue, payload) from a plugin enqueues a job
//     that calls tap_queue_worker of the plugin whose manifest lists the
//     queue; a failure (an error, a trap, the deadline) is retried with
//     River's exponential backoff until MaxAttempts, then discarded, and
//     every failure is logged.
//
// Several nodes may serve one site. River elects a leader through Postgres;
// only the leader schedules periodic jobs, and each periodic job is also
// unique per period (UniqueOpts.ByPeriod), so a leader change or a restart
// inside a period does not run it twice. A cron pass additionally holds a
// Postgres advisory lock, so `trovato cron` and a scheduled pass never
// overlap. Any node works queued jobs (FOR UPDATE SKIP LOCKED inside River).
//
// Why River: it is a Postgres-only queue (no second broker to run and back
// up next to the database the site already needs), built on pgx v5 like the
// rest of the kernel, with transactional inserts, leader election, periodic
// jobs, unique jobs, retries with backoff, job timeouts, stuck-job rescue
// and completed-job cleanup already written and tested. A hand-written
// SKIP LOCKED queue is about 100 lines for the happy path but every one of
// those features is more code to get right (leader election above all); the
// gocraft/work family needs Redis, which a Trovato site may run without.
// River brings its own schema migrations (rivermigrate), which
// migrations.Up applies after the goose migrations.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/plugin"
)

// Defaults of Config.
const (
	DefaultCronInterval     = time.Minute
	DefaultWorkers          = 2
	DefaultQueueMaxAttempts = 10
)

// River queues: the kernel's own jobs and the plugins' queued jobs, so a
// flood of plugin jobs cannot delay cron.
const (
	QueueKernel  = river.QueueDefault
	QueuePlugins = "plugins"
)

// cronLockKey is the advisory lock a cron pass holds.
const cronLockKey = 727009

// ErrCronBusy means another cron pass holds the cron lock.
var ErrCronBusy = errors.New("another cron run is in progress")

// Task is a periodic kernel task.
type Task struct {
	Name  string        // machine name, unique
	Every time.Duration // interval
	// Run does the work and returns a one-line summary for the log and
	// `trovato cron` ("" for nothing to say).
	Run func(ctx context.Context) (string, error)
}

// Config configures a Runner.
type Config struct {
	Pool         *pgxpool.Pool
	Plugins      *plugin.Host
	Log          *slog.Logger
	CronInterval time.Duration // 0: DefaultCronInterval; negative: no scheduled cron
	Tasks        []Task
	Workers      int // jobs worked at once per River queue; 0: DefaultWorkers
	// QueueMaxAttempts bounds the attempts of a plugin's queued job
	// (0: DefaultQueueMaxAttempts).
	QueueMaxAttempts int
	// RetryPolicy replaces River's backoff (attempt⁴ seconds); nil keeps it.
	RetryPolicy river.ClientRetryPolicy
	// Columns builds (drop false) or drops a field's materialized column
	// (gather.Service.RunColumnJob); nil cancels column jobs.
	Columns func(ctx context.Context, field string, drop bool) error
}

// Runner owns the River client.
type Runner struct {
	cfg    Config
	client *river.Client[pgx.Tx]
	tasks  map[string]Task
}

// New builds the River client with every worker and periodic job. It does
// not start working: Start does. A Runner that is never started still
// enqueues (queue_push from `trovato cron`).
func New(cfg Config) (*Runner, error) {
	if cfg.CronInterval == 0 {
		cfg.CronInterval = DefaultCronInterval
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.QueueMaxAttempts <= 0 {
		cfg.QueueMaxAttempts = DefaultQueueMaxAttempts
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	r := &Runner{cfg: cfg, tasks: map[string]Task{}}
	workers := river.NewWorkers()
	river.AddWorker(workers, &cronWorker{r: r})
	river.AddWorker(workers, &taskWorker{r: r})
	river.AddWorker(workers, &pluginJobWorker{r: r})
	river.AddWorker(workers, &columnWorker{r: r})
	var periodic []*river.PeriodicJob
	if cfg.CronInterval > 0 {
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(cfg.CronInterval),
			func() (river.JobArgs, *river.InsertOpts) { return CronArgs{}, r.cronOpts() },
			&river.PeriodicJobOpts{ID: "trovato_cron", RunOnStart: true}))
	}
	for _, t := range cfg.Tasks {
		if _, dup := r.tasks[t.Name]; dup || t.Name == "" || t.Every <= 0 || t.Run == nil {
			return nil, fmt.Errorf("jobs: invalid or duplicate task %q", t.Name)
		}
		r.tasks[t.Name] = t
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(t.Every),
			func() (river.JobArgs, *river.InsertOpts) { return TaskArgs{Name: t.Name}, taskOpts(t) },
			&river.PeriodicJobOpts{ID: "task_" + t.Name, RunOnStart: true}))
	}
	client, err := river.NewClient(riverpgxv5.New(cfg.Pool), &river.Config{
		Logger:       slog.New(warnOnly{cfg.Log.Handler()}).With("component", "river"),
		Queues:       map[string]river.QueueConfig{QueueKernel: {MaxWorkers: cfg.Workers}, QueuePlugins: {MaxWorkers: cfg.Workers}},
		Workers:      workers,
		PeriodicJobs: periodic,
		RetryPolicy:  cfg.RetryPolicy,
		// The cron job's own timeout bounds a pass; plugin calls have theirs.
		JobTimeout: 5 * time.Minute,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: create River client: %w", err)
	}
	r.client = client
	return r, nil
}

// Start works jobs (and, on the elected leader, schedules the periodic
// ones) until Stop.
func (r *Runner) Start(ctx context.Context) error {
	if err := r.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	return nil
}

// Stop lets running jobs finish (up to ctx's deadline, then cancels them).
func (r *Runner) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	if err != nil && ctx.Err() != nil {
		return r.client.StopAndCancel(context.WithoutCancel(ctx))
	}
	return err
}

// Client is the River client, for tests and tools.
func (r *Runner) Client() *river.Client[pgx.Tx] { return r.client }

// CronArgs is the scheduled cron pass.
type CronArgs struct{}

// Kind is the River job kind.
func (CronArgs) Kind() string { return "trovato_cron" }

// cronOpts makes the cron pass unique per interval and never retried (the
// next pass comes soon).
func (r *Runner) cronOpts() *river.InsertOpts {
	return &river.InsertOpts{Queue: QueueKernel, MaxAttempts: 1,
		UniqueOpts: river.UniqueOpts{ByPeriod: r.cfg.CronInterval}}
}

// EnqueueCron schedules a cron pass as the periodic job does; ok is false
// when one was already scheduled (or ran) in this interval.
func (r *Runner) EnqueueCron(ctx context.Context) (ok bool, err error) {
	res, err := r.client.Insert(ctx, CronArgs{}, r.cronOpts())
	if err != nil {
		return false, err
	}
	return !res.UniqueSkippedAsDuplicate, nil
}

type cronWorker struct {
	river.WorkerDefaults[CronArgs]
	r *Runner
}

func (w *cronWorker) Work(ctx context.Context, job *river.Job[CronArgs]) error {
	err := w.r.CronPass(ctx, nil)
	if errors.Is(err, ErrCronBusy) {
		w.r.cfg.Log.Info("cron skipped: another cron run is in progress")
		return nil
	}
	return err
}

// CronPass runs tap_cron of every enabled plugin once, holding the cron
// lock (ErrCronBusy when another pass has it). Plugin failures are logged
// and counted, not returned; out (may be nil) gets a progress line per
// plugin.
func (r *Runner) CronPass(ctx context.Context, out io.Writer) error {
	conn, err := r.cfg.Pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("cron: %w", err)
	}
	defer conn.Release()
	var locked bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", cronLockKey).Scan(&locked); err != nil {
		return fmt.Errorf("cron lock: %w", err)
	}
	if !locked {
		return ErrCronBusy
	}
	defer func() {
		_, _ = conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", cronLockKey)
	}()
	start := time.Now()
	results := r.cfg.Plugins.Cron(ctx, start, func(res plugin.CronResult) {
		if out == nil {
			return
		}
		if res.Err != nil {
			fmt.Fprintf(out, "  tap_cron %-20s FAILED after %s: %v\n", res.Plugin, res.Duration.Round(time.Millisecond), res.Err)
		} else {
			fmt.Fprintf(out, "  tap_cron %-20s ok (%s)\n", res.Plugin, res.Duration.Round(time.Millisecond))
		}
	})
	failed := 0
	for _, res := range results {
		if res.Err != nil {
			failed++
		}
	}
	r.cfg.Log.Info("cron pass done", "plugins", len(results), "failed", failed, "took", time.Since(start).Round(time.Millisecond))
	return ctx.Err()
}

// RunAll is `trovato cron`: one cron pass, then every kernel task, with a
// progress line for each to out. It fails when the cron lock is held or a
// task fails; plugin failures are reported, not returned.
func (r *Runner) RunAll(ctx context.Context, out io.Writer) error {
	fmt.Fprintln(out, "Running cron:")
	if err := r.CronPass(ctx, out); err != nil {
		return err
	}
	var failed []string
	for _, t := range r.cfg.Tasks {
		start := time.Now()
		summary, err := t.Run(ctx)
		took := time.Since(start).Round(time.Millisecond)
		switch {
		case err != nil:
			fmt.Fprintf(out, "  task     %-20s FAILED after %s: %v\n", t.Name, took, err)
			failed = append(failed, t.Name)
		case summary != "":
			fmt.Fprintf(out, "  task     %-20s ok (%s): %s\n", t.Name, took, summary)
		default:
			fmt.Fprintf(out, "  task     %-20s ok (%s)\n", t.Name, took)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("cron: %d task(s) failed: %v", len(failed), failed)
	}
	fmt.Fprintln(out, "Cron run completed.")
	return nil
}

// TaskArgs is one run of a periodic kernel task.
type TaskArgs struct {
	Name string `json:"name"`
}

// Kind is the River job kind.
func (TaskArgs) Kind() string { return "trovato_task" }

// taskOpts makes a task unique per its interval and never retried.
func taskOpts(t Task) *river.InsertOpts {
	return &river.InsertOpts{Queue: QueueKernel, MaxAttempts: 1,
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: t.Every}}
}

type taskWorker struct {
	river.WorkerDefaults[TaskArgs]
	r *Runner
}

func (w *taskWorker) Work(ctx context.Context, job *river.Job[TaskArgs]) error {
	t, ok := w.r.tasks[job.Args.Name]
	if !ok {
		return river.JobCancel(fmt.Errorf("unknown task %q", job.Args.Name))
	}
	summary, err := t.Run(ctx)
	if err != nil {
		w.r.cfg.Log.Error("periodic task failed", "task", t.Name, "error", err)
		return err
	}
	if summary != "" {
		w.r.cfg.Log.Info("periodic task", "task", t.Name, "result", summary)
	}
	return nil
}

// ColumnArgs builds or drops the materialized column of a field.
type ColumnArgs struct {
	Field string `json:"field"`
	Drop  bool   `json:"drop"`
}

// Kind is the River job kind.
func (ColumnArgs) Kind() string { return "gather_column" }

// columnTimeout bounds a column job: the ALTER TABLE rewrites the whole
// item table (about 100 s per 50,000 items on the benchmark machine, see
// docs/benchmarks.md), then the indexes are built.
const columnTimeout = 2 * time.Hour

// EnqueueColumnTx enqueues a column job in tx (gather.ColumnQueue), to
// start at at.
func (r *Runner) EnqueueColumnTx(ctx context.Context, tx pgx.Tx, field string, drop bool, at time.Time) error {
	_, err := r.client.InsertTx(ctx, tx, ColumnArgs{Field: field, Drop: drop},
		&river.InsertOpts{Queue: QueueKernel, MaxAttempts: 1, ScheduledAt: at})
	return err
}

type columnWorker struct {
	river.WorkerDefaults[ColumnArgs]
	r *Runner
}

func (w *columnWorker) Timeout(*river.Job[ColumnArgs]) time.Duration { return columnTimeout }

func (w *columnWorker) Work(ctx context.Context, job *river.Job[ColumnArgs]) error {
	if w.r.cfg.Columns == nil {
		return river.JobCancel(errors.New("no materialized column service"))
	}
	start := time.Now()
	what := "build"
	if job.Args.Drop {
		what = "drop"
	}
	if err := w.r.cfg.Columns(ctx, job.Args.Field, job.Args.Drop); err != nil {
		w.r.cfg.Log.Error("materialized column job failed", "field", job.Args.Field, "op", what, "error", err)
		return err
	}
	w.r.cfg.Log.Info("materialized column job done", "field", job.Args.Field, "op", what, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// PluginJobArgs is a job a plugin pushed: tap_queue_worker of Plugin runs
// it with Queue and Payload.
type PluginJobArgs struct {
	Plugin  string          `json:"plugin"`
	Queue   string          `json:"queue"`
	Payload json.RawMessage `json:"payload"`
}

// Kind is the River job kind.
func (PluginJobArgs) Kind() string { return "plugin_queue" }

// Push enqueues a job for plugin's tap_queue_worker (plugin.Queue).
func (r *Runner) Push(ctx context.Context, plugin, queue string, payload json.RawMessage) error {
	_, err := r.client.Insert(ctx, PluginJobArgs{Plugin: plugin, Queue: queue, Payload: payload},
		&river.InsertOpts{Queue: QueuePlugins, MaxAttempts: r.cfg.QueueMaxAttempts})
	return err
}

type pluginJobWorker struct {
	river.WorkerDefaults[PluginJobArgs]
	r *Runner
}

// Timeout leaves the plugin call's own deadline (30 s by default) to fire
// first; this only bounds waiting for an instance.
func (w *pluginJobWorker) Timeout(*river.Job[PluginJobArgs]) time.Duration { return 2 * time.Minute }

func (w *pluginJobWorker) Work(ctx context.Context, job *river.Job[PluginJobArgs]) error {
	a := job.Args
	err := w.r.cfg.Plugins.QueueWorker(ctx, a.Plugin, a.Queue, a.Payload, job.Attempt)
	if err == nil {
		return nil
	}
	last := job.Attempt >= job.MaxAttempts
	w.r.cfg.Log.Error("plugin queue job failed", "plugin", a.Plugin, "queue", a.Queue, "job", job.ID,
		"attempt", job.Attempt, "max_attempts", job.MaxAttempts, "final", last, "error", err)
	if errs.Is(err, errs.NotFound) {
		return river.JobCancel(err) // the plugin is gone: retrying cannot help
	}
	return err
}

// warnOnly passes River's warnings and errors to the site log and drops
// its routine info lines (job counts every few seconds); the runner logs
// what a site administrator wants to see itself.
type warnOnly struct{ slog.Handler }

func (w warnOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && w.Handler.Enabled(ctx, l)
}

func (w warnOnly) WithAttrs(attrs []slog.Attr) slog.Handler {
	return warnOnly{w.Handler.WithAttrs(attrs)}
}

func (w warnOnly) WithGroup(name string) slog.Handler { return warnOnly{w.Handler.WithGroup(name)} }
