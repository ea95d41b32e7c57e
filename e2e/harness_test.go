package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/mxschmitt/playwright-go"
)

// Credentials of the administrator that `bin/trovato setup` creates in the e2e database.
const (
	adminName = "admin"
	adminPass = "e2e-Admin-Passw0rd"
)

// loginPath is the login form's URL (Drupal's).
const loginPath = "/user/login"

// Timeouts: Playwright actions and assertions, and the application's start.
const (
	actionTimeout  = 10 * time.Second
	expectTimeout  = 5 * time.Second
	startupTimeout = 30 * time.Second
	setupTimeout   = 2 * time.Minute
)

var (
	// repoRoot is the repository's absolute path (the parent of e2e/).
	repoRoot string
	// artifactsDir receives screenshots of failed tests (git-ignored).
	artifactsDir string

	pw      *playwright.Playwright
	browser playwright.Browser
	// expect holds Playwright's web-first assertions (they retry until expectTimeout).
	expect playwright.PlaywrightAssertions

	// baseURL is the running application's root URL, without a trailing slash, e.g. http://127.0.0.1:41234.
	// It is set once newPage (or startApp) has returned in the current test.
	baseURL string

	appOnce sync.Once
	appErr  error
	theApp  *app
)

// TestMain starts the Playwright driver and Chromium once for all tests, and tears down the browser and, if a
// test started it, the application and its database.
func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	if repoRoot, err = findRepoRoot(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	artifactsDir = filepath.Join(repoRoot, "e2e", "artifacts")

	stopBrowser, err := startBrowser()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: browser:", err)
		return 1
	}
	code := m.Run()
	if theApp != nil {
		if code != 0 {
			theApp.dumpLog(os.Stderr)
		}
		if err := theApp.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: stop application:", err)
			code = 1
		}
	}
	if err := stopBrowser(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: stop browser:", err)
	}
	return code
}

func findRepoRoot() (string, error) {
	dir, err := filepath.Abs("..") // go test runs in the package directory, e2e/
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		return "", fmt.Errorf("no go.mod in %s: run the tests with go test from the repository", dir)
	}
	return dir, nil
}

