//go:build wasip1

package sdk

// StagePublish is the glue for tap_stage_publish: fn gets the stage about
// to be published and its items; returning an error (made with Errorf and
// CodeInvalid, so the editor sees its message) vetoes the publish, nil
// allows it.
//
//	//go:wasmexport tap_stage_publish
//	func tapStagePublish(p, n uint32) uint64 { return sdk.StagePublish(p, n, check) }
func StagePublish(p, n uint32, fn func(in StagePublishInput) error) uint64 {
	out := outBuf()
	in, ok := input(p, n)
	if !ok {
		return output(badInput(out))
	}
	return output(serveStagePublish(out, in, fn))
}
