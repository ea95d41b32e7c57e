// Package e2e holds Trovato's end-to-end tests: real user flows driven through Debian's Chromium by
// playwright-go against the real bin/trovato binary, a fresh PostgreSQL database and Redis.
//
// The harness (harness_test.go) starts the Playwright driver and one Chromium for the whole test binary, and on
// first use the application: a database trovato_e2e_<random> created on TROVATO_TEST_DATABASE_URL's server,
// `bin/trovato setup`, then `bin/trovato serve` on a free loopback port. Nothing is downloaded: the driver is the
// playwright-core npm package from node_modules (package-lock.json) run by the system's node, and the browser is
// /usr/bin/chromium. `make test` prepares all of that; `go test ./e2e/` works on its own once `npm ci` has run.
//
// Environment: TROVATO_TEST_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable),
// REDIS_URL (redis://127.0.0.1:6379/0), TROVATO_E2E_CHROMIUM (/usr/bin/chromium), TROVATO_E2E_HEADED=1 to watch
// the browser under a display. Screenshots of failed tests go to e2e/artifacts/.
package e2e