func getenv(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// ---- browser -------------------------------------------------------------------------------------------------

// startBrowser runs the Playwright driver from node_modules/playwright-core with the system's node, and launches
// Debian's Chromium. It returns the function that stops both.
func startBrowser() (func() error, error) {
	pkg := filepath.Join(repoRoot, "node_modules", "playwright-core")
	if _, err := os.Stat(filepath.Join(pkg, "cli.js")); err != nil {
		return nil, fmt.Errorf("%s is missing: run `make deps` (npm ci --ignore-scripts)", pkg)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errors.New("node is not on PATH (Debian: apt-get install nodejs)")
	}
	chromium := getenv("TROVATO_E2E_CHROMIUM", "/usr/bin/chromium")
	if _, err := os.Stat(chromium); err != nil {
		return nil, fmt.Errorf("%s is missing (Debian: apt-get install chromium)", chromium)
	}

	// The driver directory layout playwright-go expects: package/ (cli.js) and node. Symlinks, so nothing is copied
	// and nothing is downloaded; playwright.Run checks that package/ is playwright-core 1.64.1.
	driverDir, err := os.MkdirTemp("", "trovato-pw-driver-")
	if err != nil {
		return nil, err
	}
	if err := os.Symlink(pkg, filepath.Join(driverDir, "package")); err != nil {
		return nil, err
	}
	if err := os.Symlink(node, filepath.Join(driverDir, "node")); err != nil {
		return nil, err
	}
	if pw, err = playwright.Run(&playwright.RunOptions{
		DriverDirectory:     driverDir,
		SkipInstallBrowsers: true,
		Verbose:             false,
	}); err != nil {
		os.RemoveAll(driverDir)
		return nil, fmt.Errorf("start playwright driver: %w", err)
	}
	headless := os.Getenv("TROVATO_E2E_HEADED") == ""
	args := []string{
		"--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		// Keep Chromium off the network: this machine reaches nothing but loopback.
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
	}
	if headless {
		args = append([]string{"--headless"}, args...)
	}
	if browser, err = pw.Chromium.Launch(playwright.BrowserTypeLaunchOptions{
		ExecutablePath: playwright.String(chromium),
		Headless:       playwright.Bool(headless),
		Args:           args,
	}); err != nil {
		pw.Stop()
		os.RemoveAll(driverDir)
		return nil, fmt.Errorf("launch %s: %w", chromium, err)
	}
	expect = playwright.NewPlaywrightAssertions(float64(expectTimeout.Milliseconds()))
	return func() error {
		err := errors.Join(browser.Close(), pw.Stop())
		os.RemoveAll(driverDir)
		return err
	}, nil
}

// newBrowserPage opens a page in a fresh browser context (its own cookies and storage) that is closed when the
// test ends; when the test has failed, a full-page screenshot is saved to e2e/artifacts/<TestName>.png first, and
// the page's console errors and uncaught exceptions are logged. base, when not empty, is the context's base URL,
// so that page.Goto("/admin") works.
func newBrowserPage(t testing.TB, base string) playwright.Page {
	t.Helper()
	return newBrowserPageWith(t, base, true)
}

// newBrowserPageWith is newBrowserPage with JavaScript on or off (to prove
// that every htmx interaction also works as a plain form submit or link).
func newBrowserPageWith(t testing.TB, base string, javaScript bool) playwright.Page {
	t.Helper()
	opts := playwright.BrowserNewContextOptions{
		Viewport:          &playwright.Size{Width: 1280, Height: 900},
		JavaScriptEnabled: playwright.Bool(javaScript),
	}
	if base != "" {
		opts.BaseURL = playwright.String(base)
	}
	bctx, err := browser.NewContext(opts)
	if err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	page, err := bctx.NewPage()
	if err != nil {
		bctx.Close()
		t.Fatalf("new page: %v", err)
	}
	page.SetDefaultTimeout(float64(actionTimeout.Milliseconds()))
	page.SetDefaultNavigationTimeout(float64(actionTimeout.Milliseconds()))

	// Events arrive on the driver's goroutine; keep them and log them from the test's goroutine.
	var mu sync.Mutex
	var pageLog []string
	page.OnConsole(func(msg playwright.ConsoleMessage) {
		if msg.Type() == "error" || msg.Type() == "warning" {
			mu.Lock()
			pageLog = append(pageLog, fmt.Sprintf("console %s: %s", msg.Type(), msg.Text()))
			mu.Unlock()
		}
	})
	page.OnPageError(func(err error) {
		mu.Lock()
		pageLog = append(pageLog, "uncaught exception: "+err.Error())
		mu.Unlock()
	})

	t.Cleanup(func() {
		if t.Failed() {
			mu.Lock()
			for _, l := range pageLog {
				t.Log("page:", l)
			}
			mu.Unlock()
			t.Logf("page URL at failure: %s", page.URL())
			if path, err := screenshot(t, page); err != nil {
				t.Logf("screenshot: %v", err)
			} else {
				t.Logf("screenshot: %s", path)
			}
		}
		if err := bctx.Close(); err != nil {
			t.Errorf("close browser context: %v", err)
		}
	})
	return page
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// screenshot saves a full-page screenshot of page to e2e/artifacts/<TestName>.png and returns its path.
func screenshot(t testing.TB, page playwright.Page) (string, error) {
	if err := os.MkdirAll(artifactsDir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(artifactsDir, unsafeName.ReplaceAllString(t.Name(), "_")+".png")
	_, err := page.Screenshot(playwright.PageScreenshotOptions{
		Path:     playwright.String(path),
		FullPage: playwright.Bool(true),
		Timeout:  playwright.Float(5000),
	})
	return path, err
}

// newPageNoJS is newPage with JavaScript disabled.
func newPageNoJS(t testing.TB) playwright.Page {
	t.Helper()
	startApp(t)
	return newBrowserPageWith(t, baseURL, false)
}

// newPage starts the application if it is not running yet (once per test binary), then opens a page whose base
// URL is the application's: page.Goto("/user/login").
func newPage(t testing.TB) playwright.Page {
	t.Helper()
	startApp(t)
	return newBrowserPage(t, baseURL)
}

// field locates the form input whose <label> reads exactly label, ignoring the required-field marker ("Title *"):
// field(page, "Title").Fill("Hello").
func field(page playwright.Page, label string) playwright.Locator {
	return page.GetByLabel(regexp.MustCompile(`^\s*` + regexp.QuoteMeta(label) + `\s*\*?\s*$`))
}

// login signs in through the login form: the inputs labelled "Username" and "Password" and the "Log in" button.
// It fails the test unless the browser has left the login page afterwards.
func login(t testing.TB, page playwright.Page, name, pass string) {
	t.Helper()
	if _, err := page.Goto(loginPath); err != nil {
		t.Fatalf("open %s: %v", loginPath, err)
	}
	if err := field(page, "Username").Fill(name); err != nil {
		t.Fatalf("fill Username: %v", err)
	}
	if err := field(page, "Password").Fill(pass); err != nil {
		t.Fatalf("fill Password: %v", err)
	}
	if err := page.GetByRole(*playwright.AriaRoleButton, playwright.PageGetByRoleOptions{Name: "Log in"}).Click(); err != nil {
		t.Fatalf("click Log in: %v", err)
	}
	if err := page.WaitForURL(func(u string) bool { return !strings.Contains(u, loginPath) }); err != nil {
		t.Fatalf("still on the login page after logging in as %q: %v", name, err)
	}
}

// ---- application ---------------------------------------------------------------------------------------------

// app is the bin/trovato serve process of this test binary and the database it owns.
type app struct {
	adminDBURL string // maintenance connection on the test server, used to create and drop dbName
	dbName     string
	dataDir    string
	cmd        *exec.Cmd
	log        *syncBuffer
	exited     chan struct{}
}

// startApp makes sure the application is running and sets baseURL; the first call builds, sets up and starts
// it, later calls (from any test) reuse it or repeat the first call's error.
func startApp(t testing.TB) {
	t.Helper()
	appOnce.Do(func() {
		start := time.Now()
		theApp, appErr = launchApp()
		if appErr == nil {
			fmt.Fprintf(os.Stderr, "e2e: application up at %s in %s (database %s)\n",
				baseURL, time.Since(start).Round(10*time.Millisecond), theApp.dbName)
		}
	})
	if appErr != nil {
		t.Fatalf("start application: %v", appErr)
	}
}

func launchApp() (*app, error) {
	if err := buildBinaries(); err != nil {
		return nil, err
	}
	a := &app{
		adminDBURL: getenv("TROVATO_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"),
		log:        &syncBuffer{},
		exited:     make(chan struct{}),
	}
	dbURL, err := a.createDatabase()
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*app, error) {
		a.stop()
		return nil, err
	}
	if a.dataDir, err = os.MkdirTemp("", "trovato-e2e-data-"); err != nil {
		return fail(err)
	}
	port, err := freePort()
	if err != nil {
		return fail(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	env := append(os.Environ(),
		"DATABASE_URL="+dbURL,
		"REDIS_URL="+getenv("REDIS_URL", "redis://127.0.0.1:6379/0"),
		"TROVATO_ADDR="+addr,
		"TROVATO_ADMIN_NAME="+adminName,
		"TROVATO_ADMIN_PASSWORD="+adminPass,
		"TROVATO_PLUGINS_DIR="+filepath.Join(repoRoot, "bin", "plugins"),
		"TROVATO_DATA_DIR="+a.dataDir,
	)
	bin := filepath.Join(repoRoot, "bin", "trovato")

	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	setup := exec.CommandContext(ctx, bin, "setup")
	setup.Dir, setup.Env = repoRoot, env
	if out, err := setup.CombinedOutput(); err != nil {
		return fail(fmt.Errorf("bin/trovato setup: %w\n%s", err, out))
	}

	a.cmd = exec.Command(bin, "serve")
	a.cmd.Dir, a.cmd.Env = repoRoot, env
	a.cmd.Stdout, a.cmd.Stderr = a.log, a.log
	a.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // so stop() can signal anything it spawned
	if err := a.cmd.Start(); err != nil {
		return fail(fmt.Errorf("start bin/trovato serve: %w", err))
	}
	go func() { a.cmd.Wait(); close(a.exited) }()

	base := "http://" + addr
	if err := a.waitHealthy(base); err != nil {
		return fail(fmt.Errorf("%w\n--- bin/trovato serve output ---\n%s", err, a.log.String()))
	}
	baseURL = base
	return a, nil
}

// buildBinaries builds bin/trovato and bin/plugins/NAME/ exactly as `make build` does. Go's build cache makes
// this cheap after `make build`, and it keeps `go test ./e2e/` from testing a stale binary.
func buildBinaries() error {
	goBuild := func(env []string, args ...string) error {
		cmd := exec.Command("go", append([]string{"build"}, args...)...)
		cmd.Dir, cmd.Env = repoRoot, append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %w\n%s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	if err := goBuild(nil, "-o", "bin/trovato", "./app/cmd/trovato"); err != nil {
		return err
	}
	manifests, err := filepath.Glob(filepath.Join(repoRoot, "plugins", "*", "plugin.json"))
	if err != nil {
		return err
	}
	for _, manifest := range manifests {
		name := filepath.Base(filepath.Dir(manifest))
		if name == "sdk" {
			continue
		}
		out := filepath.Join("bin", "plugins", name)
		if err := os.MkdirAll(filepath.Join(repoRoot, out), 0o755); err != nil {
			return err
		}
		wasm := filepath.Join(out, name+".wasm")
		if err := goBuild([]string{"GOOS=wasip1", "GOARCH=wasm"}, "-buildmode=c-shared", "-o", wasm, "./plugins/"+name); err != nil {
			return err
		}
		data, err := os.ReadFile(manifest)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(repoRoot, out, "plugin.json"), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// createDatabase creates trovato_e2e_<random> on the test server and returns its URL.
func (a *app) createDatabase() (string, error) {
	u, err := url.Parse(a.adminDBURL)
	if err != nil {
		return "", fmt.Errorf("TROVATO_TEST_DATABASE_URL: %w", err)
	}
	var b [6]byte
	rand.Read(b[:])
	name := "trovato_e2e_" + hex.EncodeToString(b[:])

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, a.adminDBURL)
	if err != nil {
		return "", fmt.Errorf("connect to %s (is Postgres up? make services): %w", u.Redacted(), err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	a.dbName = name
	u.Path = "/" + name
	return u.String(), nil
}

func (a *app) dropDatabase() error {
	if a.dbName == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, a.adminDBURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{a.dbName}.Sanitize()+" WITH (FORCE)")
	return err
}

func (a *app) waitHealthy(base string) error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(startupTimeout)
	var last string
	for time.Now().Before(deadline) {
		select {
		case <-a.exited:
			return fmt.Errorf("bin/trovato serve exited (%v) before %s/health answered", a.cmd.ProcessState, base)
		default:
		}
		resp, err := client.Get(base + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("GET %s/health did not answer 200 within %s (last: %s)", base, startupTimeout, last)
}

// stop ends the server (SIGTERM, then SIGKILL after 10 s), drops the database and removes the data directory.
func (a *app) stop() error {
	var errs []error
	if a.cmd != nil && a.cmd.Process != nil {
		syscall.Kill(-a.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-a.exited:
		case <-time.After(10 * time.Second):
			syscall.Kill(-a.cmd.Process.Pid, syscall.SIGKILL)
			<-a.exited
			errs = append(errs, errors.New("bin/trovato serve ignored SIGTERM for 10 s"))
		}
	}
	errs = append(errs, a.dropDatabase())
	if a.dataDir != "" {
		errs = append(errs, os.RemoveAll(a.dataDir))
	}
	return errors.Join(errs...)
}

// dumpLog writes the tail of the server's output, for a failed run.
func (a *app) dumpLog(w *os.File) {
	const max = 16 << 10
	s := a.log.String()
	if len(s) > max {
		s = "…" + s[len(s)-max:]
	}
	fmt.Fprintf(w, "--- bin/trovato serve output (tail) ---\n%s\n---\n", s)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// syncBuffer is a bytes.Buffer safe for the server's stdout and stderr writers and a concurrent reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
