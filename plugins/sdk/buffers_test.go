package sdk

import "testing"

func TestBufClass(t *testing.T) {
	tests := []struct{ n, class int }{
		{0, 0}, {1, 0}, {64, 0}, {65, 1}, {128, 1}, {129, 2}, {4096, 6}, {65536, 10}, {65537, -1},
	}
	for _, tt := range tests {
		if got := bufClass(tt.n); got != tt.class {
			t.Errorf("bufClass(%d) = %d, want %d", tt.n, got, tt.class)
		}
	}
}

func TestBuffersAreRecycled(t *testing.T) {
	b := getBuf(100)
	if len(b) != 100 || cap(b) != 128 {
		t.Fatalf("getBuf(100): len %d cap %d, want 100, 128", len(b), cap(b))
	}
	putBuf(b)
	if again := getBuf(120); &again[:1][0] != &b[:1][0] {
		t.Error("a freed buffer of the same class was not reused")
	}
	odd := make([]byte, 0, 100)
	putBuf(odd) // not a class size: dropped
	if got := getBuf(100); cap(got) != 128 {
		t.Errorf("getBuf after putting an odd buffer: cap %d, want 128", cap(got))
	}
	for range freePerClass + 2 {
		putBuf(make([]byte, 0, 64))
	}
	if n := len(freeBufs[0]); n != freePerClass {
		t.Errorf("free list holds %d buffers, want at most %d", n, freePerClass)
	}
	if big := getBuf(1 << 20); len(big) != 1<<20 {
		t.Errorf("getBuf(1 MiB) has len %d", len(big))
	}
}
