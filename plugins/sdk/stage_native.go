//go:build !wasip1

package sdk

// StagePublish is the glue for tap_stage_publish (wasip1 only; test fn
// directly with a StagePublishInput).
func StagePublish(p, n uint32, fn func(in StagePublishInput) error) uint64 {
	panic(nativeGlue)
}
