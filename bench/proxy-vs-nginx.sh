#!/usr/bin/env bash
# Proxy throughput and latency: the meshroute reference proxy (1 route and ROUTES routes) against nginx as an
# equivalent reverse proxy, both in front of the same fixed-response backend, all on loopback, interleaved in one
# run. See BENCHMARKS.md ("Proxy throughput and latency") for the method.
#
#   bench/proxy-vs-nginx.sh                  # from the repository root, on a fresh clone
#   ROUNDS=5 SECONDS_PER_RUN=10 bench/proxy-vs-nginx.sh
#   PIN=0 bench/proxy-vs-nginx.sh           # no CPU pinning (see below)
#   PROXY_CPU_QUOTA=60 bench/proxy-vs-nginx.sh   # each proxy gets 60% of a CPU (a cgroup quota): the proxy limits
#
# Installs wrk, nginx, socat and python3 with apt-get when missing, builds
# reference-impl/target/meshroute-reference.jar (unless SKIP_BUILD=1 and it exists), and stops everything it started
# on exit (also on Ctrl-C).
set -euo pipefail

ROUNDS=${ROUNDS:-4}                 # interleaved rounds (direct, ref 1 route, nginx, ref ROUTES routes, relay in each)
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
WARMUP_SECONDS=${WARMUP_SECONDS:-45} # per target, before the rounds (the JVM reaches its steady state 30 to 40 s into the load)
WARMUP_RUN_SECONDS=${WARMUP_RUN_SECONDS:-5} # the warm-up is interleaved runs this long, each on new connections
CONNECTIONS=${CONNECTIONS:-32}
ROUTES=${ROUTES:-10000}
RATE=${RATE:-1000}                  # fixed-rate latency: requests/s
RATE_CONNECTIONS=${RATE_CONNECTIONS:-2}
LATENCY_SECONDS=${LATENCY_SECONDS:-10}
BASE_PORT=${BASE_PORT:-18480}
for setting in ROUNDS SECONDS_PER_RUN WARMUP_SECONDS WARMUP_RUN_SECONDS CONNECTIONS ROUTES RATE RATE_CONNECTIONS \
  LATENCY_SECONDS BASE_PORT; do
  case "${!setting}" in
    '' | *[!0-9]* | 0*) echo "$setting=${!setting}: give a whole number greater than 0" >&2; exit 2 ;;
  esac
done

cd "$(dirname "$0")/.."
ROOT=$(pwd)
JAR=$ROOT/reference-impl/target/meshroute-reference.jar
WORK=$(mktemp -d /tmp/meshroute-bench.XXXXXX)
PIDS=()

QUOTA_GROUP=
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$QUOTA_GROUP" ]; then rmdir "$QUOTA_GROUP"/*/ "$QUOTA_GROUP" 2>/dev/null || true; fi
}
trap cleanup EXIT INT TERM

need() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }
# python3 writes the summary at the end; a fresh machine of this project has Java, Maven and Node, not Python
if ! need wrk || ! need nginx || ! need socat || ! python3 -c 'import csv, statistics' >/dev/null 2>&1; then
  echo "installing wrk, nginx, socat and python3 (apt-get)" >&2
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq wrk nginx socat \
    python3 >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$JAR" ]; then
  echo "building $JAR" >&2
  mvn -B -q -DskipTests package -pl reference-impl
fi

# Pinning: the proxy under test (either one) gets CPU 0 alone; wrk, the backend and the latency client share the
# rest. With one CPU, or PIN=0, nothing is pinned (on a machine busy with other work, a pinned proxy competes for
# CPU 0 with everything the scheduler puts there; unpinned, every process gets its fair share of all CPUs). Either
# way each proxy runs one event loop: nginx one worker process, the reference one Netty event loop thread.
CPUS=$(nproc)
if [ "$CPUS" -ge 2 ] && [ "${PIN:-1}" = 1 ]; then
  PROXY_CPU=0; LOAD_CPUS=1-$((CPUS - 1)); PIN_PROXY="taskset -c $PROXY_CPU"; PIN_LOAD="taskset -c $LOAD_CPUS"
  LOAD_CPU_LIST=$(seq 1 $((CPUS - 1)) | tr '\n' ' ')
else
  PROXY_CPU=none; LOAD_CPUS=none; PIN_PROXY=; PIN_LOAD=
  LOAD_CPU_LIST=$(seq 0 $((CPUS - 1)) | tr '\n' ' ') # unpinned: the load side may run on any CPU
