#!/usr/bin/env bash
# End-to-end check of the tray app in a real window (part of `make test`).
#
# Under Xvfb and a private D-Bus session it starts the real server (demo
# configuration, simulated exchange) and the real tray app binary in demo
# mode, then checks what a user would see:
#   1. the app connects and shows itself (no tray host under Xvfb: the
#      main window), and the demo rings extension 201 from a demo contact;
#   2. the calls console "Deskline: calls" appears with the caller's name
#      (from the app's trace), and the keyboard stays with the program the
#      user types in (a window manager runs: Openbox focuses new windows
#      unless asked not to) — screenshots go to $E2E_ARTIFACTS;
#   3. a receptionist's switchboard: the call is answered on the handset,
#      two more callers ring, Enter in the console answers the one who
#      waited longest and the first goes on hold (one live, one held, one
#      ringing, in one picture); then all hang up and the console closes;
#   4. `deskline tel:…` in a second process hands the link over and exits
#      at once; the first process opens the dial window with the number,
#      Enter dials it (the exchange shows exactly one call);
#   5. a call to a busy line fails and says so in the console until
#      dismissed;
#   6. SIGTERM quits cleanly.
# Then a second pass runs the same app WITH a real tray host
# (status-notifier-watcher + gtk-sni-tray-standalone, scripts/e2e-tray.sh):
# the tray item, its icons and menu, hundreds of calls, the figures of
# memory and idle CPU, and a clean quit after all those calls.
# It also measures start-up time and resident memory (report.txt).
# Every wait has a timeout: a hung window fails the test, never CI.
set -euo pipefail
cd "$(dirname "$0")/.."
ART=${E2E_ARTIFACTS:-$PWD/artifacts/e2e}
# CONSOLE_TITLE is the calls console: ringing, live, held and failed calls
# in one window.
CONSOLE_TITLE="Deskline: calls"
# SB_TITLE is the switchboard: colleagues' lines, waiting and parked calls.
SB_TITLE="Deskline: switchboard"

if [ "${1:-}" != "--inner" ]; then
  for tool in xvfb-run dbus-run-session xwininfo import convert openbox xdotool xmessage \
    status-notifier-watcher gtk-sni-tray-standalone; do
    command -v "$tool" >/dev/null || { echo "e2e: $tool is missing: run scripts/install-deps.sh" >&2; exit 1; }
  done
  mkdir -p "$ART" bin
  echo "e2e: building the server and the tray app"
  go build -o bin/deskline-server ./cmd/deskline-server
  go build -o bin/deskline .
  go build -o bin/trayprobe ./internal/trayprobe
  go build -o bin/fyneidle ./internal/fyneidle
  # A home of its own for everything the session starts (the keyring
  # daemon D-Bus activates writes there), removed by the inner run.
  tmp=$(mktemp -d)
  HOME=$tmp/home E2E_TMP=$tmp exec timeout -k 10 600 xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash "$0" --inner
fi

