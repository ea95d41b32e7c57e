package user

import (
	"context"
	"fmt"
	"maps"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/trovato/trovato/app/db"
	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/pg"
)

// Built-in roles every site has: every visitor holds the first, every
// logged-in user the second. Neither is ever stored in user_roles nor
// deleted.
const (
	RoleAnonymous     = "anonymous"
	RoleAuthenticated = "authenticated"
)

// AdminStore is the People administration: listing, creating, editing,
// blocking and deleting accounts, roles, and the roles × permissions matrix.
// It runs multi-step changes in transactions, so it holds the pool itself.
type AdminStore struct {
	pool   *pgxpool.Pool
	q      *db.Queries
	events Events // events.go
}

// NewAdminStore returns the People administration store over the pool.
func NewAdminStore(pool *pgxpool.Pool) *AdminStore {
	return &AdminStore{pool: pool, q: db.New(pool)}
}

// Person is an account as the People pages show and edit it.
type Person struct {
	ID      uuid.UUID
	Name    string
	Email   string
	IsAdmin bool
	Active  bool     // false: blocked
	Roles   []string // stored roles, without anonymous and authenticated
	Created time.Time
	Login   *time.Time // last login, nil when never
}

// PeopleFilter selects the users of one page of the People list.
type PeopleFilter struct {
	Role    string // only users holding this role; "" for all
	Status  string // "active", "blocked" or "" for both
	Page    int    // 0-based
	PerPage int
}

// People lists one page of users, newest first, and reports whether a next
// page exists (mini pager: one more row is fetched, nothing is counted).
func (s *AdminStore) People(ctx context.Context, f PeopleFilter) ([]Person, bool, error) {
	if f.PerPage <= 0 {
		f.PerPage = 50
	}
	p := db.ListPeopleParams{Lim: int32(f.PerPage + 1), Off: int32(max(f.Page, 0) * f.PerPage)}
	if f.Role != "" && f.Role != RoleAuthenticated {
		p.Role = pgtype.Text{String: f.Role, Valid: true}
	}
	switch f.Status {
	case "active":
		p.Status = pgtype.Bool{Bool: true, Valid: true}
	case "blocked":
		p.Status = pgtype.Bool{Bool: false, Valid: true}
	}
	rows, err := s.q.ListPeople(ctx, p)
	if err != nil {
		return nil, false, fmt.Errorf("list people: %w", err)
	}
	more := len(rows) > f.PerPage
	if more {
		rows = rows[:f.PerPage]
	}
	out := make([]Person, 0, len(rows))
	for _, r := range rows {
		out = append(out, Person{ID: r.ID, Name: r.Name, Email: r.Email, IsAdmin: r.IsAdmin, Active: r.Status,
			Roles: r.Roles, Created: r.Created, Login: r.Login})
	}
	return out, more, nil
}

// Person loads one account (not the anonymous user).
func (s *AdminStore) Person(ctx context.Context, id uuid.UUID) (*Person, error) {
	if id == AnonymousID {
		return nil, errs.New(errs.NotFound, "user not found")
	}
	u, err := s.q.GetUser(ctx, id)
	if err != nil {
		return nil, pg.Classify(err, "user not found")
	}
	roles, err := s.q.UserRoles(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("load roles of %s: %w", id, err)
	}
	return &Person{ID: u.ID, Name: u.Name, Email: u.Email, IsAdmin: u.IsAdmin, Active: u.Status, Roles: roles,
		Created: u.Created, Login: u.Login}, nil
}

// AccountInput is what the add and edit forms submit.
type AccountInput struct {
	Name     string
	Email    string
	Password string // required when creating; "" keeps the password on edit
	IsAdmin  bool
	Active   bool
	Roles    []string // stored roles; anonymous and authenticated are implied
}

