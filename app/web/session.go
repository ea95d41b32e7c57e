package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/session"
	"github.com/google/uuid"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/user"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "trovato_session"

// Session keys.
const (
	keyUserID = "uid"
	keyCSRF   = "csrf"
	keyFlash  = "flash"
)

// Accounts is what the auth middleware needs from the user store.
type Accounts interface {
	Load(ctx context.Context, id uuid.UUID) (*user.Account, error)
	Anonymous(ctx context.Context) (*user.Account, error)
	AuthenticateToken(ctx context.Context, token string) (*user.Account, error)
}

// Sessions wraps fiber's session store with Trovato's keys: the logged-in
// user, the CSRF token and flash messages.
type Sessions struct {
	store    *session.Store
	accounts Accounts

	anonMu      sync.Mutex
	anon        *user.Account
	anonExpires time.Time
}

// NewSessions builds the session layer; storage nil means in-process memory.
func NewSessions(storage fiber.Storage, accounts Accounts, secureCookie bool) *Sessions {
	return &Sessions{
		store: session.New(session.Config{
			Storage:        storage,
			Expiration:     14 * 24 * time.Hour,
			KeyLookup:      "cookie:" + SessionCookie,
			CookieHTTPOnly: true,
			CookieSecure:   secureCookie,
			CookieSameSite: "Lax",
			CookiePath:     "/",
		}),
		accounts: accounts,
	}
}

const (
	localAccount = "trovato.account"
	localSession = "trovato.session"
	localToken   = "trovato.token-auth"
)

// anonymousTTL bounds how long a node keeps the anonymous role's permissions
// in memory; anonymous page views then need no permission query.
const anonymousTTL = 10 * time.Second

func (s *Sessions) anonymous(ctx context.Context) (*user.Account, error) {
	s.anonMu.Lock()
	defer s.anonMu.Unlock()
	if s.anon != nil && time.Now().Before(s.anonExpires) {
		return s.anon, nil
	}
	a, err := s.accounts.Anonymous(ctx)
	if err != nil {
		return nil, err
	}
	s.anon, s.anonExpires = a, time.Now().Add(anonymousTTL)
	return a, nil
}

// Middleware resolves the current account: from a Bearer API token, from the
// session cookie, or anonymous. A request without a session cookie never
// touches the session store.
func (s *Sessions) Middleware() fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		if auth := c.Get(fiber.HeaderAuthorization); auth != "" {
			token, ok := strings.CutPrefix(auth, "Bearer ")
			if !ok {
				return user.ErrBadToken
			}
			acct, err := s.accounts.AuthenticateToken(ctx, strings.TrimSpace(token))
			if err != nil {
				return err
			}
			c.Locals(localAccount, acct)
			c.Locals(localToken, true)
			return c.Next()
		}
		if c.Cookies(SessionCookie) != "" {
			sess, err := s.store.Get(c)
			if err != nil {
				return fmt.Errorf("load session: %w", err)
			}
			c.Locals(localSession, sess)
			if raw, ok := sess.Get(keyUserID).(string); ok {
				if id, err := uuid.Parse(raw); err == nil {
					acct, err := s.accounts.Load(ctx, id)
					switch {
					case err == nil:
						c.Locals(localAccount, acct)
					case errs.Is(err, errs.NotFound), errs.Is(err, errs.Forbidden):
						// Deleted or blocked since login: end the session.
						sess.Delete(keyUserID)
						if err := sess.Save(); err != nil {
							return err
						}
					default:
						return err
					}
				}
			}
		}
		if c.Locals(localAccount) == nil {
			acct, err := s.anonymous(ctx)
			if err != nil {
				return err
			}
			c.Locals(localAccount, acct)
		}
		return c.Next()
	}
}

// Account returns the current account (anonymous when not logged in).
func Account(c *fiber.Ctx) *user.Account {
	a, _ := c.Locals(localAccount).(*user.Account)
	return a
}

// session returns the request's session, creating one when needed.
func (s *Sessions) session(c *fiber.Ctx) (*session.Session, error) {
	if sess, ok := c.Locals(localSession).(*session.Session); ok {
		return sess, nil
	}
	sess, err := s.store.Get(c)
	if err != nil {
		return nil, fmt.Errorf("start session: %w", err)
	}
	c.Locals(localSession, sess)
	return sess, nil
}

