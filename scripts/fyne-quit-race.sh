#!/usr/bin/env bash
# Shows the race behind issue 11's hang on quit (docs/footprint.md, "Quit"),
# by hand, not part of `make test`: it builds internal/fyneidle and the
# tray app against a copy of Fyne whose main thread pauses 100 ms between
# its one drain of the main-thread queue and marking it drained — what the
# system scheduler does now and then on a busy machine. Then:
#   - fyneidle (plain Fyne) hangs for good in Lifecycle.WaitForEvents after
#     SIGTERM (its goroutine stacks are printed);
#   - deskline ends anyway, about 4 s later (the quit watchdog), exit 0,
#     and says goodbye to the server (close 1000).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != "--inner" ]; then
  work=$(mktemp -d)
  trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
  fyne=$(go list -m -f '{{.Dir}}' fyne.io/fyne/v2)
  cp -r "$fyne" "$work/fyne" && chmod -R u+w "$work/fyne"
  loop=$work/fyne/internal/driver/glfw/loop.go
  grep -qP '^\t\t\tdrained\.Store\(true\)$' "$loop" || { echo "fyne-quit-race: Fyne's loop.go changed; the race may be gone" >&2; exit 1; }
  sed -i 's/^\t\t\tdrained.Store(true)$/\t\t\ttime.Sleep(100 * time.Millisecond) \/\/ the main thread descheduled here\n&/' "$loop"
  cp go.mod "$work/go.mod" && cp go.sum "$work/go.sum"
  go mod edit -modfile="$work/go.mod" -replace "fyne.io/fyne/v2=$work/fyne"
  go build -modfile="$work/go.mod" -o "$work/fyneidle" ./internal/fyneidle
  go build -modfile="$work/go.mod" -o "$work/deskline" ./
  go build -o bin/deskline-server ./cmd/deskline-server
  WORK=$work timeout -k 5 120 xvfb-run -a dbus-run-session -- bash "$0" --inner
  exit
fi

tmp=$WORK/run
export HOME=$tmp/home XDG_RUNTIME_DIR=$tmp/xdg DESKLINE_CONFIG_DIR=$tmp/config LANG=en_US.UTF-8
mkdir -p "$HOME" "$DESKLINE_CONFIG_DIR" && mkdir -m 700 "$XDG_RUNTIME_DIR"

"$WORK/fyneidle" >"$tmp/fyneidle.log" 2>&1 &
p=$!
sleep 1
kill -TERM "$p"
sleep 4
if kill -0 "$p" 2>/dev/null; then
  echo "fyneidle: still running 4 s after SIGTERM; where it waits:"
  kill -QUIT "$p"
  sleep 0.5
  grep -B1 -A1 'WaitForEvents\|loop.go:5[0-9]' "$tmp/fyneidle.log" | grep -v '^--$' | sed 's/^/  /' | head -12
  kill -KILL "$p" 2>/dev/null || true
else
  echo "fyneidle: exited (the race did not show this time)"
fi

bin/deskline-server serve -listen 127.0.0.1:0 -state "$tmp/state" >"$tmp/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q listening "$tmp/server.log" && break; sleep 0.1; done
addr=$(grep -o 'addr=[0-9.:]*' "$tmp/server.log" | head -n1 | cut -d= -f2)
"$WORK/deskline" -demo -server "ws://$addr/v1/ws" -demo-ring-after -1s >"$tmp/app.log" 2>&1 &
app=$!
sleep 4
t0=$(date +%s%N)
kill -TERM "$app"
rc=0
wait "$app" || rc=$?
echo "deskline: exit $rc, $((($(date +%s%N) - t0) / 1000000)) ms after SIGTERM"
grep -o "Fyne's loop did not return after quit.*" "$tmp/app.log" | sed 's/^/  /' || true
grep -q 'session ended.*user=demo.*close=1000' "$tmp/server.log" && echo "  the server saw a normal close (1000)"
kill "$server"
