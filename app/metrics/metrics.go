// Package metrics exposes Prometheus metrics (request counts and latency by
// route, plugin tap calls and latency, the database pool) and the
// Server-Timing profiler that tells a developer where a request's time went
// (db, taps, render).
package metrics

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics holds the collectors of one server.
type Metrics struct {
	Registry *prometheus.Registry

	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	tapCalls   *prometheus.CounterVec
	tapLatency *prometheus.HistogramVec
}

// New registers the collectors on a fresh registry (not the global one, so
// tests can build many servers in one process).
func New(pool *pgxpool.Pool) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "trovato_http_requests_total", Help: "HTTP requests by method, route pattern and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "trovato_http_request_duration_seconds", Help: "HTTP request latency by method and route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"method", "route"}),
		tapCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "trovato_tap_calls_total", Help: "Plugin tap calls by plugin, tap and result (ok or error).",
		}, []string{"plugin", "tap", "result"}),
		tapLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "trovato_tap_duration_seconds", Help: "Plugin tap call latency by plugin and tap.",
			Buckets: []float64{.00001, .00005, .0001, .00025, .0005, .001, .0025, .005, .01, .05, .25},
		}, []string{"plugin", "tap"}),
	}
	m.Registry.MustRegister(m.requests, m.latency, m.tapCalls, m.tapLatency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if pool != nil {
		m.Registry.MustRegister(newPoolCollector(pool))
	}
	return m
}

// Middleware counts requests by route pattern (never by raw path, so item
// ids do not explode the label set) and adds the Server-Timing header.
func (m *Metrics) Middleware() fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		t := &Timing{}
		c.SetUserContext(WithTiming(c.UserContext(), t))
		err := c.Next()
		if err != nil {
			// Let the error handler write the response now so the status is final.
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
		}
		d := time.Since(start)
		route := c.Route().Path
		if c.Response().StatusCode() == fiber.StatusNotFound && route == "/" && c.Path() != "/" {
			route = "(unmatched)"
		}
		m.requests.WithLabelValues(c.Method(), route, strconv.Itoa(c.Response().StatusCode())).Inc()
		m.latency.WithLabelValues(c.Method(), route).Observe(d.Seconds())
		c.Set("Server-Timing", t.header(d))
		return nil
	}
}

// ObserveTap records one plugin tap call.
func (m *Metrics) ObserveTap(plugin, tap string, d time.Duration, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.tapCalls.WithLabelValues(plugin, tap, result).Inc()
	m.tapLatency.WithLabelValues(plugin, tap).Observe(d.Seconds())
}

// poolCollector reports pgxpool statistics at scrape time.
type poolCollector struct {
	pool                         *pgxpool.Pool
	total, idle, acquired, max   *prometheus.Desc
	acquires, waits, waitSeconds *prometheus.Desc
}

func newPoolCollector(pool *pgxpool.Pool) *poolCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("trovato_db_pool_"+name, help, nil, nil)
	}
	return &poolCollector{
		pool:        pool,
		total:       d("connections", "Open connections."),
		idle:        d("idle_connections", "Idle connections."),
		acquired:    d("acquired_connections", "Connections in use."),
		max:         d("max_connections", "Pool size limit."),
		acquires:    d("acquires_total", "Connections acquired from the pool."),
		waits:       d("empty_acquires_total", "Acquires that had to wait for a connection."),
		waitSeconds: d("acquire_wait_seconds_total", "Time spent waiting for a connection."),
	}
}

func (p *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{p.total, p.idle, p.acquired, p.max, p.acquires, p.waits, p.waitSeconds} {
		ch <- d
	}
}

func (p *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := p.pool.Stat()
	ch <- prometheus.MustNewConstMetric(p.total, prometheus.GaugeValue, float64(s.TotalConns()))
	ch <- prometheus.MustNewConstMetric(p.idle, prometheus.GaugeValue, float64(s.IdleConns()))
	ch <- prometheus.MustNewConstMetric(p.acquired, prometheus.GaugeValue, float64(s.AcquiredConns()))
	ch <- prometheus.MustNewConstMetric(p.max, prometheus.GaugeValue, float64(s.MaxConns()))
	ch <- prometheus.MustNewConstMetric(p.acquires, prometheus.CounterValue, float64(s.AcquireCount()))
	ch <- prometheus.MustNewConstMetric(p.waits, prometheus.CounterValue, float64(s.EmptyAcquireCount()))
	ch <- prometheus.MustNewConstMetric(p.waitSeconds, prometheus.CounterValue, s.AcquireDuration().Seconds())
}
