package item

import "github.com/trovato/trovato/app/user"

// Permission names the item package checks.
const (
	PermAccessContent     = "access content"
	PermViewUnpublished   = "view unpublished content"
	PermAdministerContent = "administer content"
)

// CreatePermission is the permission to create items of a type.
func CreatePermission(typ string) string { return "create " + typ + " content" }

// CanView reports whether acct may see it: published items need "access
// content", unpublished ones "view unpublished content" unless acct wrote it.
func CanView(acct *user.Account, it *Item) bool {
	if !acct.Can(PermAccessContent) {
		return false
	}
	if it.Status {
		return true
	}
	return acct.Can(PermViewUnpublished) || (acct.IsAuthenticated() && acct.ID == it.AuthorID)
}

// CanCreate reports whether acct may create items of typ.
func CanCreate(acct *user.Account, typ string) bool {
	return acct.Can(CreatePermission(typ)) || acct.Can(PermAdministerContent)
}

// CanEdit reports whether acct may edit it: administrators of content, or
// the item's author while holding "create <type> content".
func CanEdit(acct *user.Account, it *Item) bool {
	if acct.Can(PermAdministerContent) {
		return true
	}
	return acct.IsAuthenticated() && acct.ID == it.AuthorID && acct.Can(CreatePermission(it.Type))
}
