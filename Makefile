# Trovato — build, run and test. GNU make. `make help` lists the targets.
#
# Environment (all optional; the defaults suit a developer machine and CI):
#   DATABASE_URL                Postgres for `make run`      (postgres://postgres@127.0.0.1:5432/trovato?sslmode=disable)
#   REDIS_URL                   Redis for `make run`/tests    (redis://127.0.0.1:6379/0)
#   TROVATO_TEST_DATABASE_URL   server tests create their databases on (DATABASE_URL with database "postgres")
#   TROVATO_*                   passed through to bin/trovato unchanged
#   GO_TEST_FLAGS               extra flags for `go test` (e.g. GO_TEST_FLAGS='-run Flow -v')

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
# Steps are written in the order they must run; never run them concurrently.
.NOTPARALLEL:

export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/trovato?sslmode=disable
export REDIS_URL ?= redis://127.0.0.1:6379/0
# Same server as DATABASE_URL, maintenance database "postgres": tests create (and drop) their own databases there.
ifeq ($(origin TROVATO_TEST_DATABASE_URL),undefined)
TROVATO_TEST_DATABASE_URL := $(shell sed -E 's#^([a-z]+://[^/?]*)(/[^?]*)?(\?.*)?$$#\1/postgres\3#' <<<'$(DATABASE_URL)')
endif
export TROVATO_TEST_DATABASE_URL

GO ?= go
GO_TEST_FLAGS ?=
# sqlc always without cgo: it then uses its wasm parser, builds in half the time, and is cached the same way
# everywhere (the output is identical).
SQLC := CGO_ENABLED=0 $(GO) tool sqlc
TEMPL := $(GO) tool templ

