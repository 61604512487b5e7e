#!/usr/bin/env bash
# `make run`: the CTI server on its demo configuration (simulated
# exchange) and the tray app logged in as the demo user, with the bundled
# demo address book. A few seconds after it connects, the demo rings the
# demo user's phone (201) from a demo contact: the screen pop. The tray
# menu (or the main window) has "Ring me (demo)" to ring again, and
# Dial… calls a contact. Quitting the app stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-bin}
ADDR=${DESKLINE_DEMO_ADDR:-127.0.0.1:8720}
# The demo keeps its settings, journal and token apart from a real
# installation's, in .demo/ of this checkout.
export DESKLINE_CONFIG_DIR=${DESKLINE_CONFIG_DIR:-$PWD/.demo}
export LANG=${LANG:-en_US.UTF-8}

healthy() { "$BIN/deskline-server" sim -server "ws://$ADDR/v1/ws" devices >/dev/null 2>&1; }

server_pid=""
if healthy; then
  echo "demo: a Deskline server already answers on $ADDR; using it"
else
  mkdir -p "$DESKLINE_CONFIG_DIR"
  "$BIN/deskline-server" serve -listen "$ADDR" -state "$DESKLINE_CONFIG_DIR/server-state" &
  server_pid=$!
  trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true' EXIT
  for _ in $(seq 100); do healthy && break; sleep 0.1; done
  healthy || { echo "demo: the server did not start on $ADDR" >&2; exit 1; }
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  cat <<TXT
demo: no desktop display here (DISPLAY is not set), so the tray app cannot
show. The server runs; watch what a desktop would see with
  $BIN/deskline-server watch -user demo -password demo
and ring it with
  $BIN/deskline-server sim ring 201 --from "+49 40 32901142" --name "Miriam Okafor"
Stop with Ctrl-C.
TXT
  [ -n "$server_pid" ] && wait "$server_pid"
  exit 0
fi

echo "demo: starting the tray app as the demo user (settings in $DESKLINE_CONFIG_DIR)"
echo "demo: dial a link from a second terminal with"
echo "  DESKLINE_CONFIG_DIR=$DESKLINE_CONFIG_DIR $BIN/deskline tel:+4930901820"
"$BIN/deskline" -demo -server "ws://$ADDR/v1/ws"
