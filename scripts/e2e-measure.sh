# Measuring helpers of the end-to-end passes (sourced by scripts/e2e.sh):
# resident memory, what it is made of, idle CPU and wake-ups, the report.

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
