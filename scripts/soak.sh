#!/usr/bin/env bash
# Soak: hashrig mines for a long time against the test pool and, in a second process, the test
# node (release build, loopback), and the script reports whether anything grows or goes missing:
#   - memory: each hashrig's resident set after a warm-up and at the end (goal: growth <= 5 MB);
#   - file descriptors and threads, at the same two moments (goal: no growth);
#   - shares: every share hashrig verified has an outcome, and the pool's count of accepted
#     shares is hashrig's (rejected: 0);
#   - blocks: every block hashrig says the node accepted is in the node's own record.
# Samples every 30 s go to build/soak/samples.csv; logs and summaries to build/soak/.
#
#   scripts/soak.sh [MINUTES] [BUILD_DIR]
#
# MINUTES defaults to 10 (not part of the test command). BUILD_DIR holds hashrig,
# hashrig-test-pool and hashrig-test-node; by default the release preset is built for them.
# Exit status 1 when a goal is missed.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:-10}
bin=${2:-}
duration=$((minutes * 60))
warmup=$((duration / 10 < 60 ? duration / 10 : 60))
out=build/soak
rm -rf "$out"
mkdir -p "$out"

if [ -z "$bin" ]; then
  scripts/install-deps.sh >&2
  cmake --preset release >/dev/null
  cmake --build --preset release --target hashrig hashrig-test-pool hashrig-test-node >&2
  bin=build/release
fi

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# The test pool and the test node, each reading commands from a fifo we hold open.
mkfifo "$out/pool.in" "$out/node.in"
"$bin/hashrig-test-pool" --difficulty 0.01 --job-interval-ms 5000 --clean-every 6 \
  <"$out/pool.in" >"$out/pool.out" 2>"$out/pool.err" &
pids+=($!)
pool_pid=$!
exec 3>"$out/pool.in"
mkdir -p "$out/node-data"
"$bin/hashrig-test-node" --datadir "$out/node-data" --txs 20 \
  <"$out/node.in" >"$out/node.out" 2>"$out/node.err" &
pids+=($!)
node_pid=$!
exec 4>"$out/node.in"

port_of() {
  for _ in $(seq 100); do
    if [ -s "$1" ]; then sed -n 's/^port //p' "$1" | head -1; return; fi
    sleep 0.1
  done
  echo "soak: $1 never said its port" >&2
  exit 1
}
pool_port=$(port_of "$out/pool.out")
node_port=$(port_of "$out/node.out")

"$bin/hashrig" -o "stratum+tcp://127.0.0.1:$pool_port" -u soak -p x --threads 1 \
  --status-interval 60 --summary-json "$out/pool-miner.json" --log-file "$out/pool-miner.log" \
  >/dev/null 2>&1 &
pids+=($!)
pool_miner=$!
"$bin/hashrig" --node "http://127.0.0.1:$node_port" --node-cookie "$out/node-data/.cookie" \
  --payout bcrt1qwfgq7m40xvqkswrkjupv0anfrfr6recs3rrlpe --journal "$out/blocks.sqlite3" \
  --threads 1 --status-interval 60 --summary-json "$out/node-miner.json" \
  --log-file "$out/node-miner.log" >/dev/null 2>&1 &
pids+=($!)
node_miner=$!

rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }
fds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l; }
threads() { sed -n 's/^Threads:[[:space:]]*//p' "/proc/$1/status"; }
sample() {  # t, then rss/fds/threads of each miner
  echo "$1,$(rss_kb "$pool_miner"),$(fds "$pool_miner"),$(threads "$pool_miner"),$(rss_kb "$node_miner"),$(fds "$node_miner"),$(threads "$node_miner")"
}

echo "soak: $minutes min; pool miner $pool_miner, node miner $node_miner; warm-up $warmup s"
echo "t_s,pool_rss_kb,pool_fds,pool_threads,node_rss_kb,node_fds,node_threads" >"$out/samples.csv"
start=$SECONDS
sleep "$warmup"
first=$(sample "$warmup")
echo "$first" >>"$out/samples.csv"
while [ $((SECONDS - start)) -lt "$duration" ]; do
  left=$((duration - (SECONDS - start)))
  sleep $((left < 30 ? left : 30))
  for p in "$pool_miner" "$node_miner"; do
    kill -0 "$p" 2>/dev/null || { echo "soak: hashrig $p died; see $out/*.log" >&2; exit 1; }
  done
  last=$(sample $((SECONDS - start)))
  echo "$last" >>"$out/samples.csv"
  # The node's chain grows by a block every few hashes at the regtest target: keep its mempool fed.
  echo "tx 5" >&4
done

kill -TERM "$pool_miner" "$node_miner"
wait "$pool_miner" "$node_miner" || true
exec 3>&- 4>&-  # the pool and the node print their final stats and exit
wait "$pool_pid" "$node_pid" || true

field() { grep -o "\"$2\": *[0-9.]*" "$1" | head -1 | sed 's/.*: *//'; }
IFS=, read -r _ prss0 pfd0 pth0 nrss0 nfd0 nth0 <<<"$first"
IFS=, read -r _ prss1 pfd1 pth1 nrss1 nfd1 nth1 <<<"$last"
pool_stats=$(tail -1 "$out/pool.out")
node_stats=$(tail -1 "$out/node.out")

failed=0
check() {  # name, ok (0/1), text
  printf '%-58s %s\n' "$1" "$3"
  if [ "$2" -ne 1 ]; then failed=1; echo "    ^ goal missed"; fi
}
echo
echo "after $minutes min (the start is the sample after the $warmup s warm-up):"
for who in pool node; do
  if [ "$who" = pool ]; then r0=$prss0 r1=$prss1 f0=$pfd0 f1=$pfd1 t0=$pth0 t1=$pth1
  else r0=$nrss0 r1=$nrss1 f0=$nfd0 f1=$nfd1 t0=$nth0 t1=$nth1; fi
  growth=$((r1 - r0))
  check "$who miner: resident memory" $((growth <= 5120)) "$r0 kB -> $r1 kB ($growth kB)"
  check "$who miner: file descriptors" $((f1 <= f0)) "$f0 -> $f1"
  check "$who miner: threads" $((t1 <= t0)) "$t0 -> $t1"
done

s=$out/pool-miner.json
verified=$(field "$s" shares)
accepted=$(field "$s" accepted)
rejected=$(field "$s" rejected)
stale=$(field "$s" stale)
unrouted=$(field "$s" unrouted)
pool_accepted=$(echo "$pool_stats" | grep -o '"accepted":[0-9]*' | head -1 | cut -d: -f2)
pool_rejected=$(echo "$pool_stats" | grep -o '"rejected":[0-9]*' | head -1 | cut -d: -f2)
outcomes=$((accepted + rejected + stale + unrouted))
check "pool miner: every verified share has an outcome" $((verified == outcomes)) \
  "$verified verified = $accepted accepted + $rejected rejected + $stale stale + $unrouted unrouted"
check "pool: accepted as hashrig counts, none rejected" \
  $((pool_accepted == accepted && pool_rejected == 0)) \
  "pool accepted $pool_accepted, rejected $pool_rejected"

s=$out/node-miner.json
blocks=$(field "$s" blocks_accepted)
node_accepted=$(echo "$node_stats" | grep -o '"hash":"[0-9a-f]*"' | wc -l)
check "node: every block hashrig counts accepted is in its chain" $((node_accepted >= blocks)) \
  "hashrig $blocks accepted (found $(field "$s" blocks_found)), node accepted $node_accepted"
echo
echo "samples: $out/samples.csv; logs: $out/*.log"
exit "$failed"
