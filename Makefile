# Deskline. `make run` starts the demo, `make test` runs every test.
SHELL := /bin/bash
GO    ?= go
BIN   := bin
PKGS  := ./...
export PATH := $(PATH):$(shell $(GO) env GOPATH)/bin

.PHONY: run test bench load lint build deps clean

deps:
	@bash scripts/install-deps.sh

build: deps
	$(GO) build -o $(BIN)/deskline-server ./cmd/deskline-server

# The server on its embedded demo configuration (simulated exchange).
run: build
	$(BIN)/deskline-server serve

# Every test: formatting, vet, and the test suite with the race detector.
test:
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 $(PKGS)

# Go benchmarks of the hot paths, then a short load run (1,000 real
# WebSocket clients against a server process on loopback).
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 1s ./ctiproto ./pbx/sim ./server/... ./contacts
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
