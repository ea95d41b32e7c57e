package sdk

import "strconv"

// Permission is a permission a plugin declares through tap_perm. The site
// shows it in the roles × permissions matrix under the plugin's name, and
// code checks it by Name.
type Permission struct {
	Name        string // machine name checked by code, e.g. "promote blog posts"
	Title       string // what a site builder reads
	Description string
	Restricted  bool // trusted roles only: the matrix warns before granting
}

// Perm is the glue for tap_perm: it calls fn and returns its permissions as
// the packed output envelope ({"ok":[{name,title,description,restricted}]}).
// Test fn directly; natively the glue panics like every other tap glue.
func Perm(p, n uint32, fn func() ([]Permission, error)) uint64 {
	return RawTap(p, n, func([]byte) ([]byte, error) {
		perms, err := fn()
		if err != nil {
			return nil, err
		}
		return appendPermissions(nil, perms), nil
	})
}

// appendPermissions appends perms as the tap_perm result.
func appendPermissions(b []byte, perms []Permission) []byte {
	b = append(b, '[')
	for i := range perms {
		p := &perms[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		b = appendString(b, p.Name)
		b = append(b, `,"title":`...)
		b = appendString(b, p.Title)
		b = append(b, `,"description":`...)
		b = appendString(b, p.Description)
		b = append(b, `,"restricted":`...)
		b = strconv.AppendBool(b, p.Restricted)
		b = append(b, '}')
	}
	return append(b, ']')
}