// Login starts an authenticated session for acct, with a new session id
// (so a session id fixed before login is worthless) and a new CSRF token.
func (s *Sessions) Login(c *fiber.Ctx, acct *user.Account) error {
	sess, err := s.session(c)
	if err != nil {
		return err
	}
	if err := sess.Regenerate(); err != nil {
		return fmt.Errorf("rotate session id: %w", err)
	}
	sess.Set(keyUserID, acct.ID.String())
	sess.Set(keyCSRF, newToken())
	c.Locals(localAccount, acct)
	return sess.Save()
}

// Logout destroys the session.
func (s *Sessions) Logout(c *fiber.Ctx) error {
	sess, err := s.session(c)
	if err != nil {
		return err
	}
	return sess.Destroy()
}

// CSRFToken returns the session's CSRF token, creating the session and the
// token on first use. Forms put it in a hidden input named csrf_token.
func (s *Sessions) CSRFToken(c *fiber.Ctx) (string, error) {
	if IsTokenAuth(c) {
		return "", nil
	}
	sess, err := s.session(c)
	if err != nil {
		return "", err
	}
	if t, ok := sess.Get(keyCSRF).(string); ok && t != "" {
		return t, nil
	}
	t := newToken()
	sess.Set(keyCSRF, t)
	if err := sess.Save(); err != nil {
		return "", fmt.Errorf("save session: %w", err)
	}
	return t, nil
}

// IsTokenAuth reports whether the request authenticated with an API token.
// Such requests carry no cookies, so they need no CSRF token.
func IsTokenAuth(c *fiber.Ctx) bool {
	v, _ := c.Locals(localToken).(bool)
	return v
}

// ErrCSRF is the answer to a state change without a valid CSRF token.
var ErrCSRF = errs.New(errs.Forbidden, "This form has expired or did not come from this site. Reload the page and try again.")

// CSRF rejects unsafe requests (POST, PUT, PATCH, DELETE) whose token, from
// the X-CSRF-Token header or the csrf_token form field, does not match the
// session's. Requests authenticated by an API token are exempt: they carry
// no ambient credentials a third-party page could abuse.
func (s *Sessions) CSRF() fiber.Handler {
	return func(c *fiber.Ctx) error {
		switch c.Method() {
		case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
			return c.Next()
		}
		if IsTokenAuth(c) {
			return c.Next()
		}
		sent := c.Get(CSRFHeader)
		if sent == "" {
			sent = c.FormValue(CSRFField)
		}
		sess, ok := c.Locals(localSession).(*session.Session)
		if !ok && SentJSON(c) {
			// No session means no ambient credentials: the request is
			// anonymous and handlers answer it as such (401 where a token is
			// needed). Browsers cannot send cross-site JSON without a CORS
			// preflight, which this site never grants.
			return c.Next()
		}
		if !ok || sent == "" {
			return ErrCSRF
		}
		want, _ := sess.Get(keyCSRF).(string)
		if want == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(want)) != 1 {
			return ErrCSRF
		}
		return c.Next()
	}
}

// Flash queues a message for the next page the user sees.
func (s *Sessions) Flash(c *fiber.Ctx, msg string) error {
	sess, err := s.session(c)
	if err != nil {
		return err
	}
	prev, _ := sess.Get(keyFlash).(string)
	if prev != "" {
		msg = prev + "\n" + msg
	}
	sess.Set(keyFlash, msg)
	return sess.Save()
}

// Messages takes the queued flash messages.
func (s *Sessions) Messages(c *fiber.Ctx) ([]string, error) {
	sess, ok := c.Locals(localSession).(*session.Session)
	if !ok {
		return nil, nil
	}
	msg, _ := sess.Get(keyFlash).(string)
	if msg == "" {
		return nil, nil
	}
	sess.Delete(keyFlash)
	if err := sess.Save(); err != nil {
		return nil, err
	}
	return strings.Split(msg, "\n"), nil
}

func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(errors.Join(errors.New("crypto/rand failed"), err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
