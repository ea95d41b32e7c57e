//go:build !unix

package main

import "time"

// processCPU is not available here: the CPU-per-call figures are left out.
func processCPU() (time.Duration, bool) { return 0, false }
