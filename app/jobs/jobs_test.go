package jobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/rivertype"

	"github.com/trovato/trovato/app/extend"
	"github.com/trovato/trovato/app/jobs"
	"github.com/trovato/trovato/app/pg"
	"github.com/trovato/trovato/app/plugin"
	"github.com/trovato/trovato/app/testenv"
)

var (
	buildOnce sync.Once
	builtDir  string
	buildErr  error
)

// pluginsDir builds the hostapi test plugin (tap_cron counts its runs in a
// variable and queues a job; tap_queue_worker records it, or loops).
func pluginsDir(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		builtDir, buildErr = os.MkdirTemp("", "trovato-jobs-test-")
		if buildErr == nil {
			buildErr = testenv.BuildPlugin(filepath.Join(testenv.RepoRoot(), "app", "plugin", "testdata", "hostapi"), builtDir)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtDir
}

// site is a database, a plugin host and a runner on them.
type site struct {
	pool   *pgxpool.Pool
	host   *plugin.Host
	runner *jobs.Runner
	vars   *extend.Variables
	logs   *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// now retries a failed job at once instead of River's attempt⁴ seconds.
type now struct{}

func (now) NextRetry(*rivertype.JobRow) time.Time { return time.Now() }

func newSite(t *testing.T, dbURL string, pcfg plugin.Config, jcfg jobs.Config) *site {
	t.Helper()
	ctx := context.Background()
	pool, err := pg.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	pcfg.Dir, pcfg.Logger = pluginsDir(t), log
	pcfg.CacheDir = pluginsDir(t) + "-cache" // compile once per test binary
	host, err := plugin.Open(ctx, pcfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = host.Close(context.Background()) })
	jcfg.Pool, jcfg.Plugins, jcfg.Log = pool, host, log
	runner, err := jobs.New(jcfg)
	if err != nil {
		t.Fatal(err)
	}
	vars := extend.NewVariables(pool)
	host.UseServices(plugin.Services{Variables: vars, Queue: runner})
	return &site{pool: pool, host: host, runner: runner, vars: vars, logs: logs}
}

func (s *site) start(t *testing.T) {
	t.Helper()
	if err := s.runner.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = s.runner.Stop(ctx)
	})
}

// variable reads a variable of the hostapi plugin ("" when unset).
func (s *site) variable(t *testing.T, name string) string {
	t.Helper()
	v, ok, err := s.vars.PluginVariable(context.Background(), "hostapi", name)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return ""
	}
	return string(v)
}

// waitFor polls cond until it holds, failing after a generous minute (a
// wait for background work, not a timing assertion).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestScheduledCronRunsPluginsAndTheirQueuedJobs(t *testing.T) {
	s := newSite(t, testenv.Database(t), plugin.Config{}, jobs.Config{CronInterval: time.Hour})
	s.start(t)
	// RunOnStart: the elected leader schedules a cron pass at once; the
	// plugin's tap_cron counts it and queues {"n":1}, which River works.
	waitFor(t, "the scheduled cron pass", func() bool { return s.variable(t, "cron_runs") == "1" })
	waitFor(t, "the job tap_cron queued", func() bool { return s.variable(t, "last_job") != "" })
	var job struct {
		Payload struct{ N int } `json:"payload"`
		Attempt int             `json:"attempt"`
	}
	if err := json.Unmarshal([]byte(s.variable(t, "last_job")), &job); err != nil {
		t.Fatal(err)
	}
	if job.Payload.N != 1 || job.Attempt != 1 {
		t.Errorf("worked job = %+v", job)
	}
	if !strings.Contains(s.logs.String(), "hostapi: cron run 1") {
		t.Errorf("cron log missing:\n%s", s.logs.String())
	}
}