fi

# PROXY_CPU_QUOTA=60: each proxy (nginx's worker, the reference's whole JVM) may use at most 60% of one CPU during
# the throughput rounds (a cgroup CPU quota), so that the proxy, not the load side, is what limits throughput; then
# the requests/s ratio is a ratio of CPU per request. Unset: no quota.
if [ -n "${PROXY_CPU_QUOTA:-}" ]; then
  case "$PROXY_CPU_QUOTA" in
    [1-9] | [1-9][0-9] | 100) ;;
    *) echo "PROXY_CPU_QUOTA=$PROXY_CPU_QUOTA: give a percentage of one CPU, 1 to 100" >&2; exit 2 ;;
  esac
  if [ -d /sys/fs/cgroup/cpu ] && [ -w /sys/fs/cgroup/cpu ]; then # cgroup v1
    QUOTA_GROUP=/sys/fs/cgroup/cpu/meshroute-bench.$$
    mkdir "$QUOTA_GROUP"
  elif [ -f /sys/fs/cgroup/cgroup.controllers ] && grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null \
      && [ -w /sys/fs/cgroup ]; then # cgroup v2, with the cpu controller enabled for child groups
    QUOTA_GROUP=/sys/fs/cgroup/meshroute-bench.$$
    mkdir "$QUOTA_GROUP" && echo +cpu >"$QUOTA_GROUP/cgroup.subtree_control"
  else
    echo "PROXY_CPU_QUOTA needs a writable cgroup CPU controller (/sys/fs/cgroup/cpu, or cgroup v2 with cpu in" \
      "cgroup.subtree_control), and this machine has none; run as root, or without PROXY_CPU_QUOTA" >&2
    exit 2
  fi
fi

BACKEND_PORT=$BASE_PORT; NGINX_PORT=$((BASE_PORT + 1)); REF1_PORT=$((BASE_PORT + 2)); REFN_PORT=$((BASE_PORT + 3))
RELAY_PORT=$((BASE_PORT + 4))
HOST=bench.default.svc.cluster.local
PATH1=/r0/bench
PATHN=/r$((ROUTES - 1))/bench
# about the size of a small JSON API answer
BODY='{"pod":"bench-0","namespace":"default","message":"a fixed response of about two hundred bytes, the same for every request, so that every proxy moves the same bytes.........."}'