// validate checks an account's values; field keys match the forms'
// element keys (name, mail, pass, roles).
func (s *AdminStore) validate(ctx context.Context, id uuid.UUID, in *AccountInput, creating bool) error {
	fields := map[string]string{}
	in.Name, in.Email = strings.TrimSpace(in.Name), strings.TrimSpace(in.Email)
	switch {
	case in.Name == "" || len(in.Name) > 60:
		fields["name"] = "A username of 1 to 60 characters is required."
	case strings.ContainsAny(in.Name, "\x00\r\n\t") || strings.Contains(in.Name, "  "):
		fields["name"] = "The username contains an illegal character or repeated spaces."
	case strings.EqualFold(in.Name, "anonymous"):
		fields["name"] = "The username anonymous is reserved."
	}
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
			fields["mail"] = "The email address " + in.Email + " is not valid."
		} else if taken, err := s.q.EmailTaken(ctx, db.EmailTakenParams{Email: in.Email, ID: id}); err != nil {
			return fmt.Errorf("check email: %w", err)
		} else if taken {
			fields["mail"] = "The email address " + in.Email + " is already taken."
		}
	}
	if (creating || in.Password != "") && len(in.Password) < 8 {
		fields["pass"] = "The password must have at least 8 characters."
	}
	roles, err := s.q.ListRoles(ctx)
	if err != nil {
		return fmt.Errorf("list roles: %w", err)
	}
	known := map[string]bool{}
	for _, r := range roles {
		known[r.Name] = r.Name != RoleAnonymous && r.Name != RoleAuthenticated
	}
	in.Roles = slices.Compact(slices.Sorted(slices.Values(in.Roles)))
	for _, r := range in.Roles {
		if !known[r] {
			fields["roles"] = fmt.Sprintf("The role %q cannot be assigned.", r)
		}
	}
	if len(fields) > 0 {
		return errs.InvalidFields(fields)
	}
	return nil
}

// nameTaken is the answer to a unique violation on users.name.
func nameTaken(name string) error {
	return errs.InvalidFields(map[string]string{"name": "The username " + name + " is already taken."})
}

// CreateAccount adds a user with roles and a status, in one transaction.
func (s *AdminStore) CreateAccount(ctx context.Context, in AccountInput) (uuid.UUID, error) {
	if err := s.validate(ctx, uuid.Nil, &in, true); err != nil {
		return uuid.Nil, err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return uuid.Nil, err
	}
	id := uuid.Must(uuid.NewV7())
	err = s.inTx(ctx, func(q *db.Queries) error {
		err := q.CreateUser(ctx, db.CreateUserParams{ID: id, Name: in.Name, Email: in.Email, PassHash: hash, IsAdmin: in.IsAdmin})
		if err != nil {
			if errs.Is(pg.Classify(err, "user"), errs.Conflict) {
				return nameTaken(in.Name)
			}
			return pg.Classify(err, "create user "+in.Name)
		}
		if !in.Active {
			if err := q.SetUserStatus(ctx, db.SetUserStatusParams{ID: id, Status: false}); err != nil {
				return fmt.Errorf("block new user: %w", err)
			}
		}
		return setRoles(ctx, q, id, in.Roles)
	})
	if err == nil {
		fire(s.events.Inserted, ctx, id, in.Name)
	}
	return id, err
}

