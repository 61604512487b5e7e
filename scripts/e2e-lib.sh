# Helpers of the end-to-end scripts (sourced by scripts/e2e.sh and
# scripts/e2e-switchboard-load.sh, which set E2E_NAME, tmp, trace and
# report): failing and steps, waiting for a line or a window, the
# keyboard, the exchange's calls, and the figures (resident memory, what
# it is made of, idle CPU and wake-ups, the report).

idle_s=10 # how long "idle" is measured

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# mem_split PID: what the resident memory is made of: the process's own
# (anonymous) memory, and pages of files it maps (libraries, the binary),
# shared with every other process that maps them — under software GL
# Mesa's LLVM alone.
mem_split() {
  local anon llvm
  anon=$(awk '/^Anonymous:/ {print $2}' "/proc/$1/smaps_rollup")
  llvm=$(awk '/^[0-9a-f]+-/ {f = ($6 ~ /libLLVM/)} f && /^Rss:/ {s += $2} END {print s + 0}' "/proc/$1/smaps")
  echo "own (anonymous) $((anon / 1024)) MB; mapped files $((($(rss_kb "$1") - anon) / 1024)) MB, of which Mesa's libLLVM $((llvm / 1024)) MB"
}
# go_heap: the app's live Go heap after its last collection, in MB (gctrace).
go_heap() { grep '^gc ' "$tmp/app.log" | tail -n1 | grep -o '[0-9]*->[0-9]*->[0-9]* MB' | sed 's/.*->//'; }
# cpu_ticks PID: user + system time in clock ticks ("(deskline)" holds no
# space, so the fields are where proc(5) says).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# wakeups PID: voluntary context switches of all its threads: each is a
# thread going to sleep after it was woken.
wakeups() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/^voluntary_ctxt_switches/ {s += $2} END {print s}'; }
# measure_idle PID: "CPU% wakeups/s" over idle_s seconds.
measure_idle() {
  local c0 w0 t0 c1 w1 t1
  c0=$(cpu_ticks "$1") w0=$(wakeups "$1") t0=$(date +%s%N)
  sleep "$idle_s"
  c1=$(cpu_ticks "$1") w1=$(wakeups "$1") t1=$(date +%s%N)
  awk -v c=$((c1 - c0)) -v w=$((w1 - w0)) -v ns=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" \
    'BEGIN {s = ns / 1e9; printf "%.2f %.1f\n", c / hz / s * 100, w / s}'
}
report() { echo "$*" >>"$report"; }

# fail says why on stderr at once and again last on stdout (after the
# logs cleanup prints), where a CI excerpt of the output's tail shows it.
fail() {
  failed="$E2E_NAME: FAIL: $*"
  echo "$failed" >&2
  exit 1
}
step() { echo "$E2E_NAME: $*"; }
# wait_for SECONDS PATTERN FILE: until a line of FILE matches PATTERN.
wait_for() {
  local end=$((SECONDS + $1))
  until grep -qE "$2" "$3" 2>/dev/null; do
    [ $SECONDS -lt $end ] || return 1
    sleep 0.2
  done
}
# mapped NAME: the window is on screen (xwininfo also finds hidden ones).
mapped() { timeout 10 xwininfo -name "$1" 2>/dev/null | grep -q 'IsViewable'; }
# wait_mapped SECONDS NAME yes|no
wait_mapped() {
  local end=$((SECONDS + $1))
  while :; do
    if mapped "$2"; then [ "$3" = yes ] && return 0; else [ "$3" = no ] && return 0; fi
    [ $SECONDS -lt $end ] || return 1
    sleep 0.2
  done
}

# press TITLE [KEY]: gives the keyboard to the window titled TITLE that is
# on screen (Fyne keeps a window's name while it is hidden or not yet
# shown, so a search by name alone can pick one that cannot take the
# keyboard), then presses KEY in it. It tries again for up to 10 s until
# the window manager hands the keyboard over; a key is pressed once
# only. On failure it prints what xdotool said and which windows carry
# that name.
press() {
  local title=$1 key=${2:-} out end=$((SECONDS + 10))
  until out=$(timeout 5 xdotool search --onlyvisible --name "^$title\$" windowactivate --sync 2>&1); do
    if [ $SECONDS -ge $end ]; then
      echo "xdotool: ${out:-no window on screen}; windows named '$title': $(timeout 5 xdotool search --name "^$title\$" 2>&1 | tr '\n' ' ')"
      return 1
    fi
    echo "$E2E_NAME: window '$title' cannot take the keyboard yet: ${out:-not on screen}" >&2
    sleep 0.2
  done
  [ -z "$key" ] || out=$(timeout 5 xdotool key "$key" 2>&1) || { echo "xdotool key $key: $out"; return 1; }
}
# hangup_all: every call in progress ends (the far end hangs up).
hangup_all() {
  for c in $(bin/deskline-server sim calls | grep -o '"call":"[^"]*"' | cut -d'"' -f4 | sort -u); do
    bin/deskline-server sim hangup "$c" >/dev/null
  done
}