func TestCronRunsOncePerIntervalAcrossNodes(t *testing.T) {
	db := testenv.Database(t)
	a := newSite(t, db, plugin.Config{}, jobs.Config{CronInterval: time.Hour})
	b := newSite(t, db, plugin.Config{}, jobs.Config{CronInterval: time.Hour})
	ctx := context.Background()
	ok, err := a.runner.EnqueueCron(ctx)
	if err != nil || !ok {
		t.Fatalf("first node: scheduled %v, err %v", ok, err)
	}
	// The second node, in the same interval, is refused by the unique key.
	ok, err = b.runner.EnqueueCron(ctx)
	if err != nil || ok {
		t.Fatalf("second node: scheduled %v, err %v; want skipped as a duplicate", ok, err)
	}
	var n int
	if err := a.pool.QueryRow(ctx, "SELECT count(*) FROM river_job WHERE kind = 'trovato_cron'").Scan(&n); err != nil || n != 1 {
		t.Errorf("cron jobs = %d (%v), want 1", n, err)
	}
}

func TestCronPassHoldsTheCronLock(t *testing.T) {
	s := newSite(t, testenv.Database(t), plugin.Config{}, jobs.Config{CronInterval: -1})
	ctx := context.Background()
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(727009)"); err != nil {
		t.Fatal(err)
	}
	if err := s.runner.CronPass(ctx, io.Discard); !errors.Is(err, jobs.ErrCronBusy) {
		t.Fatalf("CronPass while another pass runs: %v, want ErrCronBusy", err)
	}
	if s.variable(t, "cron_runs") != "" {
		t.Error("a refused pass ran tap_cron")
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_unlock(727009)"); err != nil {
		t.Fatal(err)
	}
	if err := s.runner.CronPass(ctx, io.Discard); err != nil {
		t.Fatal(err)
	}
	if got := s.variable(t, "cron_runs"); got != "1" {
		t.Errorf("cron_runs = %q", got)
	}
}

func TestRunAllReportsEveryPluginAndTask(t *testing.T) {
	var ran int
	s := newSite(t, testenv.Database(t), plugin.Config{}, jobs.Config{CronInterval: -1, Tasks: []jobs.Task{
		{Name: "count", Every: time.Hour, Run: func(context.Context) (string, error) { ran++; return "counted", nil }},
		{Name: "broken", Every: time.Hour, Run: func(context.Context) (string, error) { return "", errors.New("disk on fire") }},
	}})
	var out bytes.Buffer
	err := s.runner.RunAll(context.Background(), &out)
	if err == nil || !strings.Contains(err.Error(), "broken") {
		t.Errorf("RunAll err = %v, want the broken task named", err)
	}
	for _, want := range []string{"Running cron:", "tap_cron hostapi", "ok (", "task     count", "counted", "task     broken", "FAILED", "disk on fire"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if ran != 1 || s.variable(t, "cron_runs") != "1" {
		t.Errorf("task ran %d times, cron_runs %q", ran, s.variable(t, "cron_runs"))
	}
}

func TestLoopingQueueJobIsStoppedRetriedAndDiscarded(t *testing.T) {
	s := newSite(t, testenv.Database(t),
		plugin.Config{TapTimeouts: map[string]time.Duration{"queue_worker": 200 * time.Millisecond}},
		jobs.Config{CronInterval: -1, QueueMaxAttempts: 2, RetryPolicy: now{}})
	ctx := context.Background()
	if err := s.runner.Push(ctx, "hostapi", "work", json.RawMessage(`{"mode":"loop"}`)); err != nil {
		t.Fatal(err)
	}
	s.start(t)
	var state string
	var attempt, errCount int
	waitFor(t, "the looping job to be discarded", func() bool {
		err := s.pool.QueryRow(ctx, `SELECT state, attempt, coalesce(array_length(errors, 1), 0) FROM river_job WHERE kind = 'plugin_queue'`).
			Scan(&state, &attempt, &errCount)
		return err == nil && state == "discarded"
	})
	if attempt != 2 || errCount != 2 {
		t.Errorf("attempt %d, errors %d; want 2 and 2", attempt, errCount)
	}
	for _, st := range s.host.Status() {
		if st.Name == "hostapi" && st.Faults != 2 {
			t.Errorf("faults = %d, want 2 (one per attempt)", st.Faults)
		}
	}
	logs := s.logs.String()
	for _, want := range []string{"plugin queue job failed", "attempt=2", "final=true", "deadline"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q", want)
		}
	}
	// The host still works the queue afterwards.
	if err := s.runner.Push(ctx, "hostapi", "work", json.RawMessage(`{"n":7}`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the next job", func() bool { return strings.Contains(s.variable(t, "last_job"), `"n": 7`) })
}
