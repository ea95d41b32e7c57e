package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/trovato/trovato/app/server"
	"github.com/trovato/trovato/app/testenv"
)

const adminPassword = "correct horse battery"

// newSite returns a set-up server (admin account, demo pages, the
// recent-pages listing) on a fresh database with the real plugins.
func newSite(t *testing.T, mutate ...func(*server.Config)) *server.Server {
	t.Helper()
	return startSite(t, testenv.Database(t), testenv.Plugins(t), mutate...)
}

// startSite starts a server on an existing database and plugins directory
// and runs Setup (which does nothing the second time).
func startSite(t *testing.T, dbURL, pluginsDir string, mutate ...func(*server.Config)) *server.Server {
	t.Helper()
	ctx := context.Background()
	cfg := server.Config{
		DatabaseURL: dbURL,
		RedisURL:    testenv.RedisURL(),
		PluginsDir:  pluginsDir,
		DataDir:     testenv.DataDir(t),
		SiteName:    "Test site",
	}
	for _, m := range mutate {
		m(&cfg)
	}
	s, err := server.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	if _, _, err := s.Setup(ctx, adminPassword, io.Discard); err != nil {
		t.Fatalf("Setup: %v", err)
	}
	return s
}

// client drives the in-process app like a browser: it keeps cookies.
type client struct {
	t       *testing.T
	s       *server.Server
	cookies map[string]string
}

func newClient(t *testing.T, s *server.Server) *client {
	return &client{t: t, s: s, cookies: map[string]string{}}
}

type response struct {
	status int
	header http.Header
	body   string
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("response is not JSON (%v): %s", err, r.body)
	}
	return m
}

func (c *client) do(method, target string, body io.Reader, header map[string]string) response {
	c.t.Helper()
	req := httptest.NewRequest(method, target, body)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := c.s.App.Test(req, -1)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, ck := range resp.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func (c *client) get(target string) response { return c.do("GET", target, nil, nil) }

func (c *client) postForm(target string, values url.Values) response {
	return c.do("POST", target, strings.NewReader(values.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
}

func (c *client) postJSON(target, token, body string) response {
	h := map[string]string{"Content-Type": "application/json", "Accept": "application/json"}
	if token != "" {
		h["Authorization"] = "Bearer " + token
	}
	return c.do("POST", target, strings.NewReader(body), h)
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf reads the CSRF token from a page's form.
func csrf(t *testing.T, page response) string {
	t.Helper()
	m := csrfInput.FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("no csrf_token input in page:\n%s", page.body)
	}
	return m[1]
}

// login logs the client in through the login form.
func (c *client) login(name, pass string) {
	c.t.Helper()
	form := c.get("/user/login")
	r := c.postForm("/user/login", url.Values{"csrf_token": {csrf(c.t, form)}, "name": {name}, "pass": {pass}})
	if r.status != http.StatusSeeOther {
		c.t.Fatalf("login as %s: status %d\n%s", name, r.status, r.body)
	}
}

// token creates an API token for the named user.
func token(t *testing.T, s *server.Server, name string) string {
	t.Helper()
	acct, err := s.Users.LoadByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := s.Users.CreateToken(context.Background(), acct.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("body lacks %q:\n%s", w, body)
		}
	}
}

func mustNotContain(t *testing.T, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("body contains %q:\n%s", w, body)
		}
	}
}

var buildIDInput = regexp.MustCompile(`name="form_build_id" value="([^"]+)"`)
