#!/usr/bin/env bash
# Runs the libFuzzer targets (tests/fuzz) for as long as asked and reports, per target, the
# executions, their rate, the corpus and the crashes. Builds the fuzz preset (clang) first and
# writes the seeds from ../shared/fixtures. The corpus in build/fuzz/fuzz/corpus/<target> grows
# from run to run; a crash's input lands in build/fuzz/artifacts/<target>/.
#
#   scripts/fuzz.sh [--time SECONDS | --runs N] [--jobs J] [TARGET...]
#
#   --time S   run each target for S seconds (default 600)
#   --runs N   run each target until N executions (e.g. 10000000), however long that takes
#   --jobs J   targets run at once (default: the number of CPUs)
#   TARGET     stratum_message stratum_session stratum_notify gbt_template payout_address config
#              api_request (default: all)
# Exit status 1 when any target crashed (or broke a property), else 0.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=600
runs=-1
jobs=$(nproc)
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) seconds=$2; shift 2 ;;
    --runs) runs=$2; seconds=0; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  targets=(stratum_message stratum_session stratum_notify gbt_template payout_address config
           api_request)
fi

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc)"
build=build/fuzz
"$build/hashrig_fuzz_seeds" ../shared/fixtures "$build/fuzz/seeds" >/dev/null
logs=$build/fuzz/logs
mkdir -p "$logs"

run_target() {
  local t=$1
  mkdir -p "$build/fuzz/corpus/$t" "$build/artifacts/$t"
  # detect_leaks: a leak is a crash too. malloc_context_size=0: no stack is recorded for each
  # allocation, a third of a stateful target's time; rerun a crash's input without it to see
  # where the memory came from. -max_len: lines and bodies are capped at 64 KiB.
  ASAN_OPTIONS=detect_leaks=1:malloc_context_size=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/${t}_fuzz" -max_total_time="$seconds" -runs="$runs" -max_len=65536 -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/artifacts/$t/" \
    "$build/fuzz/corpus/$t" "$build/fuzz/seeds/$t" >"$logs/$t.log" 2>&1
}

echo "fuzz.sh: ${#targets[@]} targets, $([ "$runs" -gt 0 ] && echo "$runs runs" || echo "$seconds s") each, $jobs at a time; logs in $logs"
declare -A names=()  # pid -> target
status=()
reap() {  # waits for whichever target finishes first
  local pid rc=0
  wait -n -p pid || rc=$?
  status+=("${names[$pid]}=$rc")
  unset "names[$pid]"
}
for t in "${targets[@]}"; do
  if [ "${#names[@]}" -ge "$jobs" ]; then reap; fi
  run_target "$t" &
  names[$!]=$t
done
while [ "${#names[@]}" -gt 0 ]; do reap; done

failed=0
printf '%-16s %14s %10s %9s %8s %7s\n' target executions exec/s seconds corpus crashes
for entry in "${status[@]}"; do
  t=${entry%%=*}
  rc=${entry#*=}
  log=$logs/$t.log
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  corpus=$(find "$build/fuzz/corpus/$t" -type f | wc -l)
  crashes=0
  if [ "$rc" -ne 0 ]; then
    crashes=1
    failed=1
  fi
  printf '%-16s %14s %10s %9s %8s %7s\n' "$t" "${execs:-?}" "${rate:-?}" "${took:-?}" "$corpus" "$crashes"
  if [ "$rc" -ne 0 ]; then
    grep -m3 -E 'ERROR|property broken|terminate|runtime error' "$log" | sed 's/^/    /' || true
    echo "    input: $(ls -t "$build/artifacts/$t" | head -1)  log: $log"
  fi
done
exit "$failed"
