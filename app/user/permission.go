package user

// Permission is one entry of the permissions matrix: a machine name that
// code checks with Account.Can, and what a site builder reads.
type Permission struct {
	Name        string // e.g. "create page content"
	Title       string // e.g. "Basic page: Create new content"
	Description string
	Group       string // the provider: "System", "Content", "Text formats", a plugin name…
	Restricted  bool   // trusted roles only: the UI warns before granting
}

// SystemPermissions are the kernel's own permissions.
func SystemPermissions() []Permission {
	return []Permission{
		{Name: "access content", Title: "View published content", Group: "System"},
		{Name: "access admin", Title: "Use the administration pages", Group: "System"},
		{Name: "administer content", Title: "Administer content", Description: "Edit, delete and see all content, including unpublished.", Group: "System", Restricted: true},
		{Name: "view unpublished content", Title: "View any unpublished content", Group: "System"},
		{Name: "view own unpublished content", Title: "View own unpublished content", Group: "System"},
		{Name: "administer content types", Title: "Administer content types and fields", Group: "System", Restricted: true},
		{Name: "administer users", Title: "Administer users", Group: "System", Restricted: true},
		{Name: "administer permissions", Title: "Administer roles and permissions", Group: "System", Restricted: true},
		{Name: "change own username", Title: "Change own username", Group: "System"},
	}
}
