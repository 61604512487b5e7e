#!/usr/bin/env bash
# `make install`: installs the tray app for the current user on Linux —
# the binary in ~/.local/bin, the desktop entry that makes Deskline the
# handler of tel:, callto: and sip: links, and the icon. No root needed.
# Start at login is a switch in Deskline's settings (it writes
# ~/.config/autostart/deskline.desktop itself).
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${PREFIX:-$HOME/.local}
install -Dm755 bin/deskline "$prefix/bin/deskline"
install -Dm644 assets/icons/app.png "$prefix/share/icons/hicolor/512x512/apps/deskline.png"
mkdir -p "$prefix/share/applications"
sed "s|^Exec=deskline|Exec=$prefix/bin/deskline|; s|^TryExec=deskline|TryExec=$prefix/bin/deskline|" \
  packaging/linux/deskline.desktop >"$prefix/share/applications/deskline.desktop.tmp"
mv "$prefix/share/applications/deskline.desktop.tmp" "$prefix/share/applications/deskline.desktop"
command -v update-desktop-database >/dev/null && update-desktop-database "$prefix/share/applications" || true
# One honest line: links open Deskline only once it is their handler.
if command -v xdg-mime >/dev/null; then
  for scheme in tel callto sip; do
    xdg-mime default deskline.desktop "x-scheme-handler/$scheme"
  done
  echo "install: Deskline installed in $prefix; tel:, callto: and sip: links now open it"
else
  echo "install: Deskline installed in $prefix; links do not open it yet (xdg-mime not found): install xdg-utils and run make install again, or choose Deskline for tel: links in your desktop's default-applications settings"
fi