tmp=$E2E_TMP
export HOME=$tmp/home XDG_RUNTIME_DIR=$tmp/run DESKLINE_CONFIG_DIR=$tmp/config LANG=en_US.UTF-8
mkdir -p "$HOME" "$DESKLINE_CONFIG_DIR" && mkdir -m 700 "$XDG_RUNTIME_DIR"
trace=$tmp/trace.txt report=$ART/report.txt
rm -f "$ART"/*.png "$report"
: >"$trace"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done # a hung one must not hang CI
  wait 2>/dev/null || true
  if [ "${ok:-}" != 1 ]; then
    echo "--- server log"; tail -n 30 "$tmp/server.log" 2>/dev/null || true
    echo "--- app log"; tail -n 60 "$tmp/app.log" 2>/dev/null || true
    echo "--- trace"; cat "$trace" 2>/dev/null || true
    echo "${failed:-e2e: FAIL: a step exited with an error (see above)}"
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
E2E_NAME=e2e
source scripts/e2e-lib.sh
ms() { grep -E "$1" "$trace" | head -n1 | cut -d' ' -f1; }
# keeps_focus WHAT: the keyboard stays with the program the user types in
# for 1.5 s (the window manager handles a map a moment after it).
keeps_focus() {
  local focus
  for _ in $(seq 15); do
    focus=$(timeout 5 xdotool getwindowfocus getwindowname 2>/dev/null || true)
    [ "$focus" = typing ] || fail "$1 took the keyboard: focus is on '$focus', want the program the user types in"
    sleep 0.1
  done
}


LANG=C.UTF-8 openbox >"$tmp/openbox.log" 2>&1 &
pids+=($!)
LANG=C.UTF-8 xmessage -name typing "A program the user types in" &
pids+=($!)

bin/deskline-server serve -listen 127.0.0.1:0 -state "$tmp/state" >"$tmp/server.log" 2>&1 &
server=$!
pids+=($server)
wait_for 20 'listening' "$tmp/server.log" || fail "the server did not start"
addr=$(grep -o 'addr=[0-9.:]*' "$tmp/server.log" | head -n1 | cut -d= -f2)
export DESKLINE_SERVER=ws://$addr/v1/ws
step "server on $addr"

bin/deskline -demo -server "ws://$addr/v1/ws" -trace "$trace" -demo-ring-after 5s >"$tmp/app.log" 2>&1 &
app=$!
pids+=($app)
wait_for 60 ' status ' "$trace" || fail "the app showed no status within 60 s"
wait_for 60 ' status connected' "$trace" || fail "the app did not connect within 60 s"
step "app shown after $(ms ' status ') ms, connected after $(ms ' status connected') ms"
wait_mapped 10 "Deskline" yes || fail "no main window on screen (this desktop has no tray host, so it must show one)"
# The demo user may watch every phone but is no reception (demo.toml):
# the switchboard waits in the menu, the screen pop is the first thing a
# new user sees. The switchboard's own pass is the last start of the tray
# pass.
sleep 1
mapped "$SB_TITLE" && fail "the switchboard opened by itself for a desk that is no reception"
# The user goes back to typing in another program before the call comes.
out=$(press typing) || fail "cannot focus the other program's window: $out"

wait_for 30 ' popup .*Miriam Okafor' "$trace" || fail "no screen pop with the demo caller's name within 30 s"
wait_mapped 10 "$CONSOLE_TITLE" yes || fail "no window '$CONSOLE_TITLE' on screen"
step "screen pop: $(grep ' popup ' "$trace" | head -n1 | cut -d' ' -f3-)"
keeps_focus "the calls console"
step "keyboard focus stayed with the other program"
sleep 1 # let the window draw before the picture
timeout 20 import -window root "$ART/screen.png" || fail "screenshot of the screen"
timeout 20 import -window "$CONSOLE_TITLE" "$ART/console-ringing.png" || fail "screenshot of the console"
timeout 20 import -window "Deskline" "$ART/main.png" || fail "screenshot of the main window"
rss_pop=$(ps -o rss= -p "$app" | tr -d ' ')

# calls_at STATE: how many of 201's connections are in STATE.
calls_at() { bin/deskline-server sim calls | grep -o '"device":"201","state":"'"$1"'"' | wc -l; }
# wait_calls SECONDS STATE N: until 201 has N connections in STATE.
wait_calls() {
  local end=$((SECONDS + $1))
  until [ "$(calls_at "$2")" = "$3" ]; do
    [ $SECONDS -lt $end ] || return 1
    sleep 0.2
  done
}
call=$(bin/deskline-server sim calls | grep -o '"call":"[^"]*","device":"201"' | head -n1 | cut -d'"' -f4)
[ -n "$call" ] || fail "the exchange lists no call"
# Answered on the handset: the console shows it live, still quietly.
bin/deskline-server sim answer "$call" 201 >/dev/null
wait_calls 10 connected 1 || fail "the call was not answered"
keeps_focus "the console after the answer"
step "answered on the handset: the console shows the call, the keyboard stays where it was"

# The receptionist: two more callers; Enter answers the one who waited
# longest, and the live call goes on hold.
bin/deskline-server sim ring 201 --from "+49 40 5550101" --name "Second Caller" >/dev/null
sleep 0.3
bin/deskline-server sim ring 201 --from "+49 40 5550102" --name "Third Caller" >/dev/null
wait_for 10 ' popup Second Caller \| Third Caller' "$trace" || fail "the console does not list both callers waiting, longest first"
out=$(press "$CONSOLE_TITLE" Return) || fail "cannot press Enter in the console: $out"
wait_calls 10 held 1 || fail "answering the next caller did not hold the first: $(bin/deskline-server sim calls)"
wait_calls 10 connected 1 || fail "Enter did not answer a caller: $(bin/deskline-server sim calls)"
wait_for 10 ' popup Third Caller$' "$trace" || fail "Enter did not answer the caller who waited longest"
sleep 1
timeout 20 import -window "$CONSOLE_TITLE" "$ART/console-three.png" || fail "screenshot of the console with three calls"
step "switchboard: Enter answered the caller who waited longest, the first call is on hold, one still rings"
# Enter again takes the last caller (nobody is left missed for the next pass).
out=$(press "$CONSOLE_TITLE" Return) || fail "cannot press Enter in the console: $out"
wait_calls 10 held 2 || fail "answering the third caller did not hold the second: $(bin/deskline-server sim calls)"
wait_for 10 ' popup closed' "$trace" || fail "the console still lists a caller waiting"
hangup_all
wait_for 15 ' popup closed' "$trace" || fail "the console still lists callers after they hung up"
wait_mapped 10 "$CONSOLE_TITLE" no || fail "the console is still on screen after the last call ended"
step "all hung up: the console closed"

sleep 5
rss_idle=$(ps -o rss= -p "$app" | tr -d ' ')

# link NUMBER: hands tel:NUMBER over from a second process, which must
# exit at once, then presses Enter in the dial window it opens.
link() {
  local t0
  t0=$(date +%s%N)
  timeout 10 bin/deskline "tel:$1" >"$tmp/second.log" 2>&1 || fail "the second process did not hand over and exit: $(cat "$tmp/second.log")"
  handoff_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  wait_mapped 10 "Deskline: dial" yes || fail "the tel: link did not open the dial window"
  [ "$(calls_at '[a-z]*')" = 0 ] || fail "the link was dialled before Enter: $(bin/deskline-server sim calls)"
  out=$(press "Deskline: dial" Return) || fail "cannot press Enter in the dial window: $out"
}
link +4930901820
end=$((SECONDS + 15))
until bin/deskline-server sim calls | grep -q '4930901820'; do
  [ $SECONDS -lt $end ] || fail "Enter in the dial window did not dial the tel: link"
  sleep 0.2
done
sleep 2 # a second dial of the same link would show by now
n=$(bin/deskline-server sim calls | grep -o '"device":"201","state":"[a-z]*","direction":"outgoing"' | wc -l)
[ "$n" = 1 ] || fail "201 has $n outgoing calls after one tel: link: $(bin/deskline-server sim calls)"
step "tel: link handed over in $handoff_ms ms; the dial window showed it and Enter dialled it"
hangup_all
wait_mapped 10 "$CONSOLE_TITLE" no || fail "the console is still on screen after the dialled call ended"

# A busy line: the call fails, and the console says why until dismissed.
link +4989123456
wait_for 20 ' failed .*Line busy' "$trace" || fail "the console does not say the line was busy"
wait_mapped 10 "$CONSOLE_TITLE" yes || fail "the console is not on screen for the failed call"
sleep 1
timeout 20 import -window "$CONSOLE_TITLE" "$ART/console-failed.png" || fail "screenshot of the failed call"
sleep 3
wait_mapped 1 "$CONSOLE_TITLE" yes || fail "the failed call vanished by itself"
step "busy line: $(grep ' failed ' "$trace" | tail -n1 | cut -d' ' -f3-), kept until dismissed"

# sigterm_quits WHEN SERVER_LOG: SIGTERM ends the app within 10 s, with
# status 0 and a normal close (1000) of its link in the server's log; a
# hung app leaves its goroutine stacks in $ART/app-hung.log. Sets quit_ms.
sigterm_quits() {
  local t0
  t0=$(date +%s%N)
  kill -TERM "$app"
  for _ in $(seq 100); do kill -0 "$app" 2>/dev/null || break; sleep 0.1; done
  quit_ms=$((($(date +%s%N) - t0) / 1000000))
  if kill -0 "$app" 2>/dev/null; then
    kill -QUIT "$app" # Go prints every goroutine's stack: what it hangs on
    sleep 1
    cp "$tmp/app.log" "$ART/app-hung.log" 2>/dev/null || true
    fail "${1:+$1 }the app did not quit on SIGTERM within 10 s (goroutine stacks in $ART/app-hung.log)"
  fi
  wait "$app" || fail "${1:+$1 }the app exited with status $? after SIGTERM"
  grep -q 'session ended.*user=demo.*close=1000' "$2" || fail "${1:+$1 }the app quit without closing its link normally (no close 1000 in the server log)"
}
sigterm_quits "" "$tmp/server.log"
step "SIGTERM: the app said goodbye to the server (close 1000) and exited"

cat >"$report" <<TXT
tray app end-to-end ($(date -u +%FT%TZ), $(nproc) cores, Xvfb + Mesa software GL)
shown (main window, no tray host) after: $(ms ' status ') ms from process start
connected after:                         $(ms ' status connected') ms
screen pop shown after:                  $(ms ' popup ') ms (the demo rings 5 s after connecting)
resident memory, console open:           $((rss_pop / 1024)) MB
resident memory, idle (5 s after):       $((rss_idle / 1024)) MB
tel: hand-over, second process:          $handoff_ms ms
screenshots: $ART/screen.png $ART/console-ringing.png $ART/console-three.png $ART/console-failed.png $ART/main.png
TXT

# The second pass, with a tray host: same server, helpers and report.
source scripts/e2e-tray.sh

cat "$report"
ok=1
step "PASS"