// UpdateAccount saves an account's name, email, flags and roles, and its
// password when in.Password is set. It refuses to leave the site without an
// active administrator.
func (s *AdminStore) UpdateAccount(ctx context.Context, id uuid.UUID, in AccountInput) error {
	if id == AnonymousID {
		return errs.New(errs.Forbidden, "The anonymous user cannot be edited.")
	}
	if err := s.validate(ctx, id, &in, false); err != nil {
		return err
	}
	var hash string
	if in.Password != "" {
		var err error
		if hash, err = HashPassword(in.Password); err != nil {
			return err
		}
	}
	err := s.inTx(ctx, func(q *db.Queries) error {
		u, err := q.GetUser(ctx, id)
		if err != nil {
			return pg.Classify(err, "user not found")
		}
		if u.IsAdmin && u.Status && (!in.IsAdmin || !in.Active) {
			if err := lastAdminGuard(ctx, q, id, "An administrator must remain: this is the last active administrator account."); err != nil {
				return err
			}
		}
		err = q.UpdateAccount(ctx, db.UpdateAccountParams{ID: id, Name: in.Name, Email: in.Email, IsAdmin: in.IsAdmin, Status: in.Active})
		if err != nil {
			if errs.Is(pg.Classify(err, "user"), errs.Conflict) {
				return nameTaken(in.Name)
			}
			return pg.Classify(err, "update user "+in.Name)
		}
		if hash != "" {
			if err := q.SetPassHash(ctx, db.SetPassHashParams{ID: id, PassHash: hash}); err != nil {
				return fmt.Errorf("set password: %w", err)
			}
		}
		if err := q.ClearUserRoles(ctx, id); err != nil {
			return fmt.Errorf("clear roles: %w", err)
		}
		return setRoles(ctx, q, id, in.Roles)
	})
	if err == nil {
		fire(s.events.Updated, ctx, id, in.Name)
	}
	return err
}

// CheckPassword reports whether password is the user's current password.
func (s *AdminStore) CheckPassword(ctx context.Context, id uuid.UUID, password string) (bool, error) {
	u, err := s.q.GetUser(ctx, id)
	if err != nil {
		return false, pg.Classify(err, "user not found")
	}
	ok, err := CheckPassword(u.PassHash, password)
	if err != nil {
		return false, nil // no usable hash: no password matches
	}
	return ok, nil
}

// SetActive blocks or unblocks a user on behalf of actor. Nobody blocks
// themselves or the last active administrator. A blocked user's sessions
// stop working on their next request (accounts are loaded per request).
func (s *AdminStore) SetActive(ctx context.Context, actor, id uuid.UUID, active bool) error {
	if id == AnonymousID {
		return errs.New(errs.Forbidden, "The anonymous user cannot be blocked or unblocked.")
	}
	if !active && id == actor {
		return errs.New(errs.Forbidden, "You cannot block your own account.")
	}
	var name string
	err := s.inTx(ctx, func(q *db.Queries) error {
		u, err := q.GetUser(ctx, id)
		if err != nil {
			return pg.Classify(err, "user not found")
		}
		name = u.Name
		if !active && u.IsAdmin && u.Status {
			if err := lastAdminGuard(ctx, q, id, "The last active administrator cannot be blocked."); err != nil {
				return err
			}
		}
		return q.SetUserStatus(ctx, db.SetUserStatusParams{ID: id, Status: active})
	})
	if err == nil {
		fire(s.events.Updated, ctx, id, name)
	}
	return err
}

// ContentPolicy says what happens to a deleted user's content.
type ContentPolicy int

const (
	// ReassignContent gives the user's items and revisions to the anonymous
	// user.
	ReassignContent ContentPolicy = iota + 1
	// DeleteContent deletes the user's items with all their revisions; the
	// user's revisions of other people's items are kept, attributed to the
	// anonymous user, so those items' histories stay whole.
	DeleteContent
)

// CountContent is how many items a user wrote.
func (s *AdminStore) CountContent(ctx context.Context, id uuid.UUID) (int64, error) {
	n, err := s.q.CountItemsByAuthor(ctx, id)
	if err != nil {
		return 0, fmt.Errorf("count items of %s: %w", id, err)
	}
	return n, nil
}

