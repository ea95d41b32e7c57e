package plugin

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
)

// Deadlines without a goroutine per call.
//
// wazero can stop a guest at its context's deadline
// (RuntimeConfig.WithCloseOnContextDone), but it pays for that on every
// call into the guest: a goroutine that watches the context, started and
// woken for each call (nested calls from host functions included), plus an
// exit to Go at every loop iteration. Measured on the page plugin, that was
// most of a tap call's cost (docs/benchmarks.md, issue 5).
//
// The host compiles every plugin with that option off and instruments the
// module itself before compiling it (instrument): a fuel counter, a mutable
// i32 global, is decremented at the entry of every function and at the top
// of every loop; when it reaches zero the guest calls the host function
// trovato.interrupt_check, which traps the call if its context is done or
// past its deadline and otherwise refills the counter. Every unbounded
// execution goes through a loop or a call, so a guest can run at most
// fuelRefill checks without asking the host whether it may go on; the check
// itself stays in native code (a load, a subtract, a store, a compare).
// Nothing runs on another goroutine, and a call that finishes in time costs
// nothing but the counter.

// interruptFunc is the host function the instrumentation calls.
const interruptFunc = "interrupt_check"

// fuelRefill is the number of function entries and loop iterations a guest
// runs between two deadline checks: with a Go guest that is a few µs of
// work, so a check (an exit to Go and a clock read) costs well under 1%,
// and a guest stops within microseconds of its deadline.
const fuelRefill = 4096

// interruptCheck is trovato.interrupt_check() -> i32: it traps the guest
// when the call's context is canceled or past its deadline, and otherwise
// returns the fuel for the next stretch. It is not wrapped in guard: its
// panic is how wazero aborts the guest (a *sys.ExitError is returned by the
// call as it is).
func interruptCheck(ctx context.Context, _ api.Module, stack []uint64) {
	if err := ctx.Err(); err != nil {
		panic(exitFor(err))
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		panic(sys.NewExitError(sys.ExitCodeDeadlineExceeded))
	}
	stack[0] = fuelRefill
}

// exitFor is the exit error wazero itself uses for a done context.
func exitFor(err error) *sys.ExitError {
	if errors.Is(err, context.DeadlineExceeded) {
		return sys.NewExitError(sys.ExitCodeDeadlineExceeded)
	}
	return sys.NewExitError(sys.ExitCodeContextCanceled)
}

// Section ids of the WebAssembly binary format.
const (
	secCustom   = 0
	secType     = 1
	secImport   = 2
	secFunction = 3
	secGlobal   = 6
	secExport   = 7
	secStart    = 8
	secElement  = 9
	secCode     = 10
)

// errNotInstrumentable wraps every reason instrument refuses a module.
var errNotInstrumentable = errors.New("module cannot be sandboxed")