# Every plugin is a directory under plugins/ with a plugin.json, except the SDK.
PLUGINS := $(filter-out sdk,$(patsubst plugins/%/plugin.json,%,$(wildcard plugins/*/plugin.json)))
# Directories holding templ components (views/, themes/, and any other top-level directory that has .templ files).
TEMPL_DIRS := $(sort $(wildcard views themes) $(shell find . -name '*.templ' -not -path './node_modules/*' \
	-not -path './.git/*' -not -path './bin/*' -not -path './var/*' 2>/dev/null | cut -d/ -f2 | sort -u))

# step NAME: a banner with the seconds since make started, so a log shows what each step took.
T0 := $(shell date +%s%N)
step = @printf '\n==> %s  [t+%ss]\n' '$(1)' "$$(awk -v a=$(T0) -v b=$$(date +%s%N) 'BEGIN { printf "%.1f", (b - a) / 1e9 }')"

.PHONY: help
help: ## list the targets
	@echo 'usage: make TARGET   (see the top of the Makefile for environment variables)'
	@awk 'BEGIN { FS = ":.*## " } /^[a-z][a-z-]*:.*## / { printf "  %-16s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

## ---- build ----------------------------------------------------------------------------------------------------

.PHONY: build
build: bin/trovato plugins ## build bin/trovato and every plugin into bin/plugins/

.PHONY: bin/trovato
bin/trovato:
	$(call step,build bin/trovato)
	$(GO) build -o bin/trovato ./app/cmd/trovato

.PHONY: plugins
plugins: $(addprefix plugin-,$(PLUGINS)) ## build only the plugins: bin/plugins/NAME/{NAME.wasm,plugin.json}

.PHONY: plugin-%
plugin-%:
	$(call step,build plugin $*)
	@mkdir -p bin/plugins/$*
	GOOS=wasip1 GOARCH=wasm $(GO) build -buildmode=c-shared -o bin/plugins/$*/$*.wasm ./plugins/$*
	cp plugins/$*/plugin.json bin/plugins/$*/plugin.json

## ---- generated code -----------------------------------------------------------------------------------------

.PHONY: generate
generate: ## regenerate sqlc (app/db) and templ (*_templ.go) code
	$(call step,generate)
	$(SQLC) generate
	$(TEMPL) generate

.PHONY: check-generated
check-generated: ## fail when committed generated code (sqlc, templ, static/js/htmx.min.js) is stale
	$(call step,check-generated)
	@$(SQLC) diff || { echo 'sqlc output is stale: run `make generate`' >&2; exit 1; }
	$(if $(TEMPL_DIRS),@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp" "$$tmp.log"' EXIT; \
	for d in $(TEMPL_DIRS); do cp -R "$$d" "$$tmp/$$d"; done; \
	cp go.mod go.sum "$$tmp/"; \
	find "$$tmp" -name '*_templ.go' -delete; \
	$(TEMPL) generate -path "$$tmp" >"$$tmp.log" 2>&1 || { cat "$$tmp.log" >&2; exit 1; }; \
	for d in $(TEMPL_DIRS); do \
		diff -r "$$d" "$$tmp/$$d" || { echo "templ output in $$d/ is stale: run \`make generate\` (from the repo root: templ records the .templ path relative to where it ran)" >&2; exit 1; }; \
	done)
	@if [[ -d node_modules/htmx.org ]]; then \
		cmp -s static/js/htmx.min.js node_modules/htmx.org/dist/htmx.min.js || { \
			echo 'static/js/htmx.min.js differs from node_modules/htmx.org: cp node_modules/htmx.org/dist/htmx.min.js static/js/' >&2; \
			exit 1; }; \
	fi
	@echo 'generated code is up to date'

## ---- run ----------------------------------------------------------------------------------------------------

.PHONY: services
services: ## make sure Postgres and Redis answer (reuse, or start private instances: .ci/services)
	$(call step,services)
	@bash .ci/services

.PHONY: services-stop
services-stop: ## stop the private Postgres/Redis instances started by .ci/services
	@bash .ci/services stop

.PHONY: run
run: export TROVATO_PLUGINS_DIR ?= bin/plugins
run: export TROVATO_DATA_DIR ?= var
run: services build ## services, build, `bin/trovato setup`, then serve (prints the URL)
	$(call step,setup)
	@mkdir -p "$$TROVATO_DATA_DIR"
	bin/trovato setup
	$(call step,serve)
	exec bin/trovato serve

## ---- test ---------------------------------------------------------------------------------------------------

# npm ci when node_modules is missing or older than the lock file (npm writes node_modules/.package-lock.json).
node_modules/.package-lock.json: package.json package-lock.json
	$(call step,npm ci)
	npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

.PHONY: deps
deps: node_modules/.package-lock.json ## install node_modules (htmx, playwright-core) from package-lock.json

.PHONY: fmt
fmt: ## gofmt every hand-written Go file
	@find . -name '*.go' -not -name '*_templ.go' -not -path './node_modules/*' -not -path './.git/*' \
		-not -path './bin/*' -not -path './var/*' -print0 | xargs -0 -r gofmt -w

.PHONY: lint
lint: ## gofmt -l must be empty (generated *_templ.go excluded), go vet (host and wasip1 plugins)
	$(call step,gofmt)
	@out=$$(find . -name '*.go' -not -name '*_templ.go' -not -path './node_modules/*' -not -path './.git/*' \
		-not -path './bin/*' -not -path './var/*' -print0 | xargs -0 -r gofmt -l); \
	if [[ -n $$out ]]; then echo "gofmt needed (make fmt):" >&2; echo "$$out" >&2; exit 1; fi
	$(call step,go vet)
	$(GO) vet ./...
	$(if $(PLUGINS),GOOS=wasip1 GOARCH=wasm $(GO) vet $(addprefix ./plugins/,$(PLUGINS)))

.PHONY: test-go
test-go: ## only `go test -count=1 ./...` (expects services up and `make build` done)
	$(call step,go test)
	$(GO) test -count=1 $(GO_TEST_FLAGS) ./...

.PHONY: test
test: services deps check-generated lint build test-go ## everything CI checks: services, npm ci, generated code, gofmt, vet, build, go test

## ---- housekeeping -------------------------------------------------------------------------------------------

.PHONY: clean
clean: ## remove build output and test artefacts (keeps node_modules, var/ and the services' data)
	rm -rf bin e2e/artifacts
