package item

import (
	"context"

	"github.com/trovato/trovato/app/user"
)

// Permission names the item package checks.
const (
	PermAccessContent      = "access content"
	PermViewUnpublished    = "view unpublished content"
	PermViewOwnUnpublished = "view own unpublished content"
	PermAdministerContent  = "administer content"
)

// Per-type permission names, generated for every content type.
func CreatePermission(typ string) string          { return "create " + typ + " content" }
func EditOwnPermission(typ string) string         { return "edit own " + typ + " content" }
func EditAnyPermission(typ string) string         { return "edit any " + typ + " content" }
func DeleteOwnPermission(typ string) string       { return "delete own " + typ + " content" }
func DeleteAnyPermission(typ string) string       { return "delete any " + typ + " content" }
func ViewRevisionsPermission(typ string) string   { return "view " + typ + " revisions" }
func RevertRevisionsPermission(typ string) string { return "revert " + typ + " revisions" }

// TypePermissions lists the generated permissions of a content type for the
// permissions matrix.
func TypePermissions(t Type) []user.Permission {
	g := "Content: " + t.Label
	return []user.Permission{
		{Name: CreatePermission(t.Type), Title: t.Label + ": Create new content", Group: g},
		{Name: EditOwnPermission(t.Type), Title: t.Label + ": Edit own content", Group: g},
		{Name: EditAnyPermission(t.Type), Title: t.Label + ": Edit any content", Group: g},
		{Name: DeleteOwnPermission(t.Type), Title: t.Label + ": Delete own content", Group: g},
		{Name: DeleteAnyPermission(t.Type), Title: t.Label + ": Delete any content", Group: g},
		{Name: ViewRevisionsPermission(t.Type), Title: t.Label + ": View revisions", Group: g},
		{Name: RevertRevisionsPermission(t.Type), Title: t.Label + ": Revert revisions", Group: g},
	}
}

// CanView reports whether acct may see it: published items need "access
// content", unpublished ones "view unpublished content" unless acct wrote it.
func CanView(acct *user.Account, it *Item) bool {
	if !acct.Can(PermAccessContent) {
		return false
	}
	if it.Status {
		return true
	}
	return acct.Can(PermViewUnpublished) || acct.Can(PermAdministerContent) ||
		(isOwn(acct, it) && acct.Can(PermViewOwnUnpublished))
}

// CanCreate reports whether acct may create items of typ.
func CanCreate(acct *user.Account, typ string) bool {
	return acct.Can(CreatePermission(typ)) || acct.Can(PermAdministerContent)
}

// isOwn reports whether acct wrote it.
func isOwn(acct *user.Account, it *Item) bool {
	return acct.IsAuthenticated() && acct.ID == it.AuthorID
}

// CanEdit reports whether the role permissions let acct edit it ("edit any
// <type> content", or "edit own …" on its own items, or "administer content").
func CanEdit(acct *user.Account, it *Item) bool {
	return acct.Can(PermAdministerContent) || acct.Can(EditAnyPermission(it.Type)) ||
		(isOwn(acct, it) && acct.Can(EditOwnPermission(it.Type)))
}

// CanDelete is CanEdit for deleting.
func CanDelete(acct *user.Account, it *Item) bool {
	return acct.Can(PermAdministerContent) || acct.Can(DeleteAnyPermission(it.Type)) ||
		(isOwn(acct, it) && acct.Can(DeleteOwnPermission(it.Type)))
}

// CanViewRevisions reports whether acct may list and compare it's revisions.
func CanViewRevisions(acct *user.Account, it *Item) bool {
	return CanView(acct, it) && (acct.Can(PermAdministerContent) || acct.Can(ViewRevisionsPermission(it.Type)))
}

// CanRevert reports whether acct may revert it to an earlier revision.
func CanRevert(acct *user.Account, it *Item) bool {
	return CanEdit(acct, it) && (acct.Can(PermAdministerContent) || acct.Can(RevertRevisionsPermission(it.Type)))
}

// Grant is the plugins' aggregated answer to an access question
// (tap_item_access).
type Grant int

// The answers: Neutral leaves the decision to role permissions.
const (
	GrantNeutral Grant = iota
	GrantAllow
	GrantDeny
)

// Access operations.
const (
	OpView   = "view"
	OpUpdate = "update"
	OpDelete = "delete"
)

// GrantsFunc asks plugins whether acct may do op to it.
type GrantsFunc func(ctx context.Context, op string, it *Item, acct *user.Account) Grant

// Allowed decides an operation the original design's way: administrators
// may do anything; otherwise any plugin Deny wins, else any plugin Allow
// grants, else the role permissions decide (CanView, CanEdit, CanDelete).
func Allowed(ctx context.Context, grants GrantsFunc, op string, it *Item, acct *user.Account) bool {
	if acct.IsAdmin {
		return true
	}
	if grants != nil {
		switch grants(ctx, op, it, acct) {
		case GrantDeny:
			return false
		case GrantAllow:
			return true
		}
	}
	switch op {
	case OpView:
		return CanView(acct, it)
	case OpUpdate:
		return CanEdit(acct, it)
	case OpDelete:
		return CanDelete(acct, it)
	}
	return false
}
