package sdk

import "math/bits"

// Buffers shared with the host are recycled: in Go's wasm port every heap
// allocation is expensive compared with the work of a handle-based tap, so
// the steady state of a tap call allocates none for its input, its output or
// the strings the host returns.

const (
	minBufShift  = 6  // smallest pooled buffer: 64 bytes
	maxBufShift  = 16 // largest pooled buffer: 64 KiB
	freePerClass = 4  // pooled buffers kept per size class
)

// freeBufs holds recycled buffers by size class (64 << class bytes).
var freeBufs [maxBufShift - minBufShift + 1][][]byte

// bufClass is the size class whose buffers hold n bytes, or -1 when n is
// too large to pool.
func bufClass(n int) int {
	if n <= 1<<minBufShift {
		return 0
	}
	c := bits.Len(uint(n-1)) - minBufShift
	if c >= len(freeBufs) {
		return -1
	}
	return c
}

// getBuf returns a buffer of length n, recycled when possible.
func getBuf(n int) []byte {
	c := bufClass(n)
	if c < 0 {
		return make([]byte, n)
	}
	if l := freeBufs[c]; len(l) > 0 {
		b := l[len(l)-1]
		freeBufs[c] = l[:len(l)-1]
		return b[:n]
	}
	return make([]byte, n, 1<<(c+minBufShift))
}

// putBuf recycles b if its capacity is exactly a size class.
func putBuf(b []byte) {
	c := bufClass(cap(b))
	if c < 0 || cap(b) != 1<<(c+minBufShift) || len(freeBufs[c]) >= freePerClass {
		return
	}
	freeBufs[c] = append(freeBufs[c], b[:0])
}
