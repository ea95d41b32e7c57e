package sdk

import "encoding/json"

// Item access operations asked of tap_item_access.
const (
	OpView   = "view"
	OpUpdate = "update"
	OpDelete = "delete"
)

// AccessResult is a plugin's answer to an access question. The kernel
// aggregates the answers of every plugin the way Drupal does: any Deny
// wins, else any Allow grants, else (all Neutral) the role permissions
// decide.
type AccessResult string

// The three answers.
const (
	Neutral AccessResult = "neutral"
	Allow   AccessResult = "allow"
	Deny    AccessResult = "deny"
)

// Account is who is asking, as tap_item_access sees them.
type Account struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	Roles         []string `json:"roles"`
	Authenticated bool     `json:"authenticated"`
}

// accessInput is the tap_item_access input.
type accessInput struct {
	Op      string  `json:"op"`
	Item    uint32  `json:"item"`
	Type    string  `json:"type"`
	Author  string  `json:"author"`
	Account Account `json:"account"`
}

// AccessItem is the item as tap_item_access sees it: the handle-based Item
// plus its author's id (ownership is the usual question).
type AccessItem struct {
	Item
	AuthorID string
}

// serveItemAccess decodes an access question, asks fn and writes the
// answer envelope. Access is asked rarely enough that encoding/json is fine.
func serveItemAccess(dst, in []byte, item func(handle uint32, typ string) Item, fn func(op string, it AccessItem, acct Account) (AccessResult, error)) []byte {
	var q accessInput
	if err := json.Unmarshal(in, &q); err != nil {
		return appendError(dst, Errorf(CodeInvalid, "tap_item_access input: %v", err))
	}
	res, err := fn(q.Op, AccessItem{Item: item(q.Item, q.Type), AuthorID: q.Author}, q.Account)
	if err != nil {
		return appendError(dst, err)
	}
	switch res {
	case Allow, Deny:
		dst = append(dst, `{"ok":"`...)
		dst = append(dst, res...)
		return append(dst, `"}`...)
	}
	return okNull(dst)
}
