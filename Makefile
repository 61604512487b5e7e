# Deskline. `make run` starts the demo, `make test` runs every test.
SHELL := /bin/bash
GO    ?= go
BIN   := bin
PKGS  := ./...
export PATH := $(PATH):$(shell $(GO) env GOPATH)/bin

.PHONY: run test bench bench-full bench-switchboard load lint build deps clean package install windows

deps:
	@bash scripts/install-deps.sh

build: deps
	$(GO) build -o $(BIN)/deskline-server ./cmd/deskline-server
	$(GO) build -o $(BIN)/deskline .

# The demo: the server on its embedded demo configuration (simulated
# exchange) and the tray app logged in as the demo user; a few seconds
# later the demo rings the user's phone (scripts/demo.sh).
run: build
	bash scripts/demo.sh

# Every test: formatting, vet, the test suite with the race detector, the
# Windows build (Windows-only code compiles at every commit), then the
# tray app end to end in a real window under Xvfb, without and with a
# real tray host (scripts/e2e.sh; figures in artifacts/e2e/report.txt).
# The CardDAV test reads the issue's book of 10,000 cards from a real
# Radicale here (about 2½ minutes; a plain go test reads 1,000).
test: deps
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)
	DESKLINE_RADICALE_CARDS=10000 $(GO) test -race -count=1 $(PKGS)
	$(MAKE) windows
	bash scripts/e2e.sh

# Installs the tray app for this user (Linux): binary, icon, and the
# desktop entry that makes it the handler of tel:, callto: and sip: links.
install: build
	bash scripts/install-desktop.sh

# The tray app for 64-bit Windows 10 or later (Go 1.26 programs need it),
# cross-built with mingw-w64: bin/Deskline.exe with its icon and version
# from FyneApp.toml (fyne package). fyne package rewrites FyneApp.toml
# (drops its comments, counts Build up): the file is put back.
WINDOWS_CC ?= x86_64-w64-mingw32-gcc
windows: deps
	$(GO) install fyne.io/tools/cmd/fyne@v1.7.4
	@mkdir -p $(BIN)
	cp FyneApp.toml $(BIN)/FyneApp.toml.orig
	CC=$(WINDOWS_CC) fyne package -os windows -release; status=$$?; \
		cp $(BIN)/FyneApp.toml.orig FyneApp.toml; rm -f $(BIN)/FyneApp.toml.orig; \
		[ $$status = 0 ] && mv Deskline.exe $(BIN)/Deskline.exe
	@echo "windows: $(BIN)/Deskline.exe"

# A Linux package of the tray app (fyne.io/tools reads FyneApp.toml).
package: deps
	$(GO) install fyne.io/tools/cmd/fyne@v1.7.4
	fyne package -os linux -release

# Go benchmarks of the hot paths, then a short load run (1,000 real
# WebSocket clients against a server process on loopback, 500 calls/s =
# 1,000 events/s for 5 s), with the baseline (a minimal gorilla/websocket
# server, same clients and load) and the Deskline/baseline ratios, then
# the presence run of issue 15 for 5 s (10,000 desks, 200 of them
# watching all 10,000 devices, 1,000 presence changes/s; with baseline).
# About 2½ minutes in all (the presence run 81 s, most of it logging in
# 2 × 10,000 desks, four at a time).
# The CardDAV source's benchmarks read 10,000 cards from a real Radicale
# (minutes: Radicale lists in Python) and run in bench-full only.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 1s ./ctiproto ./pbx/sim ./pbx/ami $$($(GO) list ./server/... | grep -v /directory/carddav) ./contacts
	$(GO) run ./cmd/deskline-load -clients 1000 -rate 500 -duration 5s
	$(GO) run ./cmd/deskline-load -clients 10000 -watchers 200 -rate 500 -duration 5s -dialers 4 -timeout 5m