// instrument returns wasm with the deadline checks described above: a new
// function import trovato.interrupt_check (its type appended to the type
// section), a new fuel global, the checks at every function entry and loop
// header, and every function index at or above the new import shifted by
// one (calls, ref.func, exports, start, elements, function names). Custom
// debug sections, whose code offsets would be stale, are dropped. A module
// using instructions it does not know (SIMD, threads, exceptions) is
// refused: an unchecked loop would escape the deadline.
func instrument(wasm []byte) ([]byte, error) {
	r := &reader{b: wasm}
	if len(wasm) < 8 || !bytes.Equal(wasm[:4], []byte("\x00asm")) || binary.LittleEndian.Uint32(wasm[4:8]) != 1 {
		return nil, fmt.Errorf("%w: not a WebAssembly 1 binary", errNotInstrumentable)
	}
	r.pos = 8
	type section struct {
		id   byte
		body []byte
	}
	var secs []section
	for r.pos < len(r.b) {
		id := r.byte()
		n := r.u32()
		body := r.bytes(int(n))
		if r.err != nil {
			return nil, fmt.Errorf("%w: section %d: %v", errNotInstrumentable, id, r.err)
		}
		secs = append(secs, section{id, body})
	}
	m := &rewrite{}
	// First pass: the counts the rewrite needs.
	for _, s := range secs {
		var err error
		switch s.id {
		case secType:
			m.types, err = vecCount(s.body)
		case secImport:
			err = m.countImports(s.body)
		case secGlobal:
			m.globals, err = vecCount(s.body)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: section %d: %v", errNotInstrumentable, s.id, err)
		}
	}
	m.fuelGlobal = m.importedGlobals + m.globals
	out := bytes.NewBuffer(make([]byte, 0, len(wasm)+len(wasm)/8))
	out.Write(wasm[:8])
	emit := func(id byte, body []byte) {
		out.WriteByte(id)
		out.Write(appendU32(nil, uint32(len(body))))
		out.Write(body)
	}
	// The sections this rewrite needs but the module lacks are added where
	// the binary format orders them.
	missing := map[byte]bool{secType: true, secImport: true, secGlobal: true}
	for _, s := range secs {
		delete(missing, s.id)
	}
	addMissing := func(before byte) {
		for _, id := range []byte{secType, secImport, secGlobal} {
			if missing[id] && (before == 0xff || sectionOrder(id) < sectionOrder(before)) {
				emit(id, m.newSection(id))
				delete(missing, id)
			}
		}
	}
	for _, s := range secs {
		if s.id != secCustom {
			addMissing(s.id)
		}
		var body []byte
		var err error
		switch s.id {
		case secCustom:
			body, err = m.custom(s.body)
			if body == nil && err == nil {
				continue // a dropped debug section
			}
		case secType:
			body = m.typeSection(s.body)
		case secImport:
			body = m.importSection(s.body)
		case secGlobal:
			body, err = m.globalSection(s.body)
		case secExport:
			body, err = m.exportSection(s.body)
		case secStart:
			body, err = m.startSection(s.body)
		case secElement:
			body, err = m.elementSection(s.body)
		case secCode:
			body, err = m.codeSection(s.body)
		default:
			body = s.body
		}
		if err != nil {
			return nil, fmt.Errorf("%w: section %d: %v", errNotInstrumentable, s.id, err)
		}
		emit(s.id, body)
	}
	addMissing(0xff)
	return out.Bytes(), nil
}

// rewrite holds what instrument learned about the module.
type rewrite struct {
	types           uint32 // defined function types; the check's type is appended as index types
	importedFuncs   uint32 // the check is imported as function index importedFuncs
	importedGlobals uint32
	globals         uint32 // defined globals
	fuelGlobal      uint32 // index of the appended fuel global
}

// checkType is the type of interrupt_check: () -> i32.
var checkType = []byte{0x60, 0x00, 0x01, 0x7f}

// typeSection appends checkType to body (nil: a new section).
func (m *rewrite) typeSection(body []byte) []byte {
	return appendVecItem(body, m.types, checkType)
}

// importSection appends the import of interrupt_check to body.
func (m *rewrite) importSection(body []byte) []byte {
	var imp []byte
	imp = appendName(imp, hostModuleName)
	imp = appendName(imp, interruptFunc)
	imp = append(imp, 0x00) // function
	imp = appendU32(imp, m.types)
	n := uint32(0)
	if body != nil {
		n, _ = vecCount(body)
	}
	return appendVecItem(body, n, imp)
}

// fuelGlobalDecl is the fuel global: mutable i32, initialised to fuelRefill.
func fuelGlobalDecl() []byte {
	g := []byte{0x7f, 0x01, 0x41}
	g = appendS32(g, fuelRefill)
	return append(g, 0x0b)
}

// newSection is a section of the module's lacks: the check's type, its
// import, or the fuel global alone.
func (m *rewrite) newSection(id byte) []byte {
	switch id {
	case secType:
		return m.typeSection(nil)
	case secImport:
		return m.importSection(nil)
	}
	return appendVecItem(nil, 0, fuelGlobalDecl())
}