// Delete removes a user on behalf of actor, with their content handled by
// policy, in one transaction, and returns how many items were deleted.
// Nobody deletes themselves, the anonymous user or the last active
// administrator.
func (s *AdminStore) Delete(ctx context.Context, actor, id uuid.UUID, policy ContentPolicy) (int64, error) {
	switch {
	case id == AnonymousID:
		return 0, errs.New(errs.Forbidden, "The anonymous user cannot be deleted.")
	case id == actor:
		return 0, errs.New(errs.Forbidden, "You cannot delete your own account.")
	case policy != ReassignContent && policy != DeleteContent:
		return 0, errs.InvalidFields(map[string]string{"method": "Choose what happens to the content."})
	}
	var deleted int64
	var name string
	err := s.inTx(ctx, func(q *db.Queries) error {
		u, err := q.GetUser(ctx, id)
		if err != nil {
			return pg.Classify(err, "user not found")
		}
		name = u.Name
		if u.IsAdmin {
			if err := lastAdminGuard(ctx, q, id, "The last administrator cannot be deleted."); err != nil {
				return err
			}
		}
		if policy == DeleteContent {
			if deleted, err = q.DeleteItemsByAuthor(ctx, id); err != nil {
				return pg.Classify(err, "delete the user's content")
			}
		} else if err := q.ReassignItems(ctx, db.ReassignItemsParams{ToID: AnonymousID, FromID: id}); err != nil {
			return pg.Classify(err, "reassign the user's content")
		}
		if err := q.ReassignRevisions(ctx, db.ReassignRevisionsParams{ToID: AnonymousID, FromID: id}); err != nil {
			return pg.Classify(err, "reassign the user's revisions")
		}
		if _, err := q.DeleteUser(ctx, id); err != nil {
			return pg.Classify(err, "delete user "+u.Name)
		}
		return nil
	})
	if err == nil {
		fire(s.events.Deleted, ctx, id, name)
	}
	return deleted, err
}

// lastAdminGuard answers Conflict with msg unless another active
// administrator than id exists. It takes the administrators lock first.
func lastAdminGuard(ctx context.Context, q *db.Queries, id uuid.UUID, msg string) error {
	if err := q.LockAdmins(ctx); err != nil {
		return fmt.Errorf("lock administrators: %w", err)
	}
	n, err := q.CountOtherActiveAdmins(ctx, id)
	if err != nil {
		return fmt.Errorf("count administrators: %w", err)
	}
	if n == 0 {
		return errs.New(errs.Conflict, "%s", msg)
	}
	return nil
}

func setRoles(ctx context.Context, q *db.Queries, id uuid.UUID, roles []string) error {
	for _, r := range roles {
		if err := q.AddUserRole(ctx, db.AddUserRoleParams{UserID: id, Role: r}); err != nil {
			return pg.Classify(err, "add role "+r)
		}
	}
	return nil
}

