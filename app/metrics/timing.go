package metrics

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// Timing accumulates where one request spent its time; the middleware
// writes it as a Server-Timing header (visible in browser dev tools).
type Timing struct {
	db, taps, render atomic.Int64 // nanoseconds
}

type timingKey struct{}

// WithTiming attaches t to ctx.
func WithTiming(ctx context.Context, t *Timing) context.Context {
	return context.WithValue(ctx, timingKey{}, t)
}

func timingFrom(ctx context.Context) *Timing {
	t, _ := ctx.Value(timingKey{}).(*Timing)
	return t
}

// AddTaps adds plugin time to the request's timing, if it has one.
func AddTaps(ctx context.Context, d time.Duration) {
	if t := timingFrom(ctx); t != nil {
		t.taps.Add(int64(d))
	}
}

// AddRender adds template time to the request's timing, if it has one.
func AddRender(ctx context.Context, d time.Duration) {
	if t := timingFrom(ctx); t != nil {
		t.render.Add(int64(d))
	}
}

func (t *Timing) header(total time.Duration) string {
	ms := func(ns int64) float64 { return float64(ns) / 1e6 }
	return fmt.Sprintf("db;dur=%.3f, taps;dur=%.3f, render;dur=%.3f, total;dur=%.3f",
		ms(t.db.Load()), ms(t.taps.Load()), ms(t.render.Load()), ms(int64(total)))
}

// QueryTracer is a pgx tracer that adds each query's duration to the
// request's timing. Install it on the pool config.
type QueryTracer struct{}

type queryStartKey struct{}

// TraceQueryStart implements pgx.QueryTracer.
func (QueryTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	if timingFrom(ctx) == nil {
		return ctx
	}
	return context.WithValue(ctx, queryStartKey{}, time.Now())
}

// TraceQueryEnd implements pgx.QueryTracer.
func (QueryTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryEndData) {
	if start, ok := ctx.Value(queryStartKey{}).(time.Time); ok {
		if t := timingFrom(ctx); t != nil {
			t.db.Add(int64(time.Since(start)))
		}
	}
}
