package plugin

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// instance is one warm, instantiated copy of a plugin. Only one call uses it
// at a time.
type instance struct {
	mod   api.Module
	mem   api.Memory
	alloc api.Function
	free  api.Function
	taps  map[string]api.Function // by tap name, without the tap_ prefix
	inbox uint32                  // a trovato_alloc buffer of inboxSize bytes kept for small inputs
	// scratch and scratchCap are the guest's result buffer (trovato_scratch;
	// 0 for a module built before it): host function results that fit are
	// written there instead of into a trovato_alloc buffer.
	scratch, scratchCap uint32
	stack               []uint64   // call stack for host-side calls into the guest
	hstack              []uint64   // call stack for trovato_alloc calls made from host functions
	output              tailBuffer // the guest's stdout and stderr since the last call began
}

// inboxSize is the size of the buffer each instance keeps for tap inputs:
// every call into the guest re-enters its runtime, so small inputs skip the
// trovato_alloc/trovato_free pair.
const inboxSize = 16 << 10

// close releases the instance; errors do not matter, it is gone either way.
func (in *instance) close(ctx context.Context) { _ = in.mod.Close(ctx) }

// newInstance instantiates p's compiled module and resolves its exports.
func (h *Host) newInstance(ctx context.Context, p *plugin) (*instance, error) {
	in := &instance{stack: make([]uint64, 2), hstack: make([]uint64, 1)}
	cfg := wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions("_initialize").
		WithSysWalltime().
		WithSysNanotime().
		WithRandSource(rand.Reader).
		WithStdout(&in.output).
		WithStderr(&in.output)
	mod, err := h.rt.InstantiateModule(ctx, p.compiled, cfg)
	if err != nil {
		return nil, fmt.Errorf("instantiate: %w%s", err, in.output.summary())
	}
	in.mod = mod
	in.mem = mod.Memory()
	in.alloc = mod.ExportedFunction("trovato_alloc")
	in.free = mod.ExportedFunction("trovato_free")
	in.taps = make(map[string]api.Function, len(p.manifest.Taps))
	for _, t := range p.manifest.Taps {
		in.taps[t] = mod.ExportedFunction("tap_" + t)
	}
	if in.mem == nil || in.alloc == nil || in.free == nil {
		in.close(ctx)
		return nil, fmt.Errorf("instance lacks memory or trovato_alloc/trovato_free")
	}
	in.stack[0] = inboxSize
	if err := in.alloc.CallWithStack(ctx, in.stack); err != nil {
		in.close(ctx)
		return nil, fmt.Errorf("allocate the input buffer: %w%s", err, in.output.summary())
	}
	in.inbox = api.DecodeU32(in.stack[0])
	if f := mod.ExportedFunction("trovato_scratch"); f != nil {
		if err := f.CallWithStack(ctx, in.stack); err != nil {
			in.close(ctx)
			return nil, fmt.Errorf("trovato_scratch: %w%s", err, in.output.summary())
		}
		ptr, size := uint32(in.stack[0]>>32), uint32(in.stack[0])
		if _, ok := in.mem.Read(ptr, size); !ok {
			in.close(ctx)
			return nil, fmt.Errorf("trovato_scratch returned a buffer outside memory")
		}
		in.scratch, in.scratchCap = ptr, size
	}
	return in, nil
}

// pool is a bounded pool of warm instances of one plugin. slots holds one
// token per live instance (idle, in use or being created), so len(slots) is
// the pool's size; idle holds the instances ready for a call. A channel pool
// rather than sync.Pool: sync.Pool created ~100 instances under load and
// spiked p99 (shared/recipes §1).
type pool struct {
	idle   chan *instance
	slots  chan struct{}
	create func(context.Context) (*instance, error)
}

func newPool(size int, create func(context.Context) (*instance, error)) *pool {
	return &pool{
		idle:   make(chan *instance, size),
		slots:  make(chan struct{}, size),
		create: create,
	}
}

// acquire returns an idle instance, creates one (with ctx) while the pool
// is below its size, or waits for one until ctx is done.
func (p *pool) acquire(ctx context.Context) (*instance, error) {
	return p.acquireUntil(ctx, ctx.Done(), time.Time{})
}

// acquireUntil is acquire for a tap call: it waits until done is closed or
// deadline (zero: none) passes, whichever comes first, and then fails with
// ctx's error or context.DeadlineExceeded. A call's own context makes its
// Done channel on demand, with a timer, so the call passes its caller's
// channel and its deadline instead and a wait costs one pooled timer.
func (p *pool) acquireUntil(ctx context.Context, done <-chan struct{}, deadline time.Time) (*instance, error) {
	select {
	case in := <-p.idle:
		return in, nil
	default:
	}
	var expired <-chan time.Time
	if !deadline.IsZero() {
		t := getTimer(time.Until(deadline))
		defer putTimer(t)
		expired = t.C
	}
	select {
	case in := <-p.idle:
		return in, nil
	case p.slots <- struct{}{}:
		in, err := p.create(ctx)
		if err != nil {
			<-p.slots
			return nil, err
		}
		return in, nil
	case <-done:
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return nil, context.Canceled
	case <-expired:
		return nil, context.DeadlineExceeded
	}
}

// timers recycles the timers of acquireUntil. Since Go 1.23 a stopped
// timer's channel holds no stale value, so a timer can be reset and reused.
var timers sync.Pool

func getTimer(d time.Duration) *time.Timer {
	if t, _ := timers.Get().(*time.Timer); t != nil {
		t.Reset(d)
		return t
	}
	return time.NewTimer(d)
}

func putTimer(t *time.Timer) {
	t.Stop()
	timers.Put(t)
}

// release returns a healthy instance to the pool. It never blocks: idle has
// room for every slot.
func (p *pool) release(in *instance) { p.idle <- in }

// replace closes a broken instance and puts a fresh one in its slot. If a
// fresh one cannot be made the slot is freed, so a later acquire retries.
func (p *pool) replace(ctx context.Context, in *instance) error {
	in.close(ctx)
	fresh, err := p.create(ctx)
	if err != nil {
		<-p.slots
		return err
	}
	p.idle <- fresh
	return nil
}

// size is the number of live instances.
func (p *pool) size() int { return len(p.slots) }

// tailBuffer keeps the first bytes a guest writes to stdout/stderr during a
// call (a Go panic or "fatal error: out of memory" message starts there).
type tailBuffer struct{ b []byte }

const tailBufferMax = 4 << 10

func (t *tailBuffer) Write(p []byte) (int, error) {
	if room := tailBufferMax - len(t.b); room > 0 {
		t.b = append(t.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (t *tailBuffer) reset() { t.b = t.b[:0] }

// firstLine is the first non-empty line written, at most 200 bytes.
func (t *tailBuffer) firstLine() string {
	for _, line := range strings.Split(string(t.b), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			if len(line) > 200 {
				line = line[:200]
			}
			return line
		}
	}
	return ""
}

// summary is firstLine formatted as a suffix for an error message.
func (t *tailBuffer) summary() string {
	if l := t.firstLine(); l != "" {
		return " (guest output: " + l + ")"
	}
	return ""
}