mkdir -p "$WORK/backend" "$WORK/proxy"
cat >"$WORK/backend/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $WORK/backend/nginx.pid;
error_log $WORK/backend/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  client_body_temp_path $WORK/backend;
  proxy_temp_path $WORK/backend;
  fastcgi_temp_path $WORK/backend;
  uwsgi_temp_path $WORK/backend;
  scgi_temp_path $WORK/backend;
  server {
    listen 127.0.0.1:$BACKEND_PORT;
    location / { default_type application/json; return 200 '$BODY'; }
  }
}
CONF
# nginx as the sidecar would be: one worker, HTTP/1.1 keep-alive connections to the upstream, no logging, no
# buffering of the (small) bodies to disk.
cat >"$WORK/proxy/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $WORK/proxy/nginx.pid;
error_log $WORK/proxy/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  client_body_temp_path $WORK/proxy;
  proxy_temp_path $WORK/proxy;
  fastcgi_temp_path $WORK/proxy;
  uwsgi_temp_path $WORK/proxy;
  scgi_temp_path $WORK/proxy;
  upstream backend {
    server 127.0.0.1:$BACKEND_PORT;
    keepalive 64;
    keepalive_requests 100000000;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
CONF

$PIN_LOAD "$NGINX" -e "$WORK/backend/error.log" -p "$WORK/backend" -c "$WORK/backend/nginx.conf" &
PIDS+=($!); BACKEND_PID=$!
$PIN_PROXY "$NGINX" -e "$WORK/proxy/error.log" -p "$WORK/proxy" -c "$WORK/proxy/nginx.conf" &
PIDS+=($!); NGINX_PID=$!
# relay: socat copying bytes between a client connection and a backend connection, no HTTP at all, pinned like the
# proxies. Not a competitor: the floor of what any user-space hop costs on this machine (two more wake-ups and four
# more socket calls per request), against which a proxy's added latency can be read.
$PIN_PROXY socat "TCP-LISTEN:$RELAY_PORT,bind=127.0.0.1,reuseaddr,fork,nodelay" "TCP:127.0.0.1:$BACKEND_PORT,nodelay" &
PIDS+=($!); RELAY_PID=$!

# The reference: control plane + sidecar proxy in one JVM (as `meshroute-reference.jar serve` runs them), one
# proxy event loop, pinned like nginx. The JVM sees one CPU, so it picks the serial collector. The inlining limits are
# the ones README advises for serving (BENCHMARKS.md, "JIT inlining").
JAVA_OPTS=${JAVA_OPTS:-"-Xms512m -Xmx1g -Dmeshroute.proxy.workers=1 -XX:MaxInlineLevel=25 -XX:InlineSmallCode=5000"}
start_ref() { # routes port log
  # shellcheck disable=SC2086
  $PIN_PROXY java $JAVA_OPTS -cp "$JAR" dev.meshroute.reference.bench.BenchMesh "$1" "$2" "$BACKEND_PORT" \
    >"$3" 2>&1 &
  PIDS+=($!)
}
start_ref 1 "$REF1_PORT" "$WORK/ref1.log"; REF1_PID=$!
start_ref "$ROUTES" "$REFN_PORT" "$WORK/refn.log"; REFN_PID=$!
for log in "$WORK/ref1.log" "$WORK/refn.log"; do
  for _ in $(seq 1 600); do grep -q '^ready' "$log" && break; sleep 0.2; done
  grep -q '^ready' "$log" || { echo "reference mesh did not start:" >&2; cat "$log" >&2; exit 1; }
done

check() { # name port path
  local body
  body=$(curl -s --max-time 5 -H "Host: $HOST" "http://127.0.0.1:$2$3") || true
  [ "$body" = "$BODY" ] || { echo "$1 on port $2 does not answer with the backend's body: $body" >&2; exit 1; }
}
check backend "$BACKEND_PORT" /
check nginx "$NGINX_PORT" "$PATH1"
check "reference (1 route)" "$REF1_PORT" "$PATH1"
check "reference ($ROUTES routes)" "$REFN_PORT" "$PATHN"
check relay "$RELAY_PORT" "$PATH1"

# ref-1 runs next to nginx, the pair the goal compares, so that the host's drift has the least time to come between
# them (the throughput rounds also reverse the order every other round).
TARGETS=("direct:$BACKEND_PORT:$PATH1" "ref-1:$REF1_PORT:$PATH1" "nginx:$NGINX_PORT:$PATH1" "ref-$ROUTES:$REFN_PORT:$PATHN"
  "relay:$RELAY_PORT:$PATH1")
# CPU time per request: the processes whose CPU a target's run is charged to (nginx: its worker processes; the
# reference: its whole JVM, control plane, JIT and GC threads included). Not for direct (that is the backend) nor the
# relay (socat forks a process per connection).
declare -A CPU_PIDS=(["ref-1"]="$REF1_PID" ["ref-$ROUTES"]="$REFN_PID"
  ["nginx"]="$(pgrep -P "$NGINX_PID" | tr '\n' ' ')")
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { # pids... -> "user system" clock ticks so far
  local user=0 system=0 pid u s
  for pid in "$@"; do
    read -r u s < <(awk '{ print $14, $15 }' "/proc/$pid/stat")
    user=$((user + u)); system=$((system + s))
  done
  echo "$user $system"
}
# How busy the load side's CPUs were (wrk, the backend, and the kernel work of their sockets): when they are, the
# proxies cannot go faster than the load side lets them, and the throughput ratio says less than CPU per request.
load_cpu_ticks() { # -> "busy total" jiffies of the load CPUs so far
  awk -v cpus=" $LOAD_CPU_LIST" '$1 ~ /^cpu[0-9]+$/ && index(cpus, " " substr($1, 4) " ") {
      total = 0; for (i = 2; i <= 9; i++) total += $i; busy += total - $5 - $6; all += total }
    END { print busy, all }' /proc/stat
}

# One group per proxy under QUOTA_GROUP, so that one proxy's idle threads never use the other's quota.
quota_on() { # name pid...
  local dir=$QUOTA_GROUP/$1 pid
  shift
  if [ ! -d "$dir" ]; then
    mkdir "$dir"
    if [ -f "$QUOTA_GROUP/cpu.max" ]; then echo "$((PROXY_CPU_QUOTA * 1000)) 100000" >"$dir/cpu.max"
    else echo $((PROXY_CPU_QUOTA * 1000)) >"$dir/cpu.cfs_quota_us"; fi
  fi
  for pid in "$@"; do echo "$pid" >"$dir/cgroup.procs"; done
}
quota_off() { # pid...: back to the group the script started in
  local pid
  for pid in "$@"; do echo "$pid" >"$(dirname "$QUOTA_GROUP")/cgroup.procs" 2>/dev/null || true; done
}

