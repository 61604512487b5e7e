#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks to build, run and test
# Deskline. Idempotent: installs only missing packages; quiet when all are there.
# Used by `make run`, `make test` (through .ci/run) and by hand.
# With -lint it installs only the Go tools of `make lint` (staticcheck).
set -euo pipefail

# staticcheck for `make lint`; its checks are in staticcheck.conf.
# v0.8.2 is staticcheck 2026.2.2, the first with Go 1.26 support here.
STATICCHECK=honnef.co/go/tools/cmd/staticcheck@v0.8.2

need_go() {
  if ! command -v go >/dev/null; then
    echo "install-deps: Go is missing: install Go 1.26 (https://go.dev/doc/install) and run again" >&2
    exit 1
  fi
}

# install_lint installs staticcheck into $(go env GOPATH)/bin (make adds
# it to PATH) unless one is on PATH or there already. A failure fails
# `make lint` (-lint) but only warns for the rest: the tests do not need it.
install_lint() {
  need_go
  local bin
  bin="$(go env GOPATH)/bin"
  if command -v staticcheck >/dev/null || [ -x "$bin/staticcheck" ]; then
    return
  fi
  echo "install-deps: installing $STATICCHECK"
  if ! go install "$STATICCHECK"; then
    echo "install-deps: could not install staticcheck; make lint needs it (go install $STATICCHECK)" >&2
    [ "${1:-}" = "-lint" ] && exit 1
  fi
}

if [ "${1:-}" = "-lint" ]; then
  install_lint -lint
  exit 0
fi

# Debian packages. The server needs none beyond Go; the tray app (Fyne,
# cgo) needs the X11/GL/Wayland headers; the end-to-end window checks
# need Xvfb and friends (Openbox as a real window manager, xdotool to
# ask which window has the keyboard); the keyring tests need gnome-keyring on a D-Bus
# session (dbus-run-session); the end-to-end tray pass needs a real
# StatusNotifierItem host: status-notifier-watcher (from
# haskell-status-notifier-item-utils) and gtk-sni-tray-standalone (from
# haskell-gtk-sni-tray-utils); the Windows build (make windows) needs the
# mingw-w64 cross compiler. Never install dbus-x11: it leaves stray dbus
# and keyring daemons behind every process.
PKGS=(
  gcc pkg-config
  libgl1-mesa-dev libx11-dev libgl1-mesa-dri
  libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
  libwayland-dev libxkbcommon-dev
  gnome-keyring dbus
  xvfb xauth x11-utils imagemagick openbox xdotool
  haskell-status-notifier-item-utils haskell-gtk-sni-tray-utils
  gcc-mingw-w64-x86-64
  # OpenLDAP for the LDAP source's tests (internal/slapd runs its own slapd
  # on loopback from a temp dir); ldap-utils' ldapsearch to look by hand.
  slapd ldap-utils
  radicale # the CardDAV server the directory's tests start (server/directory/carddav, internal/radicale)
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # slapd's postinst creates a dc=nodomain directory with a generated admin
  # password and starts it on port 389 of every interface. The tests do not
  # need it (nor collide with it: their own ports and config); a machine
  # that did not ask for a directory server should not serve one. Only a
  # slapd installed just now is stopped and disabled.
  if [[ " ${missing[*]} " == *" slapd "* ]] && command -v systemctl >/dev/null &&
    systemctl is-active --quiet slapd 2>/dev/null; then
    echo "install-deps: stopping and disabling the system slapd the package started (the tests run their own)"
    $SUDO systemctl disable --now slapd >/dev/null 2>&1 || true
  fi
fi

need_go
install_lint
