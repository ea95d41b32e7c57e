// Package user owns accounts, roles and permissions, Argon2id passwords, API
// tokens, and the login and logout pages.
//
// Authorization follows Drupal: a user holds roles, roles hold permissions,
// every visitor holds the "anonymous" role and every logged-in user the
// "authenticated" role. An account flagged is_admin holds every permission
// (the explicit replacement for Drupal's "user 1").
package user

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/trovato/trovato/app/db"
	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/pg"
)

// AnonymousID is the fixed id of the anonymous user row.
var AnonymousID = uuid.Nil

// Account is who is making a request: a user with resolved permissions, or
// the anonymous visitor.
type Account struct {
	ID          uuid.UUID
	Name        string
	IsAdmin     bool
	Roles       []string
	Permissions []string
}

// Anonymous is the account of a visitor who is not logged in.
func (s *Store) Anonymous(ctx context.Context) (*Account, error) {
	perms, err := s.q.RolePermissions(ctx, []string{"anonymous"})
	if err != nil {
		return nil, fmt.Errorf("load anonymous permissions: %w", err)
	}
	slices.Sort(perms)
	return &Account{ID: AnonymousID, Name: "anonymous", Roles: []string{"anonymous"}, Permissions: perms}, nil
}

// IsAuthenticated reports whether the account is a logged-in user.
func (a *Account) IsAuthenticated() bool { return a != nil && a.ID != AnonymousID }

// Can reports whether the account holds a permission.
func (a *Account) Can(permission string) bool {
	if a == nil {
		return false
	}
	if a.IsAdmin {
		return true
	}
	_, found := slices.BinarySearch(a.Permissions, permission)
	return found
}

// Store reads and writes accounts and tokens.
type Store struct {
	q      *db.Queries
	events Events // events.go
}

// NewStore returns a store over the pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{q: db.New(pool)} }

// Create adds a user with a password; admins hold every permission.
func (s *Store) Create(ctx context.Context, name, password string, admin bool) (uuid.UUID, error) {
	name = strings.TrimSpace(name)
	fields := map[string]string{}
	if name == "" || len(name) > 60 {
		fields["name"] = "A username of 1 to 60 characters is required."
	}
	if len(password) < 8 {
		fields["pass"] = "The password must have at least 8 characters."
	}
	if len(fields) > 0 {
		return uuid.Nil, errs.InvalidFields(fields)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return uuid.Nil, err
	}
	id := uuid.Must(uuid.NewV7())
	if err := s.q.CreateUser(ctx, db.CreateUserParams{ID: id, Name: name, PassHash: hash, IsAdmin: admin}); err != nil {
		return uuid.Nil, pg.Classify(err, fmt.Sprintf("create user %q", name))
	}
	fire(s.events.Inserted, ctx, id, name)
	return id, nil
}

// AddRole gives a user a role.
func (s *Store) AddRole(ctx context.Context, id uuid.UUID, role string) error {
	return pg.Classify(s.q.AddUserRole(ctx, db.AddUserRoleParams{UserID: id, Role: role}), "add role "+role)
}

// Authenticate checks a name and password; blocked users and wrong
// passwords get the same answer so a login form cannot probe for names.
func (s *Store) Authenticate(ctx context.Context, name, password string) (*Account, error) {
	denied := errs.New(errs.Unauthorized, "Unrecognized username or password.")
	u, err := s.q.GetUserByName(ctx, strings.TrimSpace(name))
	if err != nil {
		if errs.Is(pg.Classify(err, "user"), errs.NotFound) {
			// Spend the same time as a real check.
			_, _ = CheckPassword(dummyHash, password)
			return nil, denied
		}
		return nil, fmt.Errorf("load user: %w", err)
	}
	ok, err := CheckPassword(u.PassHash, password)
	if err != nil || !ok || !u.Status {
		return nil, denied
	}
	if err := s.q.TouchLogin(ctx, u.ID); err != nil {
		return nil, fmt.Errorf("record login: %w", err)
	}
	return s.account(ctx, u)
}

// dummyHash is checked against when the name is unknown, so response time
// does not reveal which names exist.
var dummyHash, _ = HashPassword("trovato-dummy-password")

// Load returns the account of an active user by id.
func (s *Store) Load(ctx context.Context, id uuid.UUID) (*Account, error) {
	u, err := s.q.GetUser(ctx, id)
	if err != nil {
		return nil, pg.Classify(err, "user not found")
	}
	if !u.Status {
		return nil, errs.New(errs.Forbidden, "This account is blocked.")
	}
	return s.account(ctx, u)
}

// LoadByName returns the account of a user by name.
func (s *Store) LoadByName(ctx context.Context, name string) (*Account, error) {
	u, err := s.q.GetUserByName(ctx, name)
	if err != nil {
		return nil, pg.Classify(err, fmt.Sprintf("no user named %q", name))
	}
	return s.account(ctx, u)
}

func (s *Store) account(ctx context.Context, u db.User) (*Account, error) {
	roles, err := s.q.UserRoles(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("load roles: %w", err)
	}
	roles = append([]string{"anonymous", "authenticated"}, roles...)
	perms, err := s.q.RolePermissions(ctx, roles[1:])
	if err != nil {
		return nil, fmt.Errorf("load permissions: %w", err)
	}
	slices.Sort(perms) // Can uses binary search in Go's byte order, not the collation's
	return &Account{ID: u.ID, Name: u.Name, IsAdmin: u.IsAdmin, Roles: roles[1:], Permissions: perms}, nil
}

// tokenPrefix marks Trovato API tokens so secret scanners can find them.
const tokenPrefix = "trv_"

// CreateToken makes a new API token for a user and returns it; only its
// SHA-256 digest is stored, so the token is shown exactly once.
func (s *Store) CreateToken(ctx context.Context, userID uuid.UUID, label string) (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("read token bytes: %w", err)
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	sum := sha256.Sum256([]byte(token))
	err := s.q.CreateToken(ctx, db.CreateTokenParams{ID: uuid.Must(uuid.NewV7()), UserID: userID, TokenHash: sum[:], Label: label})
	if err != nil {
		return "", pg.Classify(err, "store token")
	}
	return token, nil
}

// ErrBadToken is returned for a missing, unknown or malformed token.
var ErrBadToken = errs.New(errs.Unauthorized, "A valid API token is required (Authorization: Bearer <token>).")

// AuthenticateToken returns the account owning an API token.
func (s *Store) AuthenticateToken(ctx context.Context, token string) (*Account, error) {
	if !strings.HasPrefix(token, tokenPrefix) {
		return nil, ErrBadToken
	}
	sum := sha256.Sum256([]byte(token))
	u, err := s.q.UserByTokenHash(ctx, sum[:])
	if err != nil {
		if errs.Is(pg.Classify(err, "token"), errs.NotFound) {
			return nil, ErrBadToken
		}
		return nil, fmt.Errorf("look up token: %w", err)
	}
	if !u.Status {
		return nil, ErrBadToken
	}
	return s.account(ctx, u)
}

// Grant gives a role a permission.
func (s *Store) Grant(ctx context.Context, role, permission string) error {
	return pg.Classify(s.q.GrantPermission(ctx, db.GrantPermissionParams{Role: role, Permission: permission}), "grant permission")
}

// HasAdmin reports whether any administrator account exists.
func (s *Store) HasAdmin(ctx context.Context) (bool, error) {
	n, err := s.q.CountAdmins(ctx)
	if err != nil {
		return false, errors.Join(errors.New("count admins"), err)
	}
	return n > 0, nil
}
