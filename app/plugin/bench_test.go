package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The benchmarks time each call and report p50/p95/p99 in µs; run 500
// calls each with
//
//	go test -run '^$' -bench . -benchtime=500x ./app/plugin/

// itemJSON4KB is a serialized item of about 4 KB.
func itemJSON4KB(t testing.TB) []byte {
	t.Helper()
	body := strings.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit. ", 57)
	fields := map[string][]map[string]any{
		"field_subtitle": {{"value": "A subtitle"}},
		"field_body":     {{"value": body, "format": "basic_html"}},
		"field_tags":     {},
	}
	for i := range 12 {
		fields["field_tags"] = append(fields["field_tags"], map[string]any{"target_id": fmt.Sprintf("0190a3c4-0000-7000-8000-%012d", i)})
	}
	b, err := json.Marshal(map[string]any{
		"id": "0190a3c4-0000-7000-8000-000000000001", "type": "page", "title": "A four kilobyte item",
		"status": true, "fields": fields,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 3800 || len(b) > 4400 {
		t.Fatalf("item JSON is %d bytes, want about 4 KB", len(b))
	}
	return b
}

// reportPercentiles reports the p50, p95 and p99 of samples in µs.
func reportPercentiles(b *testing.B, samples []time.Duration) {
	if len(samples) == 0 {
		return
	}
	slices.Sort(samples)
	at := func(p float64) float64 {
		i := min(int(p*float64(len(samples))), len(samples)-1)
		return float64(samples[i].Nanoseconds()) / 1e3
	}
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.95), "p95-µs")
	b.ReportMetric(at(0.99), "p99-µs")
}

// BenchmarkTapItemViewHandle measures Host.ItemView on the page plugin,
// which reads the item through handle host functions.
func BenchmarkTapItemViewHandle(b *testing.B) {
	h, _ := openHost(b, Config{}, fixture{name: "page"})
	ctx := context.Background()
	for _, mode := range []string{"full", "teaser"} {
		b.Run(mode, func(b *testing.B) {
			it := aboutUs()
			samples := make([]time.Duration, 0, 512)
			var cpu0 time.Duration
			for b.Loop() {
				if cpu0 == 0 {
					cpu0 = cpuTime(b)
				}
				start := time.Now()
				rs := h.ItemView(ctx, it, mode)
				samples = append(samples, time.Since(start))
				if len(rs) != 1 {
					b.Fatalf("ItemView = %+v", rs)
				}
			}
			b.ReportMetric(float64((cpuTime(b)-cpu0).Nanoseconds())/1e3/float64(b.N), "cpu-µs/call")
			reportPercentiles(b, samples)
		})
	}
}

// BenchmarkTapFullSerialization4KB measures a tap that receives a 4 KB item
// as JSON, decodes it with encoding/json, changes it and encodes it again.
func BenchmarkTapFullSerialization4KB(b *testing.B) {
	h, _ := openHost(b, Config{}, fixture{name: "bench"})
	ctx := context.Background()
	input := itemJSON4KB(b)
	samples := make([]time.Duration, 0, 512)
	for b.Loop() {
		start := time.Now()
		_, err := h.Call(ctx, "bench", "transform", input, nil)
		samples = append(samples, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
	}
	reportPercentiles(b, samples)
}

// cpuTime is the process's user+system CPU time so far (getrusage).
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkTapItemViewConcurrent runs b.N handle-based tap_item_view calls
// (Host.Call, the full view of the page plugin) from 100 goroutines through
// the default pool (GOMAXPROCS instances). Each sample is one Host.Call,
// the wait for an instance included; cpu-µs/call is the process's CPU time
// (getrusage) over the run divided by b.N, so it counts the hand-offs too.
func BenchmarkTapItemViewConcurrent(b *testing.B) {
	const goroutines = 100
	h, _ := openHost(b, Config{}, fixture{name: "page"})
	ctx := context.Background()
	item := aboutUs() // loaded once, as a caller has it; the handle table and input are per call
	call := func() error {
		var st CallState
		input := viewInput(st.AddItem(item), "page", "full")
		_, err := h.Call(ctx, "page", "item_view", input, &st)
		return err
	}
	for range 20 {
		if err := call(); err != nil {
			b.Fatal(err)
		}
	}
	var next atomic.Int64
	all := make([][]time.Duration, goroutines)
	errs := make([]error, goroutines)
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			mine := make([]time.Duration, 0, b.N/goroutines+1)
			<-gate
			for next.Add(1) <= int64(b.N) {
				start := time.Now()
				err := call()
				mine = append(mine, time.Since(start))
				if err != nil {
					errs[g] = err
					return
				}
			}
			all[g] = mine
		})
	}
	b.ResetTimer()
	cpu0, wall0 := cpuTime(b), time.Now()
	close(gate)
	wg.Wait()
	cpu, wall := cpuTime(b)-cpu0, time.Since(wall0)
	b.StopTimer()
	var samples []time.Duration
	for g := range goroutines {
		if errs[g] != nil {
			b.Fatal(errs[g])
		}
		samples = append(samples, all[g]...)
	}
	reportPercentiles(b, samples)
	b.ReportMetric(float64(cpu.Nanoseconds())/1e3/float64(b.N), "cpu-µs/call")
	b.ReportMetric(float64(b.N)/wall.Seconds(), "calls/s")
}
