package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/trovato/trovato/app/plugin"
)

// Budgets printed beside the figures (docs/benchmarks.md).
const (
	budgetHandleP95     = 20 * time.Microsecond
	budgetConcurrentP95 = time.Millisecond
	budgetWarmStart     = time.Second
)

// tapsReport is every figure of `trovato bench taps`; --json prints it.
type tapsReport struct {
	PluginsDir string `json:"plugins_dir"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	CPU        string `json:"cpu,omitempty"` // model name from /proc/cpuinfo
	// ClockSource is the kernel's clock source (Linux): a call reads the
	// clock several times, and a slow one (not tsc) weighs on every figure.
	ClockSource string `json:"clocksource,omitempty"`
	Calls       int    `json:"calls"`
	// LoadBefore and LoadAfter are the 1-minute load averages
	// (/proc/loadavg; absent elsewhere) around the run: on a machine
	// shared with other work, compare figures taken under similar load.
	LoadBefore float64 `json:"load_avg_1m_before,omitempty"`
	LoadAfter  float64 `json:"load_avg_1m_after,omitempty"`
	// StealPct is the share of the machine's CPU time the hypervisor gave
	// to other guests during the run (/proc/stat; -1 where unknown): a VM
	// with steal runs every figure slower however quiet it looks inside.
	StealPct float64 `json:"steal_pct"`

	Handle        latency `json:"handle_item_view"`
	FullSerial    latency `json:"full_serialization_4kb"`
	FullSerialErr string  `json:"full_serialization_skipped,omitempty"`

	Concurrent concurrentResult `json:"concurrent"`

	ColdStartMS float64   `json:"cold_start_ms"`
	WarmStartMS float64   `json:"warm_start_median_ms"`
	WarmRunsMS  []float64 `json:"warm_start_runs_ms"`
	Plugins     []string  `json:"plugins_loaded"`

	Memory memoryResult `json:"memory_per_instance"`

	Budgets map[string]budget `json:"budgets"`
}

// latency is a percentile summary in µs.
type latency struct {
	Calls int     `json:"calls"`
	P50   float64 `json:"p50_us"`
	P95   float64 `json:"p95_us"`
	P99   float64 `json:"p99_us"`
	// CPUPerCall is the process's CPU time (getrusage, user+system) over
	// the timed calls divided by their number: it counts every thread
	// (the Go GC included), so it is the cost a call puts on the machine.
	CPUPerCall float64 `json:"cpu_us_per_call,omitempty"`
}

type concurrentResult struct {
	Goroutines   int     `json:"goroutines"`
	CallsEach    int     `json:"calls_each"`
	PoolSize     int     `json:"pool_size"`
	P50          float64 `json:"p50_us"`
	P95          float64 `json:"p95_us"`
	P99          float64 `json:"p99_us"`
	CallsPerSec  float64 `json:"calls_per_sec"`
	CPUPerCall   float64 `json:"cpu_us_per_call,omitempty"` // as latency.CPUPerCall, hand-offs included
	Errors       int     `json:"errors"`
	ElapsedMS    float64 `json:"elapsed_ms"`
	InstancesEnd int     `json:"instances_at_end"`
}

// memoryResult is the Go heap growth (runtime.MemStats.HeapAlloc after a
// GC) per extra warm instance of the page plugin; wazero allocates guest
// linear memory on the Go heap, so it includes the guest's memory.
type memoryResult struct {
	Method         string  `json:"method"`
	Instances      int     `json:"instances"`
	HeapDeltaBytes uint64  `json:"heap_delta_bytes"`
	PerInstanceKiB float64 `json:"per_instance_kib"`
}

type budget struct {
	Limit string `json:"limit"`
	Value string `json:"value"`
	Met   bool   `json:"met"`
}

// benchTaps measures plugin tap calls, start-up and instance memory against
// the plugins in TROVATO_PLUGINS_DIR.
func benchTaps(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flags("bench taps", "bench taps [--json] [--calls 500] [--concurrency 100]   (uses TROVATO_PLUGINS_DIR, default bin/plugins)", stdout)
	asJSON := fs.Bool("json", false, "print one JSON object instead of the table")
	calls := fs.Int("calls", 500, "calls per measurement (and per goroutine in the concurrent run)")
	conc := fs.Int("concurrency", 100, "goroutines in the concurrent run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *calls <= 0 || *conc <= 0 {
		return errors.New("bench taps: --calls and --concurrency must be positive")
	}
	dir := os.Getenv("TROVATO_PLUGINS_DIR")
	if dir == "" {
		dir = "bin/plugins"
	}
	if _, err := os.Stat(filepath.Join(dir, "page", "page.wasm")); err != nil {
		return fmt.Errorf("bench taps: the page plugin is not in %s (run make build or set TROVATO_PLUGINS_DIR): %w", dir, err)
	}
	quiet := slog.New(slog.DiscardHandler)
	progress := func(format string, a ...any) {
		fmt.Fprintf(os.Stderr, "\r\033[K"+format, a...)
	}
	r := tapsReport{PluginsDir: dir, GOMAXPROCS: runtime.GOMAXPROCS(0), CPU: cpuModel(), ClockSource: clockSource(), Calls: *calls, LoadBefore: loadAvg()}

	steal0, total0 := cpuStat()
	tmp, err := os.MkdirTemp("", "trovato-bench-taps-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	// (4) Start-up first, so the cold figure really starts from nothing.
	cache := filepath.Join(tmp, "cache")
	open := func(cfg plugin.Config) (*plugin.Host, time.Duration, error) {
		cfg.Logger = quiet
		start := time.Now()
		h, err := plugin.Open(ctx, cfg)
		return h, time.Since(start), err
	}
	progress("start-up: cold")
	h, cold, err := open(plugin.Config{Dir: dir, CacheDir: cache})
	if err != nil {
		return err
	}
	for _, s := range h.Status() {
		if s.State != plugin.StateLoaded {
			h.Close(ctx)
			return fmt.Errorf("bench taps: plugin %s failed to load: %s", s.Name, s.Error)
		}
		r.Plugins = append(r.Plugins, s.Name)
	}
	_ = h.Close(ctx)
	r.ColdStartMS = ms(cold)
	var warm []time.Duration
	for i := range 5 {
		progress("start-up: warm %d/5", i+1)
		h, d, err := open(plugin.Config{Dir: dir, CacheDir: cache})
		if err != nil {
			return err
		}
		_ = h.Close(ctx)
		warm = append(warm, d)
		r.WarmRunsMS = append(r.WarmRunsMS, ms(d))
	}
	slices.Sort(warm)
	r.WarmStartMS = ms(warm[len(warm)/2])

	// (1) Handle-based tap_item_view of the page plugin.
	h, _, err = open(plugin.Config{Dir: dir, CacheDir: cache})
	if err != nil {
		return err
	}
	defer h.Close(ctx)
	// Each call builds its handle table and input, as Host.ItemView does;
	// the item itself is loaded once, as a caller would have it already.
	item := benchItem()
	viewCall := func() error {
		var st plugin.CallState
		handle := st.AddItem(item)
		input := fmt.Appendf(nil, `{"item":%d,"type":"page","view_mode":"full"}`, handle)
		out, err := h.Call(ctx, "page", "item_view", input, &st)
		if err == nil && len(out) == 0 {
			err = errors.New("page item_view returned nothing")
		}
		return err
	}
	for range 20 { // warm the instance and the guest's allocator
		if err := viewCall(); err != nil {
			return fmt.Errorf("page item_view: %w", err)
		}
	}
	samples := make([]time.Duration, 0, *calls)
	progress("handle-based item_view, %d calls", *calls)
	cpu0, cpuOK := processCPU()
	for range *calls {
		start := time.Now()
		err := viewCall()
		samples = append(samples, time.Since(start))
		if err != nil {
			return fmt.Errorf("page item_view: %w", err)
		}
	}
	cpu1, _ := processCPU()
	r.Handle = summarize(samples)
	if cpuOK {
		r.Handle.CPUPerCall = us(cpu1-cpu0) / float64(*calls)
	}

	// (2) Full serialization of a 4 KB item through the bench plugin.
	if err := benchFullSerialization(ctx, tmp, *calls, quiet, progress, &r); err != nil {
		r.FullSerialErr = err.Error()
	}

	// (3) Concurrent calls through the default-size pool.
	r.Concurrent = benchConcurrent(*conc, *calls, viewCall, progress)
	for _, s := range h.Status() {
		if s.Name == "page" {
			r.Concurrent.InstancesEnd = s.Instances
		}
	}
	r.Concurrent.PoolSize = runtime.GOMAXPROCS(0) // Config.PoolSize default

	// (5) Memory per extra instance.
	progress("memory per instance")
	r.Memory, err = benchInstanceMemory(ctx, dir, cache, quiet)
	if err != nil {
		return err
	}
	fmt.Fprint(os.Stderr, "\r\033[K")
	r.LoadAfter = loadAvg()
	r.StealPct = -1
	if steal1, total1 := cpuStat(); total1 > total0 {
		r.StealPct = 100 * float64(steal1-steal0) / float64(total1-total0)
	}

	r.Budgets = map[string]budget{
		"handle_p95": {Limit: "≤ 20 µs", Value: fmt.Sprintf("%.1f µs", r.Handle.P95), Met: r.Handle.P95 <= us(budgetHandleP95)},
		"concurrent_p95": {Limit: "≤ 1 ms", Value: fmt.Sprintf("%.0f µs", r.Concurrent.P95),
			Met: r.Concurrent.P95 <= us(budgetConcurrentP95) && r.Concurrent.Errors == 0},
		"warm_start": {Limit: "≤ 1 s", Value: fmt.Sprintf("%.0f ms", r.WarmStartMS), Met: r.WarmStartMS <= ms(budgetWarmStart)},
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	printTaps(stdout, &r)
	return nil
}

// benchItem is the item the page plugin renders (a subtitle field).
func benchItem() *plugin.Item {
	return &plugin.Item{
		ID: "0190a3c4-0000-7000-8000-000000000001", Type: "page", Title: "About us", AuthorName: "admin",
		Status: true, Created: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		Fields: map[string][]map[string]any{"field_subtitle": {{"value": "Who we are"}}},
	}
}

// benchFullSerialization builds app/plugin/testdata/bench into a temporary
// plugins dir (the command testenv.BuildPlugin runs) and times tap_transform
// on a 4 KB item. It fails, and the row is skipped, when Go or the source
// tree is unavailable.
func benchFullSerialization(ctx context.Context, tmp string, calls int, log *slog.Logger,
	progress func(string, ...any), r *tapsReport) error {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return errors.New("go not on PATH: cannot build the bench plugin")
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	src := filepath.Join(root, "app", "plugin", "testdata", "bench")
	dest := filepath.Join(tmp, "serial", "bench")
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return err
	}
	progress("building the bench plugin")
	cmd := exec.CommandContext(ctx, gobin, "build", "-buildmode=c-shared", "-o", filepath.Join(dest, "bench.wasm"), ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build bench plugin: %v: %s", err, strings.TrimSpace(string(out)))
	}
	manifest, err := os.ReadFile(filepath.Join(src, "plugin.json"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dest, "plugin.json"), manifest, 0o644); err != nil {
		return err
	}
	h, err := plugin.Open(ctx, plugin.Config{Dir: filepath.Dir(dest), Logger: log})
	if err != nil {
		return err
	}
	defer h.Close(ctx)
	input, err := item4KB()
	if err != nil {
		return err
	}
	for range 5 {
		if _, err := h.Call(ctx, "bench", "transform", input, nil); err != nil {
			return fmt.Errorf("bench transform: %w", err)
		}
	}
	samples := make([]time.Duration, 0, calls)
	for i := range calls {
		if i%50 == 0 {
			progress("full serialization %d/%d", i, calls)
		}
		start := time.Now()
		_, err := h.Call(ctx, "bench", "transform", input, nil)
		samples = append(samples, time.Since(start))
		if err != nil {
			return fmt.Errorf("bench transform: %w", err)
		}
	}
	r.FullSerial = summarize(samples)
	return nil
}

// moduleRoot finds the Trovato source tree from the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil &&
			strings.Contains(string(b), "module github.com/trovato/trovato\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the Trovato source tree: cannot build the bench plugin")
		}
		dir = parent
	}
}

// item4KB is the serialized 4 KB item of BenchmarkTapFullSerialization4KB.
func item4KB() ([]byte, error) {
	body := strings.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit. ", 57)
	fields := map[string][]map[string]any{
		"field_subtitle": {{"value": "A subtitle"}},
		"field_body":     {{"value": body, "format": "basic_html"}},
		"field_tags":     {},
	}
	for i := range 12 {
		fields["field_tags"] = append(fields["field_tags"], map[string]any{"target_id": fmt.Sprintf("0190a3c4-0000-7000-8000-%012d", i)})
	}
	return json.Marshal(map[string]any{
		"id": "0190a3c4-0000-7000-8000-000000000001", "type": "page", "title": "A four kilobyte item",
		"status": true, "fields": fields,
	})
}

// benchConcurrent runs goroutines × each calls of call at once and reports
// the per-call latency and the throughput. Each sample is one call as its
// caller sees it: the wait for a pooled instance (with 100 callers and a
// GOMAXPROCS-sized pool, most of it) plus the call itself. The CPU per call
// is the process's CPU time over the run divided by the calls.
func benchConcurrent(goroutines, each int, call func() error, progress func(string, ...any)) concurrentResult {
	progress("concurrent: %d goroutines × %d calls", goroutines, each)
	all := make([][]time.Duration, goroutines)
	errc := make([]int, goroutines)
	var wg sync.WaitGroup
	startGate := make(chan struct{})
	for g := range goroutines {
		wg.Go(func() {
			mine := make([]time.Duration, 0, each)
			<-startGate
			for range each {
				s := time.Now()
				if err := call(); err != nil {
					errc[g]++
					continue
				}
				mine = append(mine, time.Since(s))
			}
			all[g] = mine
		})
	}
	cpu0, cpuOK := processCPU()
	start := time.Now()
	close(startGate)
	wg.Wait()
	elapsed := time.Since(start)
	cpu1, _ := processCPU()
	var samples []time.Duration
	res := concurrentResult{Goroutines: goroutines, CallsEach: each, ElapsedMS: ms(elapsed)}
	for g := range goroutines {
		samples = append(samples, all[g]...)
		res.Errors += errc[g]
	}
	l := summarize(samples)
	res.P50, res.P95, res.P99 = l.P50, l.P95, l.P99
	res.CallsPerSec = float64(len(samples)) / elapsed.Seconds()
	if cpuOK && len(samples) > 0 {
		res.CPUPerCall = us(cpu1-cpu0) / float64(len(samples))
	}
	return res
}

// benchInstanceMemory opens the page plugin alone with a pool of 9, grows
// the pool from its one load-time instance to 9 under concurrent load, and
// divides the heap growth by the 8 extra instances.
func benchInstanceMemory(ctx context.Context, dir, cache string, log *slog.Logger) (memoryResult, error) {
	const size = 9
	only := filepath.Join(os.TempDir(), fmt.Sprintf("trovato-bench-mem-%d", os.Getpid()))
	if err := os.MkdirAll(only, 0o755); err != nil {
		return memoryResult{}, err
	}
	defer os.RemoveAll(only)
	if err := os.MkdirAll(filepath.Join(only, "page"), 0o755); err != nil {
		return memoryResult{}, err
	}
	for _, f := range []string{"plugin.json", "page.wasm"} { // a copy: Open skips symlinked dirs
		b, err := os.ReadFile(filepath.Join(dir, "page", f))
		if err != nil {
			return memoryResult{}, err
		}
		if err := os.WriteFile(filepath.Join(only, "page", f), b, 0o644); err != nil {
			return memoryResult{}, err
		}
	}
	h, err := plugin.Open(ctx, plugin.Config{Dir: only, CacheDir: cache, PoolSize: size, Logger: log})
	if err != nil {
		return memoryResult{}, err
	}
	defer h.Close(ctx)
	instances := func() int {
		for _, s := range h.Status() {
			if s.Name == "page" {
				return s.Instances
			}
		}
		return 0
	}
	call := func() {
		var st plugin.CallState
		handle := st.AddItem(benchItem())
		_, _ = h.Call(ctx, "page", "item_view", fmt.Appendf(nil, `{"item":%d,"type":"page","view_mode":"full"}`, handle), &st)
	}
	call() // settle the first instance's heap
	before := heapAlloc()
	n0 := instances()
	deadline := time.Now().Add(5 * time.Second)
	var wg sync.WaitGroup
	for range 4 * size {
		wg.Go(func() {
			for instances() < size && time.Now().Before(deadline) {
				call()
			}
		})
	}
	wg.Wait()
	after := heapAlloc()
	n := instances()
	res := memoryResult{Method: "Go heap (runtime.MemStats.HeapAlloc after GC) delta per extra instance, guest linear memory included", Instances: n}
	if n <= n0 {
		return res, fmt.Errorf("bench taps: the page pool did not grow past %d instances", n0)
	}
	if after > before {
		res.HeapDeltaBytes = after - before
	}
	res.PerInstanceKiB = float64(res.HeapDeltaBytes) / float64(n-n0) / 1024
	return res, nil
}

// cpuModel is the first "model name" of /proc/cpuinfo, "" where missing:
// figures from different machines differ by more than their noise.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// clockSource is the current clock source, "" where it cannot be read.
func clockSource() string {
	b, err := os.ReadFile("/sys/devices/system/clocksource/clocksource0/current_clocksource")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// cpuStat is the steal and total time of the aggregate "cpu" line of
// /proc/stat, in clock ticks; zeros where it cannot be read.
func cpuStat() (steal, total uint64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	fields := strings.Fields(line)
	if len(fields) < 9 || fields[0] != "cpu" {
		return 0, 0
	}
	for i, f := range fields[1:9] { // guest time is already counted in user
		var v uint64
		if _, err := fmt.Sscan(f, &v); err != nil {
			return 0, 0
		}
		total += v
		if i == 7 { // user nice system idle iowait irq softirq steal ...
			steal = v
		}
	}
	return steal, total
}

// loadAvg is the 1-minute load average, 0 where /proc/loadavg is missing.
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	var v float64
	if _, err := fmt.Sscan(string(b), &v); err != nil {
		return 0
	}
	return v
}

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// summarize sorts samples and returns their p50/p95/p99 in µs.
func summarize(samples []time.Duration) latency {
	if len(samples) == 0 {
		return latency{}
	}
	slices.Sort(samples)
	at := func(p float64) float64 { return us(samples[min(int(p*float64(len(samples))), len(samples)-1)]) }
	return latency{Calls: len(samples), P50: at(.50), P95: at(.95), P99: at(.99)}
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }
func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

func metMark(b budget) string {
	if b.Met {
		return "budget " + b.Limit + ": met"
	}
	return "budget " + b.Limit + ": MISSED"
}

func printTaps(stdout io.Writer, r *tapsReport) {
	fmt.Fprintf(stdout, "plugins %s (%s), GOMAXPROCS %d, %d calls per row, load average %.2f → %.2f, steal %.1f%%\n",
		r.PluginsDir, strings.Join(r.Plugins, ", "), r.GOMAXPROCS, r.Calls, r.LoadBefore, r.LoadAfter, r.StealPct)
	if r.CPU != "" || r.ClockSource != "" {
		fmt.Fprintf(stdout, "cpu %s, clock source %s\n", r.CPU, r.ClockSource)
	}
	fmt.Fprintln(stdout)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "measurement\tp50\tp95\tp99\tother\tbudget")
	fmt.Fprintf(tw, "handle-based item_view (page)\t%.1f µs\t%.1f µs\t%.1f µs\t%s\t%s\n",
		r.Handle.P50, r.Handle.P95, r.Handle.P99, cpuNote(r.Handle.CPUPerCall), metMark(r.Budgets["handle_p95"]))
	if r.FullSerialErr != "" {
		fmt.Fprintf(tw, "full serialization 4 KB (bench)\t-\t-\t-\tskipped\t\n")
	} else {
		fmt.Fprintf(tw, "full serialization 4 KB (bench)\t%.0f µs\t%.0f µs\t%.0f µs\t%.0f× handle p50\t\n",
			r.FullSerial.P50, r.FullSerial.P95, r.FullSerial.P99, r.FullSerial.P50/r.Handle.P50)
	}
	c := r.Concurrent
	fmt.Fprintf(tw, "%d goroutines × %d item_view, pool %d\t%.0f µs\t%.0f µs\t%.0f µs\t%.0f calls/s, %d errors, %s\t%s\n",
		c.Goroutines, c.CallsEach, c.PoolSize, c.P50, c.P95, c.P99, c.CallsPerSec, c.Errors, cpuNote(c.CPUPerCall),
		metMark(r.Budgets["concurrent_p95"]))
	fmt.Fprintf(tw, "start-up: Open, cold cache\t\t\t\t%.0f ms\t\n", r.ColdStartMS)
	fmt.Fprintf(tw, "start-up: Open, warm cache\t\t\t\t%.0f ms median (%s)\t%s\n",
		r.WarmStartMS, joinMS(r.WarmRunsMS), metMark(r.Budgets["warm_start"]))
	fmt.Fprintf(tw, "memory per extra page instance\t\t\t\t%.0f KiB (Go heap delta, %d instances)\t\n",
		r.Memory.PerInstanceKiB, r.Memory.Instances)
	tw.Flush()
	if r.FullSerialErr != "" {
		fmt.Fprintf(stdout, "\nfull serialization skipped: %s\n", r.FullSerialErr)
	}
}

// cpuNote formats a CPU-per-call figure, "" when there is none.
func cpuNote(usPerCall float64) string {
	if usPerCall == 0 {
		return ""
	}
	return fmt.Sprintf("%.1f µs CPU/call", usPerCall)
}

func joinMS(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprintf("%.0f", x)
	}
	return strings.Join(s, "/") + " ms"
}