// globalSection rewrites the initialisers of body (they may hold ref.func)
// and appends the fuel global.
func (m *rewrite) globalSection(body []byte) ([]byte, error) {
	r := &reader{b: body}
	n := r.u32()
	var out []byte
	for i := uint32(0); i < n && r.err == nil; i++ {
		out = append(out, r.bytes(2)...) // valtype, mutability
		var err error
		if out, err = m.expr(r, out); err != nil {
			return nil, err
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	res := appendU32(nil, n+1)
	res = append(res, out...)
	return append(res, fuelGlobalDecl()...), nil
}

// sectionOrder is the position of a non-custom section in a module: ids
// follow it except the tag (13) and data count (12) sections.
func sectionOrder(id byte) float64 {
	switch id {
	case 13:
		return 5.5
	case 12:
		return 9.5
	}
	return float64(id)
}

// countImports counts the imported functions and globals.
func (m *rewrite) countImports(body []byte) error {
	r := &reader{b: body}
	n := r.u32()
	for i := uint32(0); i < n && r.err == nil; i++ {
		r.bytes(int(r.u32())) // module
		r.bytes(int(r.u32())) // name
		switch kind := r.byte(); kind {
		case 0x00: // func
			r.u32()
			m.importedFuncs++
		case 0x01: // table
			r.byte()
			r.limits()
		case 0x02: // memory
			r.limits()
		case 0x03: // global
			r.bytes(2)
			m.importedGlobals++
		default:
			return fmt.Errorf("import kind %#x", kind)
		}
	}
	return r.err
}

// fn maps an original function index to the rewritten one.
func (m *rewrite) fn(i uint32) uint32 {
	if i >= m.importedFuncs {
		return i + 1
	}
	return i
}

// exportSection shifts the function exports.
func (m *rewrite) exportSection(body []byte) ([]byte, error) {
	r := &reader{b: body}
	n := r.u32()
	out := appendU32(nil, n)
	for i := uint32(0); i < n && r.err == nil; i++ {
		name := r.bytes(int(r.u32()))
		kind := r.byte()
		idx := r.u32()
		switch {
		case kind == 0x00:
			idx = m.fn(idx)
		case kind == 0x03 && idx >= m.fuelGlobal:
			return nil, fmt.Errorf("export of global %d out of range", idx)
		}
		out = appendName(out, string(name))
		out = append(out, kind)
		out = appendU32(out, idx)
	}
	return out, r.err
}

// startSection shifts the start function.
func (m *rewrite) startSection(body []byte) ([]byte, error) {
	r := &reader{b: body}
	idx := r.u32()
	return appendU32(nil, m.fn(idx)), r.err
}

// elementSection shifts the function indices of every element segment.
func (m *rewrite) elementSection(body []byte) ([]byte, error) {
	r := &reader{b: body}
	n := r.u32()
	out := appendU32(nil, n)
	for i := uint32(0); i < n && r.err == nil; i++ {
		flags := r.u32()
		out = appendU32(out, flags)
		var err error
		if flags > 7 {
			return nil, fmt.Errorf("element segment flags %d", flags)
		}
		if flags&2 != 0 && flags&1 == 0 { // explicit table index
			out = appendU32(out, r.u32())
		}
		if flags&1 == 0 { // active: offset expression
			if out, err = m.expr(r, out); err != nil {
				return nil, err
			}
		}
		if flags&3 != 0 { // elemkind or reftype
			out = append(out, r.byte())
		}
		count := r.u32()
		out = appendU32(out, count)
		for j := uint32(0); j < count && r.err == nil; j++ {
			if flags&4 == 0 {
				out = appendU32(out, m.fn(r.u32()))
			} else if out, err = m.expr(r, out); err != nil {
				return nil, err
			}
		}
	}
	return out, r.err
}

// custom drops debug sections and shifts the function names of the name
// section; other custom sections are kept.
func (m *rewrite) custom(body []byte) ([]byte, error) {
	r := &reader{b: body}
	name := string(r.bytes(int(r.u32())))
	if r.err != nil {
		return nil, r.err
	}
	switch {
	case strings.HasPrefix(name, ".debug_"), name == "sourceMappingURL", name == "external_debug_info":
		return nil, nil
	case name != "name":
		return body, nil
	}
	out := appendName(nil, name)
	for r.pos < len(r.b) && r.err == nil {
		id := r.byte()
		sub := r.bytes(int(r.u32()))
		var nb []byte
		switch id {
		case 0: // module name
			nb = sub
		case 1: // function names, by ascending index
			sr := &reader{b: sub}
			cnt := sr.u32()
			nb = appendU32(nil, cnt+1)
			added := false
			for j := uint32(0); j < cnt && sr.err == nil; j++ {
				idx := sr.u32()
				fname := sr.bytes(int(sr.u32()))
				if !added && idx >= m.importedFuncs {
					nb = appendU32(nb, m.importedFuncs)
					nb = appendName(nb, hostModuleName+"."+interruptFunc)
					added = true
				}
				nb = appendU32(nb, m.fn(idx))
				nb = appendName(nb, string(fname))
			}
			if sr.err != nil {
				return nil, sr.err
			}
			if !added {
				nb = appendU32(nb, m.importedFuncs)
				nb = appendName(nb, hostModuleName+"."+interruptFunc)
			}
		default:
			continue // local and other names: indices would need remapping; not worth it
		}
		out = append(out, id)
		out = appendU32(out, uint32(len(nb)))
		out = append(out, nb...)
	}
	return out, r.err
}

// codeSection instruments every function body.
func (m *rewrite) codeSection(body []byte) ([]byte, error) {
	r := &reader{b: body}
	n := r.u32()
	out := appendU32(make([]byte, 0, len(body)+len(body)/8), n)
	var fb []byte
	for i := uint32(0); i < n && r.err == nil; i++ {
		size := r.u32()
		fr := &reader{b: r.bytes(int(size))}
		if r.err != nil {
			break
		}
		fb = fb[:0]
		locals := fr.u32()
		fb = appendU32(fb, locals)
		for j := uint32(0); j < locals && fr.err == nil; j++ {
			fb = appendU32(fb, fr.u32())
			fb = append(fb, fr.byte())
		}
		fb = m.appendCheck(fb)
		var err error
		if fb, err = m.code(fr, fb, true); err != nil {
			return nil, fmt.Errorf("function %d: %w", i, err)
		}
		if fr.pos != len(fr.b) {
			return nil, fmt.Errorf("function %d: %d bytes after its end", i, len(fr.b)-fr.pos)
		}
		out = appendU32(out, uint32(len(fb)))
		out = append(out, fb...)
	}
	return out, r.err
}

// appendCheck appends the fuel check:
//
//	global.get $fuel; i32.const 1; i32.sub; global.set $fuel
//	global.get $fuel; i32.const 0; i32.le_s
//	if; call $interrupt_check; global.set $fuel; end
//
// It leaves the operand stack as it found it. A trap inside the check
// leaves the fuel at or below zero, so the next check asks again.
func (m *rewrite) appendCheck(b []byte) []byte {
	b = append(b, 0x23)
	b = appendU32(b, m.fuelGlobal)
	b = append(b, 0x41, 0x01, 0x6b, 0x24)
	b = appendU32(b, m.fuelGlobal)
	b = append(b, 0x23)
	b = appendU32(b, m.fuelGlobal)
	b = append(b, 0x41, 0x00, 0x4c, 0x04, 0x40, 0x10)
	b = appendU32(b, m.importedFuncs)
	b = append(b, 0x24)
	b = appendU32(b, m.fuelGlobal)
	return append(b, 0x0b)
}

// expr copies a constant expression (through its end), shifting ref.func.
func (m *rewrite) expr(r *reader, out []byte) ([]byte, error) {
	return m.code(r, out, false)
}

// code copies instructions from r to out until the end that closes the
// body (or expression), shifting function indices and, when checks is set,
// adding the fuel check after every loop header. Unchanged runs of code are
// copied in one piece.
func (m *rewrite) code(r *reader, out []byte, checks bool) ([]byte, error) {
	depth := 0
	flushed := r.pos // r.b[flushed:start] is copied but not yet appended
	for {
		if r.err != nil {
			return nil, r.err
		}
		if r.pos >= len(r.b) {
			return nil, errors.New("code ends without end")
		}
		start := r.pos
		op := r.b[r.pos]
		r.pos++
		switch immediates[op] {
		case immNone:
		case immLEB:
			r.leb(10)
		case immEnd:
			if depth == 0 {
				return append(out, r.b[flushed:r.pos]...), r.err
			}
			depth--
		case immBlock:
			if t, isIndex := r.blockType(); isIndex && t >= uint64(m.types) {
				return nil, fmt.Errorf("block type %d out of range", t)
			}
			depth++
			if op == 0x03 && checks { // loop
				out = append(out, r.b[flushed:r.pos]...)
				out = m.appendCheck(out)
				flushed = r.pos
			}
		case immFunc: // call, return_call, ref.func
			idx := r.u32()
			if m.fn(idx) != idx {
				out = append(out, r.b[flushed:start+1]...)
				out = appendU32(out, m.fn(idx))
				flushed = r.pos
			}
		case immGlobal:
			// The fuel global is one past the module's own: code that names
			// it was invalid before the rewrite and must not become a way to
			// refill the fuel.
			if g := r.u32(); g >= m.fuelGlobal {
				return nil, fmt.Errorf("global %d out of range", g)
			}
		case immMemarg:
			if align := r.u32(); align&0x40 != 0 {
				r.u32() // memory index (multi-memory)
			}
			r.u64()
		case immBrTable:
			n := r.u32()
			for i := uint32(0); i <= n && r.err == nil; i++ {
				r.u32()
			}
		case immCallIndirect:
			if t := r.u32(); t >= m.types {
				return nil, fmt.Errorf("call_indirect type %d out of range", t)
			}
			r.u32()
		case immSelect:
			r.bytes(int(r.u32()))
		case immF32:
			r.bytes(4)
		case immF64:
			r.bytes(8)
		case immByte:
			r.byte()
		case immPrefixFC:
			switch sub := r.u32(); {
			case sub <= 7: // saturating truncations
			case sub == 8, sub == 12, sub == 10, sub == 14: // memory.init, table.init, memory.copy, table.copy
				r.u32()
				r.u32()
			case sub == 9, sub == 11, sub == 13, sub >= 15 && sub <= 17: // data.drop, memory.fill, elem.drop, table.grow/size/fill
				r.u32()
			default:
				return nil, fmt.Errorf("unsupported instruction 0xfc %d", sub)
			}
		default:
			switch op {
			case 0xfd:
				return nil, errors.New("SIMD instructions are not supported by the plugin sandbox")
			case 0xfe:
				return nil, errors.New("atomic instructions are not supported by the plugin sandbox")
			}
			return nil, fmt.Errorf("unsupported instruction %#x (exception handling and other proposals are not supported by the plugin sandbox)", op)
		}
	}
}

// Immediate kinds of the opcodes code knows; immBad for the others.
const (
	immBad = iota
	immNone
	immLEB // one LEB128 number, not inspected
	immEnd
	immBlock
	immFunc
	immGlobal
	immMemarg
	immBrTable
	immCallIndirect
	immSelect
	immF32
	immF64
	immByte
	immPrefixFC
)

// immediates maps each opcode to the kind of its immediates.
var immediates = func() (t [256]uint8) {
	for _, op := range []int{0x00, 0x01, 0x05, 0x0f, 0x1a, 0x1b, 0xd1} { // unreachable, nop, else, return, drop, select, ref.is_null
		t[op] = immNone
	}
	for op := 0x45; op <= 0xc4; op++ { // numeric instructions without immediates
		t[op] = immNone
	}
	// br, br_if, local.get/set/tee, table.get/set, memory.size/grow, i32/i64.const
	for _, op := range []int{0x0c, 0x0d, 0x20, 0x21, 0x22, 0x25, 0x26, 0x3f, 0x40, 0x41, 0x42} {
		t[op] = immLEB
	}
	for op := 0x28; op <= 0x3e; op++ { // loads and stores
		t[op] = immMemarg
	}
	t[0x0b] = immEnd
	t[0x02], t[0x03], t[0x04] = immBlock, immBlock, immBlock
	t[0x10], t[0x12], t[0xd2] = immFunc, immFunc, immFunc // call, return_call, ref.func
	t[0x23], t[0x24] = immGlobal, immGlobal
	t[0x0e] = immBrTable
	t[0x11], t[0x13] = immCallIndirect, immCallIndirect // call_indirect, return_call_indirect
	t[0x1c] = immSelect
	t[0x43], t[0x44] = immF32, immF64
	t[0xd0] = immByte // ref.null
	t[0xfc] = immPrefixFC
	return t
}()

// reader decodes the binary format; the first error sticks.
type reader struct {
	b   []byte
	pos int
	err error
}

func (r *reader) fail(msg string) {
	if r.err == nil {
		r.err = fmt.Errorf("%s at byte %d", msg, r.pos)
	}
	r.pos = len(r.b)
}

func (r *reader) byte() byte {
	if r.pos >= len(r.b) {
		r.fail("unexpected end")
		return 0
	}
	c := r.b[r.pos]
	r.pos++
	return c
}

func (r *reader) bytes(n int) []byte {
	if n < 0 || n > len(r.b)-r.pos {
		r.fail("unexpected end")
		return nil
	}
	s := r.b[r.pos : r.pos+n]
	r.pos += n
	return s
}

// leb reads an LEB128 number of at most maxBytes bytes.
func (r *reader) leb(maxBytes int) uint64 {
	if r.pos < len(r.b) && r.b[r.pos] < 0x80 {
		r.pos++
		return uint64(r.b[r.pos-1])
	}
	var v uint64
	for i := 0; i < maxBytes; i++ {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return v
		}
	}
	r.fail("LEB128 number too long")
	return 0
}

func (r *reader) u32() uint32 { return uint32(r.leb(5)) }
func (r *reader) u64() uint64 { return r.leb(10) }
func (r *reader) s64()        { r.leb(10) }

// limits skips a table or memory limits.
func (r *reader) limits() {
	flags := r.byte()
	r.u64()
	if flags&1 != 0 {
		r.u64()
	}
}

// blockType reads a block type: empty, a value type, or a type index
// (s33, returned with isIndex).
func (r *reader) blockType() (index uint64, isIndex bool) {
	if r.pos < len(r.b) {
		switch r.b[r.pos] {
		case 0x40, 0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f: // empty, i32, i64, f32, f64, v128, funcref, externref
			r.pos++
			return 0, false
		}
	}
	return r.leb(5), true
}

// vecCount reads the element count at the start of a vector section.
func vecCount(body []byte) (uint32, error) {
	r := &reader{b: body}
	n := r.u32()
	return n, r.err
}

// appendVecItem appends item to the vector body of n elements (nil: empty).
func appendVecItem(body []byte, n uint32, item []byte) []byte {
	rest := body
	if body != nil {
		r := &reader{b: body}
		r.u32()
		rest = body[r.pos:]
	}
	out := appendU32(make([]byte, 0, len(body)+len(item)+5), n+1)
	out = append(out, rest...)
	return append(out, item...)
}

func appendName(b []byte, s string) []byte {
	b = appendU32(b, uint32(len(s)))
	return append(b, s...)
}

func appendU32(b []byte, v uint32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}

func appendS32(b []byte, v int32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
