package plugin

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/trovato/trovato/app/user"
)

// permJSON is one permission a plugin declares through tap_perm.
type permJSON struct {
	Name        string `json:"name"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Restricted  bool   `json:"restricted"`
}

// maxPermName bounds a permission name, which is stored per role grant.
const maxPermName = 128

// Permissions collects the permissions of every plugin implementing
// tap_perm, in plugin order, for the permissions matrix; each is grouped
// under its plugin's name. A failing plugin is logged and skipped; so is a
// permission without a name, with an overlong or multi-line name, or one
// already declared by an earlier plugin.
func (h *Host) Permissions(ctx context.Context) []user.Permission {
	var all []user.Permission
	seen := map[string]string{}
	for _, name := range h.Implements("perm") {
		out, err := h.Call(ctx, name, "perm", []byte("{}"), nil)
		if err != nil {
			h.log.WarnContext(ctx, "plugin permissions skipped", "plugin", name, "error", err)
			continue
		}
		var perms []permJSON
		if err := json.Unmarshal(out, &perms); err != nil {
			h.log.WarnContext(ctx, "plugin returned malformed permissions", "plugin", name, "error", err)
			continue
		}
		for _, p := range perms {
			p.Name = strings.TrimSpace(p.Name)
			switch {
			case p.Name == "" || len(p.Name) > maxPermName || strings.ContainsAny(p.Name, "\r\n\t"):
				h.log.WarnContext(ctx, "plugin permission has an invalid name", "plugin", name, "permission", p.Name)
				continue
			case seen[p.Name] != "":
				h.log.WarnContext(ctx, "permission already declared by another plugin", "plugin", name,
					"permission", p.Name, "declared_by", seen[p.Name])
				continue
			}
			seen[p.Name] = name
			if p.Title == "" {
				p.Title = p.Name
			}
			all = append(all, user.Permission{Name: p.Name, Title: p.Title, Description: p.Description, Group: name, Restricted: p.Restricted})
		}
	}
	return all
}