// inTx runs fn in a transaction, committed when fn returns nil.
func (s *AdminStore) inTx(ctx context.Context, fn func(q *db.Queries) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if err := fn(s.q.WithTx(tx)); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Role is a role as the roles page lists it.
type Role struct {
	Name   string // machine name
	Label  string
	Weight int
	Users  int64 // users holding it (0 for the built-in roles)
}

// BuiltIn reports whether the role is anonymous or authenticated, which
// cannot be deleted or assigned.
func (r Role) BuiltIn() bool { return r.Name == RoleAnonymous || r.Name == RoleAuthenticated }

// Roles lists every role by weight.
func (s *AdminStore) Roles(ctx context.Context) ([]Role, error) {
	rows, err := s.q.ListRoles(ctx)
	if err != nil {
		return nil, fmt.Errorf("list roles: %w", err)
	}
	out := make([]Role, 0, len(rows))
	for _, r := range rows {
		out = append(out, Role{Name: r.Name, Label: r.Label, Weight: int(r.Weight), Users: r.Users})
	}
	return out, nil
}

// Role loads one role.
func (s *AdminStore) Role(ctx context.Context, name string) (*Role, error) {
	r, err := s.q.GetRole(ctx, name)
	if err != nil {
		return nil, pg.Classify(err, "role not found")
	}
	return &Role{Name: r.Name, Label: r.Label, Weight: int(r.Weight)}, nil
}

var roleName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// RoleMachineName derives a role's machine name from its label:
// "Content editor" → "content_editor".
func RoleMachineName(label string) string { return form.MachineName(label) }

// CreateRole adds a role named after its label and returns the machine name.
func (s *AdminStore) CreateRole(ctx context.Context, label string) (string, error) {
	label = strings.TrimSpace(label)
	if label == "" || len(label) > 64 {
		return "", errs.InvalidFields(map[string]string{"label": "A role name of 1 to 64 characters is required."})
	}
	name := RoleMachineName(label)
	if !roleName.MatchString(name) {
		return "", errs.InvalidFields(map[string]string{"label": "The role name needs at least one letter."})
	}
	err := s.q.CreateRole(ctx, db.CreateRoleParams{Name: name, Label: label})
	if err != nil {
		if errs.Is(pg.Classify(err, "role"), errs.Conflict) {
			return "", errs.InvalidFields(map[string]string{"label": "The machine name " + name + " is already in use."})
		}
		return "", pg.Classify(err, "create role "+name)
	}
	return name, nil
}

// RenameRole changes a role's label; the machine name never changes.
func (s *AdminStore) RenameRole(ctx context.Context, name, label string) error {
	label = strings.TrimSpace(label)
	if label == "" || len(label) > 64 {
		return errs.InvalidFields(map[string]string{"label": "A role name of 1 to 64 characters is required."})
	}
	n, err := s.q.UpdateRoleLabel(ctx, db.UpdateRoleLabelParams{Name: name, Label: label})
	if err != nil {
		return pg.Classify(err, "rename role "+name)
	}
	if n == 0 {
		return errs.New(errs.NotFound, "role not found")
	}
	return nil
}

// DeleteRole deletes a role; its users lose it and its grants go with it.
// The built-in anonymous and authenticated roles cannot be deleted.
func (s *AdminStore) DeleteRole(ctx context.Context, name string) error {
	if (Role{Name: name}).BuiltIn() {
		return errs.New(errs.Forbidden, "The %s role is built in and cannot be deleted.", name)
	}
	n, err := s.q.DeleteRole(ctx, name)
	if err != nil {
		return pg.Classify(err, "delete role "+name)
	}
	if n == 0 {
		return errs.New(errs.NotFound, "role not found")
	}
	return nil
}

// Grants returns the permissions each role holds: role → permission → true.
func (s *AdminStore) Grants(ctx context.Context) (map[string]map[string]bool, error) {
	rows, err := s.q.AllRolePermissions(ctx)
	if err != nil {
		return nil, fmt.Errorf("load grants: %w", err)
	}
	out := map[string]map[string]bool{}
	for _, r := range rows {
		if out[r.Role] == nil {
			out[r.Role] = map[string]bool{}
		}
		out[r.Role][r.Permission] = true
	}
	return out, nil
}

// SavePermissions replaces the grants of the listed permissions with
// grants (role → permissions), in one transaction. Grants of permissions
// not listed (e.g. of a disabled plugin) are left as they are, and
// grants naming a permission that is not listed are refused.
func (s *AdminStore) SavePermissions(ctx context.Context, listed []string, grants map[string][]string) error {
	known := map[string]bool{}
	for _, p := range listed {
		known[p] = true
	}
	for role, perms := range grants {
		for _, p := range perms {
			if !known[p] {
				return errs.New(errs.Invalid, "The permission %q of role %s is not on the list.", p, role)
			}
		}
	}
	return s.inTx(ctx, func(q *db.Queries) error {
		if err := q.RevokePermissions(ctx, listed); err != nil {
			return fmt.Errorf("revoke permissions: %w", err)
		}
		for _, role := range slices.Sorted(maps.Keys(grants)) {
			for _, p := range grants[role] {
				if err := q.GrantPermission(ctx, db.GrantPermissionParams{Role: role, Permission: p}); err != nil {
					return pg.Classify(err, "grant "+p+" to "+role)
				}
			}
		}
		return nil
	})
}
