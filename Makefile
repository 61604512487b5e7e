# Deskline. `make run` starts the demo, `make test` runs every test.
SHELL := /bin/bash
GO    ?= go
BIN   := bin
PKGS  := ./...
export PATH := $(PATH):$(shell $(GO) env GOPATH)/bin

.PHONY: run test bench load lint build deps clean package install

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

# Every test: formatting, vet, the test suite with the race detector,
# then the tray app end to end in a real window under Xvfb.
test: deps
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 $(PKGS)
	bash scripts/e2e.sh

# Installs the tray app for this user (Linux): binary, icon, and the
# desktop entry that makes it the handler of tel:, callto: and sip: links.
install: build
	bash scripts/install-desktop.sh

# A Linux package of the tray app (fyne.io/tools reads FyneApp.toml).
package: deps
	$(GO) install fyne.io/tools/cmd/fyne@v1.7.4
	fyne package -os linux -release

# Go benchmarks of the hot paths, then a short load run (1,000 real
# WebSocket clients against a server process on loopback).
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 1s ./ctiproto ./pbx/sim ./pbx/ami ./server/... ./contacts
	$(GO) run ./cmd/deskline-load -clients 1000 -rate 500 -duration 10s

# The load tool alone; pass flags with ARGS="-clients 10000 -rate 0".
load:
	$(GO) run ./cmd/deskline-load $(ARGS)

lint:
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l .)" || (gofmt -l .; exit 1)
	@if command -v staticcheck >/dev/null; then staticcheck $(PKGS); else echo "staticcheck not installed: go install honnef.co/go/tools/cmd/staticcheck@v0.8.2"; fi

clean:
	rm -rf $(BIN)
