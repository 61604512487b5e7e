# The reception, end to end (sourced by scripts/e2e-tray.sh for the
# app's last start, with a tray host; uses the passes' helpers, server and
# report). The demo user watches every phone with who calls, and its
# switchboard setting is "on" here (as a reception's "automatic" is), so
# its desk opens the switchboard window by itself. All by keys, in a real window under Xvfb with a window
# manager:
#   three callers ring at the reception (201); F2 answers the one who
#   waited longest; typing "clara" selects Clara, F6 announces the caller
#   to her (she answers after 3 s), F8 goes back to the caller; typing
#   "ben" and F5 transfers the caller to Ben blind; F2 answers the next
#   caller, F10 parks them, F11 takes them back; F2 answers the third
#   caller and holds the second; a call rings at Eva's phone, typing
#   "eva" and F12 picks it up at the reception.
#   Escape closes the switchboard; "Switchboard…" in the tray menu opens
#   it again.
# Screenshots: switchboard-*.png in $E2E_ARTIFACTS; resident memory and
# idle CPU with the switchboard open in the report.

# conn DEVICE STATE NUMBER: the exchange has DEVICE in STATE with NUMBER.
conn() {
  bin/deskline-server sim calls | grep -q "\"device\":\"$1\",\"state\":\"$2\",\"direction\":\"[a-z]*\",\"other\":{\"number\":\"$3\""
}
# wait_conn SECONDS DEVICE STATE NUMBER WHAT: until conn, else fail with WHAT.
wait_conn() {
  local end=$((SECONDS + $1))
  until conn "$2" "$3" "$4"; do
    [ $SECONDS -lt $end ] || fail "$5: $(bin/deskline-server sim calls)"
    sleep 0.2
  done
}
# sb_key KEY: presses KEY in the switchboard.
sb_key() { out=$(press "$SB_TITLE" "$1") || fail "cannot press $1 in the switchboard: $out"; }
# sb_find TEXT: types TEXT into the switchboard's filter (typing anywhere
# in the window fills it), after taking back what an earlier search left
# (Backspace; Escape would close the window once the filter is empty),
# which selects the first colleague it finds.
sb_find() {
  out=$(press "$SB_TITLE") || fail "cannot give the switchboard the keyboard: $out"
  timeout 5 xdotool key --delay 20 --repeat 12 BackSpace || fail "cannot clear the switchboard's filter"
  timeout 5 xdotool type --delay 40 "$1" || fail "cannot type '$1' into the switchboard"
  sleep 0.3
}

hangup_all
wait_mapped 15 "$SB_TITLE" yes || fail "the reception's switchboard did not open by itself once connected"
step "the reception's switchboard opened by itself"

first=+49405550201 second=+49405550202 third=+49405550203 at_eva=+49405550205
bin/deskline-server sim ring 201 --from "$first" --name "First Caller" >/dev/null
sleep 0.3
bin/deskline-server sim ring 201 --from "$second" --name "Second Caller" >/dev/null
sleep 0.3
bin/deskline-server sim ring 201 --from "$third" --name "Third Caller" >/dev/null
wait_conn 10 201 alerting "$third" "the third caller does not ring at the reception"
sleep 1
timeout 20 import -window "$SB_TITLE" "$ART/switchboard-ringing.png" || fail "screenshot of the switchboard"

sb_key F2
wait_conn 10 201 connected "$first" "F2 did not answer the caller who waited longest"
step "F2 answered the first caller"

sb_find clara
sb_key F6
wait_conn 10 201 held "$first" "F6 did not put the caller on hold to announce them"
wait_conn 10 203 connected '[^"]*' "Clara did not answer the announcement"
sleep 0.5
timeout 20 import -window "$SB_TITLE" "$ART/switchboard-consult.png" || fail "screenshot of the consultation"
sb_key F8
wait_conn 10 201 connected "$first" "F8 did not go back to the caller"
step "F6 announced the caller to Clara, F8 went back to them"

sb_find ben
sb_key F5
wait_conn 10 202 alerting "$first" "F5 did not transfer the caller to Ben"
step "F5 transferred the caller to Ben, blind"

sb_key F2
wait_conn 10 201 connected "$second" "F2 did not answer the second caller"
sb_key F10
end=$((SECONDS + 10))
while conn 201 connected "$second"; do
  [ $SECONDS -lt $end ] || fail "F10 did not park the second caller"
  sleep 0.2
done
sleep 0.5
timeout 20 import -window "$SB_TITLE" "$ART/switchboard-parked.png" || fail "screenshot of the parked call"
sb_key F11
wait_conn 10 201 connected "$second" "F11 did not take the parked caller back"
step "F10 parked the second caller, F11 took them back"
# The third caller has waited all along (the demo's phones ring 30 s):
# F2 takes them and holds the second, so nobody is left a missed call.
sb_key F2
wait_conn 10 201 connected "$third" "F2 did not answer the third caller"
wait_conn 10 201 held "$second" "F2 did not hold the call in hand before answering the third caller"
step "F2 answered the third caller and held the second"

bin/deskline-server sim ring 205 --from "$at_eva" --name "Caller for Eva" >/dev/null
wait_conn 10 205 alerting "$at_eva" "the call for Eva does not ring"
sb_find eva
sb_key F12
wait_conn 10 201 '[a-z]*' "$at_eva" "F12 did not pick up Eva's call at the reception"
step "F12 picked up the call ringing at Eva's phone"
sleep 1
timeout 20 import -window "$SB_TITLE" "$ART/switchboard-end.png" || fail "screenshot of the switchboard"
hangup_all
sleep 3 # settle: the calls' last frames
rss_switchboard=$(rss_kb "$app") split_switchboard=$(mem_split "$app")
read -r cpu_switchboard wake_switchboard < <(measure_idle "$app")
step "switchboard open and idle: $((rss_switchboard / 1024)) MB, $cpu_switchboard % of a core"
report "the reception's switchboard (five phones watched; after its calls by keys, scripts/e2e-switchboard.sh):"
report "  resident memory, switchboard open:     $((rss_switchboard / 1024)) MB ($split_switchboard)"
report "  idle CPU, switchboard open, ${idle_s} s:     $cpu_switchboard % of a core, $wake_switchboard wake-ups/s"
report "  screenshots: $ART/switchboard-{ringing,consult,parked,end}.png"
out=$(press "$SB_TITLE" Escape) || fail "cannot press Escape in the switchboard: $out"
wait_mapped 10 "$SB_TITLE" no || fail "Escape did not close the switchboard"
click "Switchboard…"
wait_mapped 10 "$SB_TITLE" yes || fail "\"Switchboard…\" in the tray menu did not open the switchboard"
step "Escape closed the switchboard; \"Switchboard…\" in the tray menu opened it again"
