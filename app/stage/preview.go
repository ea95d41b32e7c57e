package stage

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/trovato/trovato/app/db"
	"github.com/trovato/trovato/app/errs"
)

// previewKeyName is the config row holding the HMAC key of preview links:
// 32 random bytes made on first use, shared by every node through Postgres.
const previewKeyName = "stage_preview_key"

// DefaultPreviewTTL is how long a new preview link works.
const DefaultPreviewTTL = 7 * 24 * time.Hour

// Preview link errors.
var (
	ErrPreviewInvalid = errs.New(errs.Forbidden, "This preview link is not valid. Ask for a new one.")
	ErrPreviewExpired = fiber.NewError(fiber.StatusGone, "This preview link has expired. Ask for a new one.")
)

// previewKey loads (creating on first use) the preview signing key.
type previewKey struct {
	mu  sync.Mutex
	key []byte
}

func (s *Service) signingKey(ctx context.Context) ([]byte, error) {
	s.pk.mu.Lock()
	defer s.pk.mu.Unlock()
	if s.pk.key != nil {
		return s.pk.key, nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	fresh, _ := json.Marshal(hex.EncodeToString(b))
	if _, err := s.pool.Exec(ctx, "INSERT INTO config (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
		previewKeyName, fresh); err != nil {
		return nil, fmt.Errorf("store preview key: %w", err)
	}
	raw, err := db.New(s.pool).GetConfig(ctx, previewKeyName)
	if err != nil {
		return nil, fmt.Errorf("load preview key: %w", err)
	}
	var h string
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil, fmt.Errorf("decode preview key: %w", err)
	}
	key, err := hex.DecodeString(h)
	if err != nil || len(key) < 16 {
		return nil, fmt.Errorf("preview key is malformed")
	}
	s.pk.key = key
	return key, nil
}

func sign(key []byte, payload string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// PreviewToken returns a signed token letting its holder read stage id
// until expires.
func (s *Service) PreviewToken(ctx context.Context, id string, expires time.Time) (string, error) {
	key, err := s.signingKey(ctx)
	if err != nil {
		return "", err
	}
	payload := id + "." + strconv.FormatInt(expires.Unix(), 10)
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + sign(key, payload), nil
}

// VerifyPreview checks a preview token and returns its stage id: a bad
// signature is ErrPreviewInvalid (403), a past expiry ErrPreviewExpired (410).
func (s *Service) VerifyPreview(ctx context.Context, token string, now time.Time) (string, time.Time, error) {
	enc, sig, ok := strings.Cut(token, ".")
	if !ok {
		return "", time.Time{}, ErrPreviewInvalid
	}
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return "", time.Time{}, ErrPreviewInvalid
	}
	key, err := s.signingKey(ctx)
	if err != nil {
		return "", time.Time{}, err
	}
	payload := string(raw)
	if !hmac.Equal([]byte(sign(key, payload)), []byte(sig)) {
		return "", time.Time{}, ErrPreviewInvalid
	}
	id, exp, ok := strings.Cut(payload, ".")
	unix, err := strconv.ParseInt(exp, 10, 64)
	if !ok || err != nil {
		return "", time.Time{}, ErrPreviewInvalid
	}
	expires := time.Unix(unix, 0)
	if !now.Before(expires) {
		return "", time.Time{}, ErrPreviewExpired
	}
	return id, expires, nil
}