# The full set of load figures, one report each in artifacts/bench/*.txt
# (about 35 minutes; run it on an otherwise idle machine). -rate is calls/s
# and a call is 2 events (ring, hang up), so 100 events/s is -rate 50.
#   steady-*: 1,000 and 10,000 clients at 100 and 1,000 events/s, with baseline
#   steady-19800c-1000eps: as many desks as 20,000 open files allow (issue 18:
#     100,000 where the hard limit is higher), from 8 loopback source addresses
#   storm-10000c: all 10,000 clients drop at once and reconnect (resume)
#   slow-1000c: 1% of 1,000 clients stop reading until the server cuts them
#   restart-10000c: the server restarts (SIGTERM) under load
#   presence-10000c-200w: 200 of 10,000 desks watch every device (issue 15)
#   switchboard-load: the switchboard window under load (bench-switchboard)
#   cluster-*: three nodes on a three-server NATS JetStream cluster (issue
#     18), 3 × 3,000 desks at 1,000 events/s: steady (with the same on one
#     node, and the ratio), then each fault: kill -9 the holder, kill -9 a
#     member, kill -9 a NATS server, the holder cut off from NATS, a
#     rolling restart of every node
# Every run's exit status is checked at the end: 1 if any lost, duplicated
# or stuck anything.
BENCH_DIR := artifacts/bench
LOAD_RUN  := $(BIN)/deskline-load -server-bin $(BIN)/deskline-server -nats-bin $(BIN)/nats-server -timeout 10m
bench-full:
	$(GO) build -o $(BIN)/deskline-server ./cmd/deskline-server
	$(GO) build -o $(BIN)/deskline-load ./cmd/deskline-load
	$(GO) build -o $(BIN)/nats-server github.com/nats-io/nats-server/v2
	mkdir -p $(BENCH_DIR)
	@fail=0; \
	run() { name=$$1; shift; echo "== $$name: deskline-load $$*"; \
		if ! $(LOAD_RUN) "$$@" > $(BENCH_DIR)/$$name.txt; then fail=1; echo "   FAILED (see $(BENCH_DIR)/$$name.txt)"; fi; \
		grep -E '^(latency|presence|search round|complete|Deskline/baseline|back|others|cluster/one node|holders|takeover|desks hit)' $(BENCH_DIR)/$$name.txt | sed 's/^/   /'; }; \
	run steady-1000c-100eps   -clients 1000  -rate 50  -duration 30s; \
	run steady-1000c-1000eps  -clients 1000  -rate 500 -duration 30s; \
	run steady-10000c-100eps  -clients 10000 -rate 50  -duration 30s; \
	run steady-10000c-1000eps -clients 10000 -rate 500 -duration 30s; \
	run steady-19800c-1000eps -clients 19800 -rate 500 -duration 30s -sources 8; \
	run storm-10000c  -mode storm   -clients 10000 -rate 500 -duration 30s; \
	run slow-1000c    -mode slow    -clients 1000  -rate 500 -duration 30s; \
	run restart-10000c -mode restart -clients 10000 -rate 500 -duration 30s; \
	run presence-10000c-200w -clients 10000 -watchers 200 -rate 500 -duration 30s -dialers 4; \
	run search-1000d -clients 1000 -rate 100 -duration 20s -searchers 1000 -search-rate 1 -book 100000 -no-baseline; \
	run cluster-steady-3n-9000c-1000eps -nodes 3 -clients 9000 -rate 500 -duration 30s -dialers 12 -drain 60s; \
	run cluster-kill-holder-3n-9000c -mode kill-holder -nodes 3 -clients 9000 -rate 500 -duration 30s -dialers 12 -drain 60s; \
	run cluster-kill-node-3n-9000c   -mode kill-node   -nodes 3 -clients 9000 -rate 500 -duration 30s -dialers 12 -drain 60s; \
	run cluster-kill-nats-3n-9000c   -mode kill-nats   -nodes 3 -clients 9000 -rate 500 -duration 30s -dialers 12 -drain 60s; \
	run cluster-partition-3n-9000c   -mode partition   -nodes 3 -clients 9000 -rate 500 -duration 30s -dialers 12 -drain 60s; \
	run cluster-rolling-3n-9000c     -mode rolling     -nodes 3 -clients 9000 -rate 500 -duration 60s -dialers 12 -drain 60s; \
	echo "== directory: CardDAV on Radicale (10,000 cards), LDAP on slapd"; \
	$(GO) test -run '^$$' -bench 'Fetch' -benchtime 2x -benchmem -timeout 40m ./server/directory/carddav ./server/directory/ldap > $(BENCH_DIR)/directory-sources.txt || fail=1; \
	grep -E '^Benchmark' $(BENCH_DIR)/directory-sources.txt | sed 's/^/   /'; \
	echo "== switchboard-load: scripts/e2e-switchboard-load.sh"; \
	if ! E2E_ARTIFACTS=$(BENCH_DIR) bash scripts/e2e-switchboard-load.sh > $(BENCH_DIR)/switchboard-load.log 2>&1; then \
		fail=1; echo "   FAILED (see $(BENCH_DIR)/switchboard-load.log)"; fi; \
	grep -E '^  (nothing else|50 changes|app under)' $(BENCH_DIR)/switchboard-load.txt 2>/dev/null | sed 's/^/   /'; \
	exit $$fail

# The switchboard window under load (issue 16), the real tray app in a
# real window under Xvfb: 500 tiles, 50 presence changes/s for 30 s while
# a key goes into its filter every 500 ms; input-to-frame p50/p95/max,
# the app's CPU and memory with the switchboard open and closed. About
# 2 minutes; not in `make test`. Report: artifacts/e2e/switchboard-load.txt
# (scripts/e2e-switchboard-load.sh says what is measured; SB_PERF=1 adds
# a perf profile of the app under churn).
bench-switchboard:
	bash scripts/e2e-switchboard-load.sh

# The load tool alone; pass flags with ARGS="-clients 10000 -rate 0" or
# ARGS="-mode storm" (modes: steady, storm, slow, restart; see -help).
load:
	$(GO) run ./cmd/deskline-load $(ARGS)

# go vet, gofmt and staticcheck (its checks: staticcheck.conf). A missing
# staticcheck is installed (scripts/install-deps.sh -lint), and if that
# fails lint fails: a lint that skips a tool passes silently.
lint:
	@command -v staticcheck >/dev/null || bash scripts/install-deps.sh -lint
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l .)" || (gofmt -l .; exit 1)
	staticcheck $(PKGS)

clean:
	rm -rf $(BIN)
