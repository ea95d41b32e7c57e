package sdk

import "math/bits"

// Word-at-a-time byte scanning. In a plugin every loop iteration and every
// function call crosses a deadline check that wazero compiles in (the
// price of stopping runaway plugins), so the JSON reader and writer look at
// eight bytes per iteration and stop only at bytes that need attention.

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// load8 reads 8 bytes of s at i, little-endian; i+8 <= len(s).
func load8(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// loadTail reads the fewer than 8 bytes of s from i, padded with 'a'.
func loadTail(s string, i int) uint64 {
	b := [8]byte{'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a'}
	copy(b[:], s[i:])
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// zeroMask has the high bit of the lowest zero byte of x set (and possibly
// higher ones); 0 when x has no zero byte.
func zeroMask(x uint64) uint64 { return (x - ones) & ^x & highs }

// lessMask is zeroMask for bytes below n (n <= 0x80).
func lessMask(x uint64, n uint64) uint64 { return (x - ones*n) & ^x & highs }

// escapeMask flags the bytes appendString must handle one by one: control
// characters, '"', '\\', '<', '>', '&' and non-ASCII. It is written out in
// full so it inlines.
func escapeMask(x uint64) uint64 {
	q, bs, lt, gt, amp := x^(ones*'"'), x^(ones*'\\'), x^(ones*'<'), x^(ones*'>'), x^(ones*'&')
	return ((x-ones*0x20)&^x |
		(q-ones)&^q | (bs-ones)&^bs | (lt-ones)&^lt | (gt-ones)&^gt | (amp-ones)&^amp |
		x) & highs
}

// stringStopMask flags the bytes that end a run of plain string content in
// JSON input: '"', '\\' and control characters.
func stringStopMask(x uint64) uint64 {
	return lessMask(x, 0x20) | zeroMask(x^(ones*'"')) | zeroMask(x^(ones*'\\'))
}

// firstFlagged is the index (0–7) of the lowest flagged byte of a mask.
func firstFlagged(m uint64) int { return bits.TrailingZeros64(m) / 8 }
