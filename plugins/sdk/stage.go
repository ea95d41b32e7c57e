package sdk

import "encoding/json"

// The stage tap, called before a publish of a stage (a workspace of
// unpublished changes) into its target commits. Any plugin may veto.
//
//	tap_stage_publish  input StagePublishInput  ok: null; an error vetoes the publish
//
// A veto is an error whose message the editor sees, so return one made
// with Errorf and a non-internal code (CodeInvalid, CodeForbidden,
// CodeConflict): the kernel refuses the publish with "Publishing was
// stopped by plugin NAME: MESSAGE". A plain error is internal and shows
// only a generic message. A plugin that traps or runs past its deadline is
// logged and does not block the publish.

// StagePublishInput is the tap_stage_publish input.
type StagePublishInput struct {
	Stage  string   `json:"stage"`  // the stage's machine name
	Label  string   `json:"label"`  // the stage's human-readable label
	Target string   `json:"target"` // where it publishes: its parent stage, or "live"
	Items  []string `json:"items"`  // ids (UUIDs) of the items about to be published
}

// serveStagePublish runs a tap_stage_publish function: an error from fn is
// the veto.
func serveStagePublish(dst, in []byte, fn func(StagePublishInput) error) []byte {
	var sp StagePublishInput
	if err := json.Unmarshal(in, &sp); err != nil {
		return appendError(dst, Errorf(CodeInvalid, "tap_stage_publish input: %v", err))
	}
	if err := fn(sp); err != nil {
		return appendError(dst, err)
	}
	return okNull(dst)
}