RESULTS=$WORK/results.tsv
printf 'round\ttarget\trps\tp50_us\tp99_us\tcpu_us_per_request\tuser_us_per_request\tkernel_us_per_request\tload_busy_pct\n' \
  >"$RESULTS"

per_request() { # clock ticks, requests -> microseconds of CPU per request
  awk -v t="$1" -v hz="$CLK_TCK" -v n="$2" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }'
}
to_us() { # wrk latency like 1.23ms / 456.00us / 1.2s -> microseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000;
    else if (v ~ /s$/) print n * 1000000; else print n }'
}
run_wrk() { # round name port path seconds
  local out rps p50 p99 requests before=(0 0) after=(0 0) load_before load_after cpu= user= kernel= busy
  # shellcheck disable=SC2086
  [ -z "${CPU_PIDS[$2]:-}" ] || read -r -a before < <(cpu_ticks ${CPU_PIDS[$2]})
  read -r -a load_before < <(load_cpu_ticks)
  out=$($PIN_LOAD wrk -t1 -c"$CONNECTIONS" -d"$5"s --latency -H "Host: $HOST" "http://127.0.0.1:$3$4")
  read -r -a load_after < <(load_cpu_ticks)
  # shellcheck disable=SC2086
  [ -z "${CPU_PIDS[$2]:-}" ] || read -r -a after < <(cpu_ticks ${CPU_PIDS[$2]})
  if echo "$out" | grep -q 'Non-2xx\|Socket errors'; then echo "$out" >&2; fi
  rps=$(echo "$out" | awk '/^Requests\/sec/ { print $2 }')
  p50=$(to_us "$(echo "$out" | awk '$1 == "50%" { print $2 }')")
  p99=$(to_us "$(echo "$out" | awk '$1 == "99%" { print $2 }')")
  requests=$(echo "$out" | awk '/requests in/ { print $1 }')
  busy=$(awk -v b=$((load_after[0] - load_before[0])) -v a=$((load_after[1] - load_before[1])) \
    'BEGIN { printf "%.0f", (a > 0) ? 100 * b / a : 0 }')
  if [ -n "${CPU_PIDS[$2]:-}" ] && [ "${requests:-0}" -gt 0 ]; then
    user=$(per_request $((after[0] - before[0])) "$requests")
    kernel=$(per_request $((after[1] - before[1])) "$requests")
    cpu=$(per_request $((after[0] + after[1] - before[0] - before[1])) "$requests")
  fi
  [ "$1" = warmup ] || printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$rps" "$p50" "$p99" "$cpu" "$user" "$kernel" \
    "$busy" >>"$RESULTS"
  printf '  %-10s %-9s %10s req/s  p50 %8s us  p99 %8s us  cpu %6s us/request (user %5s, kernel %5s)  load CPUs %3s%% busy\n' \
    "$1" "$2" "$rps" "$p50" "$p99" "${cpu:--}" "${user:--}" "${kernel:--}" "$busy" >&2
}

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "pinning: proxies on CPU $PROXY_CPU; wrk, backend, latency client on CPU $LOAD_CPUS; $CONNECTIONS connections, ${SECONDS_PER_RUN}s per run" >&2
# The warm-up is short interleaved runs, not one long run per target: each run opens its connections anew, as every
# measured run does. After one long run the JIT has compiled the proxy's steady state without ever seeing a new
# connection, and the first measured round's new connections then hit branches the compiled code assumed never taken:
# the JVM drops hundreds of compiled methods (uncommon traps) and compiles them again on the proxy's CPU, and that
# round's user time per request is a quarter higher (BENCHMARKS.md, "The first round").
echo "warm-up (${WARMUP_SECONDS}s per target, in interleaved runs of ${WARMUP_RUN_SECONDS}s)" >&2
for ((left = WARMUP_SECONDS; left > 0; left -= WARMUP_RUN_SECONDS)); do
  for t in "${TARGETS[@]}"; do
    IFS=: read -r name port path <<<"$t"
    run_wrk warmup "$name" "$port" "$path" $((left < WARMUP_RUN_SECONDS ? left : WARMUP_RUN_SECONDS))
  done
