package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func runBench(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "http" && args[0] != "start" && args[0] != "taps" && args[0] != "jsonb") {
		fmt.Fprintln(stdout, "Usage: trovato bench http --url URL [--c 16] [--d 10s]\n       trovato bench start [--runs 5]\n       trovato bench taps [--json] [--calls 500] [--concurrency 100]\n       trovato bench jsonb [--items 50000] [--json] [--keep]")
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			return nil
		}
		return errors.New("bench: name a benchmark (http, start, taps or jsonb)")
	}
	switch args[0] {
	case "start":
		return benchStart(ctx, args[1:], stdout)
	case "taps":
		return benchTaps(ctx, args[1:], stdout)
	case "jsonb":
		return benchJSONB(ctx, args[1:], stdout)
	}
	return benchHTTP(ctx, args[1:], stdout)
}

// benchHTTP runs a closed-loop load over keep-alive connections and reports
// throughput and latency percentiles, with a progress line per second.
func benchHTTP(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flags("bench http", "bench http --url URL [--c 16] [--d 10s]", stdout)
	target := fs.String("url", "", "the URL to request (required)")
	conns := fs.Int("c", 16, "concurrent connections")
	dur := fs.Duration("d", 10*time.Second, "duration (after a 1 s warm-up)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *target == "" {
		return errors.New("bench http: --url is required")
	}
	tr := &http.Transport{MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns, DisableCompression: true}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	defer tr.CloseIdleConnections()
	hit := func() (time.Duration, error) {
		start := time.Now()
		resp, err := client.Get(*target)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("status %d", resp.StatusCode)
		}
		return time.Since(start), nil
	}
	if _, err := hit(); err != nil {
		return fmt.Errorf("first request to %s: %w", *target, err)
	}
	// Warm-up: fill the connection pool and the server's caches.
	warm, cancelWarm := context.WithTimeout(ctx, time.Second)
	load(warm, *conns, hit, nil)
	cancelWarm()

	run, cancel := context.WithTimeout(ctx, *dur)
	defer cancel()
	var done atomic.Int64
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for i := 1; ; i++ {
			select {
			case <-run.Done():
				return
			case <-t.C:
				fmt.Fprintf(os.Stderr, "\r%2ds %8d requests", i, done.Load())
			}
		}
	}()
	start := time.Now()
	lat, errs := load(run, *conns, hit, &done)
	elapsed := time.Since(start)
	fmt.Fprintln(os.Stderr)
	if len(lat) == 0 {
		return fmt.Errorf("no successful requests (%d errors)", errs)
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(float64(len(lat))*p))] }
	fmt.Fprintf(stdout, "url=%s conns=%d duration=%s\n", *target, *conns, elapsed.Round(time.Millisecond))
	fmt.Fprintf(stdout, "requests=%d errors=%d throughput=%.0f req/s\n", len(lat), errs, float64(len(lat))/elapsed.Seconds())
	fmt.Fprintf(stdout, "latency p50=%s p90=%s p99=%s max=%s\n", pct(.50), pct(.90), pct(.99), lat[len(lat)-1])
	return nil
}

func load(ctx context.Context, conns int, hit func() (time.Duration, error), done *atomic.Int64) ([]time.Duration, int) {
	var mu sync.Mutex
	var all []time.Duration
	var failures int
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			bad := 0
			for ctx.Err() == nil {
				d, err := hit()
				if err != nil {
					bad++
					continue
				}
				mine = append(mine, d)
				if done != nil {
					done.Add(1)
				}
			}
			mu.Lock()
			all = append(all, mine...)
			failures += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	return all, failures
}

// benchStart measures the time from starting `trovato serve` to its first
// answered request, first with an empty compilation cache (cold) and then
// with the cache it filled (warm). The database must be set up.
func benchStart(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flags("bench start", "bench start [--runs 5]   (uses DATABASE_URL, REDIS_URL, TROVATO_PLUGINS_DIR)", stdout)
	runs := fs.Int("runs", 5, "warm starts to measure")
	if err := fs.Parse(args); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	dataDir, err := os.MkdirTemp("", "trovato-bench-start-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dataDir)
	once := func() (time.Duration, error) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		addr := l.Addr().String()
		l.Close()
		cmd := exec.CommandContext(ctx, self, "serve")
		cmd.Env = append(os.Environ(), "TROVATO_ADDR="+addr, "TROVATO_DATA_DIR="+dataDir)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		start := time.Now()
		if err := cmd.Start(); err != nil {
			return 0, err
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		defer func() {
			_ = cmd.Process.Kill()
			<-exited
		}()
		for time.Since(start) < 30*time.Second {
			select {
			case err := <-exited:
				exited <- err // for the deferred wait
				return 0, fmt.Errorf("serve exited (%v): %s", err, strings.TrimSpace(stderr.String()))
			default:
			}
			resp, err := http.Get("http://" + addr + "/ping")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return time.Since(start), nil
				}
			}
			time.Sleep(2 * time.Millisecond)
		}
		return 0, errors.New("server did not answer within 30 s")
	}
	if err := os.RemoveAll(filepath.Join(dataDir, "cache")); err != nil {
		return err
	}
	cold, err := once()
	if err != nil {
		return fmt.Errorf("cold start: %w", err)
	}
	fmt.Fprintf(stdout, "cold start (empty compilation cache): %s\n", cold.Round(time.Millisecond))
	var warm []time.Duration
	for i := range *runs {
		d, err := once()
		if err != nil {
			return fmt.Errorf("warm start %d: %w", i+1, err)
		}
		warm = append(warm, d)
		fmt.Fprintf(os.Stderr, "\rwarm start %d/%d: %s", i+1, *runs, d.Round(time.Millisecond))
	}
	fmt.Fprintln(os.Stderr)
	slices.Sort(warm)
	fmt.Fprintf(stdout, "warm start (cached compilation): median %s, worst %s over %d runs\n",
		warm[len(warm)/2].Round(time.Millisecond), warm[len(warm)-1].Round(time.Millisecond), *runs)
	return nil
}