done
QUOTED_PIDS=()
if [ -n "$QUOTA_GROUP" ]; then
  # shellcheck disable=SC2206
  QUOTED_PIDS=("$REF1_PID" "$REFN_PID" ${CPU_PIDS[nginx]})
  quota_on ref-1 "$REF1_PID"; quota_on "ref-$ROUTES" "$REFN_PID"
  # shellcheck disable=SC2086
  quota_on nginx ${CPU_PIDS[nginx]}
  echo "throughput: wrk, $ROUNDS interleaved rounds, each proxy limited to $PROXY_CPU_QUOTA% of one CPU" >&2
else
  echo "throughput: wrk, $ROUNDS interleaved rounds" >&2
fi
# Odd rounds run the targets in order, even rounds in reverse (A B C, C B A, ...): a drift that makes the host slower
# or faster through the run then favours no target over two rounds. The host's speed does drift: the proxies' kernel
# time per request has moved by more than a third within minutes on a quiet machine (BENCHMARKS.md).
for r in $(seq 1 "$ROUNDS"); do
  order=("${TARGETS[@]}")
  if ((r % 2 == 0)); then
    order=(); for ((i = ${#TARGETS[@]} - 1; i >= 0; i--)); do order+=("${TARGETS[i]}"); done
  fi
  for t in "${order[@]}"; do IFS=: read -r name port path <<<"$t"; run_wrk "$r" "$name" "$port" "$path" "$SECONDS_PER_RUN"; done
done
[ -z "$QUOTA_GROUP" ] || quota_off "${QUOTED_PIDS[@]}"

latency_rounds() { # output-file pin-prefix (the latency client's taskset, or empty)
  printf 'round\ttarget\tp50_us\tp90_us\tp99_us\n' >"$1"
  local r t name port path line
  for r in $(seq 1 "$ROUNDS"); do
    for t in "${TARGETS[@]}"; do
      IFS=: read -r name port path <<<"$t"
      # shellcheck disable=SC2086
      line=$($2 java -Xms64m -cp "$JAR" dev.meshroute.reference.bench.FixedRateLoad "$port" "$HOST" "$path" \
        "$RATE" "$LATENCY_SECONDS" "$RATE_CONNECTIONS")
      printf '  %-3s %-9s %s\n' "$r" "$name" "$line" >&2
      echo "$line" | awk -v r="$r" -v n="$name" '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
        printf "%s\t%s\t%s\t%s\t%s\n", r, n, f["p50_us"], f["p90_us"], f["p99_us"] }' >>"$1"
    done
  done
}
LAT=$WORK/latency.tsv
echo "latency at a fixed $RATE requests/s (open loop, $RATE_CONNECTIONS connections), $ROUNDS interleaved rounds" >&2
latency_rounds "$LAT" "$PIN_LOAD"
# The same on one CPU: every process (backend, proxies, relay, latency client) moved to the last CPU, so a hop costs
# no cross-CPU wake-ups. Pinned across CPUs, each hop adds two wake-ups of a process on the other CPU (an
# inter-processor interrupt each, costly in a VM), which the relay's figure shows is most of a hop there.
LAT_ONE=$WORK/latency-one-cpu.tsv
printf 'round\ttarget\tp50_us\tp90_us\tp99_us\n' >"$LAT_ONE"
if [ -n "$PIN_PROXY" ]; then
  ONE_CPU=$((CPUS - 1))
  for pid in "$BACKEND_PID" $(pgrep -P "$BACKEND_PID") "$NGINX_PID" $(pgrep -P "$NGINX_PID") "$REF1_PID" "$REFN_PID" \
      "$RELAY_PID"; do
    taskset -a -p -c "$ONE_CPU" "$pid" >/dev/null
  done
  echo "latency again, every process on CPU $ONE_CPU" >&2
  latency_rounds "$LAT_ONE" "taskset -c $ONE_CPU"
fi

# Summary: medians over the rounds; ratios per round, then their median.
python3 - "$RESULTS" "$LAT" "$ROUTES" "$LAT_ONE" <<'PY'
import csv, statistics, sys
res, lat, routes, lat_one = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
def rows(p):
    with open(p) as f:
        return list(csv.DictReader(f, delimiter="\t"))
thr, lt = rows(res), rows(lat)
names = ["direct", "ref-1", "ref-" + routes, "nginx", "relay"]
def med(rs, name, col):
    return statistics.median(float(r[col]) for r in rs if r["target"] == name)
def ratios(rs, a, b, col):
    by = {}
    for r in rs:
        by.setdefault(r["round"], {})[r["target"]] = float(r[col])
    return [v[a] / v[b] for v in by.values() if a in v and b in v and v[b] > 0]
print()
def cpu_part(name, col):
    xs = [float(r[col]) for r in thr if r["target"] == name and r[col]]
    return f"{statistics.median(xs):.1f}" if xs else "-"
print("| target | requests/s (median) | wrk p50 us | wrk p99 us | CPU us/request | of it user | of it kernel |"
      " load CPUs busy | fixed-rate p50 us | p90 us | p99 us |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for n in names:
    print(f"| {n} | {med(thr, n, 'rps'):,.0f} | {med(thr, n, 'p50_us'):.0f} | {med(thr, n, 'p99_us'):.0f} | {cpu_part(n, 'cpu_us_per_request')} | "
          f"{cpu_part(n, 'user_us_per_request')} | {cpu_part(n, 'kernel_us_per_request')} | "
          f"{med(thr, n, 'load_busy_pct'):.0f}% | "
          f"{med(lt, n, 'p50_us'):.1f} | {med(lt, n, 'p90_us'):.1f} | {med(lt, n, 'p99_us'):.1f} |")
print()
print("(every column a median over the rounds, so user and kernel need not add up to the CPU column)")
def show(label, xs):
    print(f"- {label}: median {statistics.median(xs):.2f} (rounds: {', '.join(f'{x:.2f}' for x in xs)})")
print()
show("throughput ref-1 / nginx (goal >= 1.0)", ratios(thr, "ref-1", "nginx", "rps"))
show(f"throughput ref-{routes} / ref-1 (goal >= 0.9)", ratios(thr, "ref-" + routes, "ref-1", "rps"))
show("throughput nginx / direct", ratios(thr, "nginx", "direct", "rps"))
show("throughput relay / direct (the floor of a user-space hop)", ratios(thr, "relay", "direct", "rps"))
cpu_ratio = [x for x in ratios([r for r in thr if r["cpu_us_per_request"]], "nginx", "ref-1", "cpu_us_per_request")]
if cpu_ratio:
    show("CPU per request nginx / ref-1 (above 1: the reference spends less CPU per request)", cpu_ratio)
busy = {n: med(thr, n, "load_busy_pct") for n in ["ref-1", "nginx"]}
if max(busy.values()) >= 95:
    print(f"- the load side's CPUs (wrk, the backend) were {busy['ref-1']:.0f}% busy in the ref-1 runs and"
          f" {busy['nginx']:.0f}% in the nginx runs (median): from about 95% the load side, not the proxy, limits"
          f" throughput (no proxy gets past direct's {med(thr, 'direct', 'rps'):,.0f} requests/s), so the ratio is"
          f" squeezed towards 1 and CPU per request compares the proxies better; PROXY_CPU_QUOTA makes the proxies"
          f" the limit")
def added_per_hop(rows, where):
    by = {}
    for r in rows:
        by.setdefault(r["round"], {})[r["target"]] = float(r["p50_us"])
    for n in ["ref-1", "ref-" + routes, "nginx", "relay"]:
        added = [v[n] - v["direct"] for v in by.values() if n in v and "direct" in v]
        if added:
            print(f"- added p50 per hop at a fixed rate, {where}, {n}: median {statistics.median(added):.1f} us"
                  f" (rounds: {', '.join(f'{x:.1f}' for x in added)})" + (" (goal <= 70 us)" if n == "ref-1" else ""))
added_per_hop(lt, "proxies on their own CPU" if any(r for r in rows(lat_one)) else "unpinned")
lt_one = rows(lat_one)
if lt_one:
    print()
    print("Fixed rate, every process on one CPU (no cross-CPU wake-ups):")
    print()
    print("| target | p50 us | p90 us | p99 us |")
    print("|---|---|---|---|")
    for n in names:
        print(f"| {n} | {med(lt_one, n, 'p50_us'):.1f} | {med(lt_one, n, 'p90_us'):.1f} | {med(lt_one, n, 'p99_us'):.1f} |")
    print()
    added_per_hop(lt_one, "all on one CPU")
if any(float(r["p50_us"]) > 100000 for r in lt + lt_one):
    print("- WARNING: some fixed-rate p50 is over 100 ms: that target could not keep up with the fixed rate on this"
          " machine (CPU starved?), so those latency figures measure a backlog, not a proxy hop")
PY
echo "raw results: $RESULTS $LAT $LAT_ONE" >&2
