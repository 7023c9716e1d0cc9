#!/usr/bin/env bash
# Load benchmark for Pathway's read paths. See bench/README.md.
#
#   bash bench/run.sh                 # both backends, 3 runs x 10 s per endpoint
#   BENCH_SECONDS=2 BENCH_RUNS=1 BENCH_BACKENDS=sqlite bash bench/run.sh
#
# Markdown report on stdout, progress on stderr, raw JSON lines in
# bench/results/<timestamp>-<backend>.jsonl. Exits non-zero if an endpoint does not
# answer 200, if any measured request failed, or if a server did not start or stop cleanly.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")

DURATION=${BENCH_SECONDS:-10}        # seconds per wrk run
RUNS=${BENCH_RUNS:-3}                # measured runs per endpoint
BACKENDS=${BENCH_BACKENDS:-sqlite,postgres}
ALLOW_MISSING=${BENCH_ALLOW_MISSING:-0}  # 1: skip endpoints that do not answer 200, with a warning
WARMUP=${BENCH_WARMUP_SECONDS:-2}    # seconds of unrecorded load per endpoint before measuring
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
# wrk counts a response slower than its timeout (2 s by default) as a socket error and leaves
# it out of the latency figures; a longer one keeps slow answers in the p99 where they belong.
TIMEOUT=${BENCH_TIMEOUT:-10}
START_TIMEOUT=${BENCH_START_TIMEOUT:-120}  # seconds; the first start loads the shipped framework
PG_URL=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}  # server, no database name
PG_ADMIN_DB=${BENCH_PG_ADMIN_DB:-test}     # existing database to run CREATE/DROP DATABASE from
BIN=${BENCH_BIN:-}                   # use this pathway binary instead of building one
LOG=${BENCH_LOG:-info}               # the server's PATHWAY_LOG: info writes one line per request, as deployed
SCALE=${BENCH_DATASET_SCALE:-1}      # synthetic national data set loaded first (1 = England); 0: none
SEED=${BENCH_DATASET_SEED:-1}

FRAMEWORK=hee-ahp-support-worker-2021
BASELINE_NAME=healthz
BASELINE_PATH=/healthz
# Public read paths (anonymous), then, with the national data set, administration lists as
# the leads and administrator who read them (signed in: wrk sends their session cookie).
ENDPOINT_NAMES=(item-page api-framework api-item)
ENDPOINT_PATHS=(
  "/frameworks/$FRAMEWORK/items/3.9"
  "/api/frameworks/$FRAMEWORK"
  "/api/frameworks/$FRAMEWORK/items/3.9"
)
ENDPOINT_AS=("" "" "")
DATASET_PASSWORD=bench-synthetic-2026
if [[ $SCALE != 0 ]]; then
  ENDPOINT_NAMES+=(users-employer users-ics users-national users-search orgs-national user-form-national)
  ENDPOINT_PATHS+=(/admin/users /admin/users /admin/users "/admin/users?q=patel" /admin/organisations /admin/users/new)
  # The well-known accounts of every data set (pathway_domain::synthetic::accounts).
  ENDPOINT_AS+=(
    employer-lead.syn-e001@synthetic.test
    ics-lead.syn-q01@synthetic.test
    admin@synthetic.test
    admin@synthetic.test
    admin@synthetic.test
    admin@synthetic.test
  )
fi

log() { printf 'bench: %s\n' "$*" >&2; }
warn() { printf 'bench: WARNING: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }

[[ $SCALE =~ ^[0-9]+([.][0-9]+)?$ ]] || die "BENCH_DATASET_SCALE must be a number, 0 for no data set (got '$SCALE')"
for v in SECONDS:DURATION RUNS:RUNS TIMEOUT:TIMEOUT WARMUP_SECONDS:WARMUP THREADS:THREADS CONNECTIONS:CONNECTIONS START_TIMEOUT:START_TIMEOUT; do
  var=${v#*:} value=${!var}
  [[ $value =~ ^[1-9][0-9]*$ ]] || die "BENCH_${v%%:*} must be a positive whole number (got '$value')"
done
IFS=',' read -r -a BACKEND_LIST <<<"$BACKENDS"
for b in "${BACKEND_LIST[@]}"; do
  [[ $b == sqlite || $b == postgres ]] || die "unknown backend '$b' in BENCH_BACKENDS (sqlite, postgres)"
done

need() { command -v "$1" >/dev/null || die "$1 not found; $2"; }
need wrk "install it: apt-get update && apt-get install -y wrk"
need curl "install curl"
need python3 "install python3"
[[ ,$BACKENDS, == *,postgres,* ]] && need psql "install postgresql-client, or set BENCH_BACKENDS=sqlite"

# ---- state that cleanup() undoes ------------------------------------------------------
SERVER_PID=""
WORK_DIR=""
PG_DB=""
FAILED=0

stop_server() {
  [[ -n $SERVER_PID ]] || return 0
  local pid=$SERVER_PID rc=0 i
  SERVER_PID=""
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      warn "server $pid still running 15 s after SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      FAILED=1
    fi
  fi
  wait "$pid" 2>/dev/null || rc=$?
  if ((rc != 0)); then
    warn "server $pid exited with status $rc"
    FAILED=1
  else
    log "server $pid stopped cleanly"
  fi
}

cleanup() {
  stop_server || true
  if [[ -n $PG_DB ]]; then
    local admin="$PG_URL/$PG_ADMIN_DB"
    psql "$admin" -qAt -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 ||
      psql "$admin" -qAt -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null ||
      warn "could not drop database $PG_DB"
    log "dropped database $PG_DB"
    PG_DB=""
  fi
  if [[ -n $WORK_DIR ]]; then
    rm -rf "$WORK_DIR"
    WORK_DIR=""
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

server_failed() {
  printf 'bench: ERROR: %s\n' "$1" >&2
  if [[ -n $WORK_DIR && -f $WORK_DIR/server.err ]]; then
    printf 'bench: last lines of the server log:\n' >&2
    tail -n 20 "$WORK_DIR/server.err" >&2 || true
  fi
  exit 1
}

# ---- build -------------------------------------------------------------------------------
if [[ -z $BIN ]]; then
  log "building: cargo build --release -p pathway"
  (cd "$ROOT" && cargo build --release -p pathway) >&2
  BIN=$ROOT/target/release/pathway
fi
[[ -x $BIN ]] || die "no executable at $BIN"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS_DIR=$BENCH_DIR/results
mkdir -p "$RESULTS_DIR"
GIT_COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
GIT_DIRTY=false
[[ -n $(git -C "$ROOT" status --porcelain 2>/dev/null) ]] && GIT_DIRTY=true
CPUS=$(nproc)
WRK_VERSION=$(wrk -v 2>&1 | head -n 1 | awk '{print $2}' || true)

# ---- one server --------------------------------------------------------------------------
start_server() { # backend
  local backend=$1 started=$SECONDS
  WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pathway-bench.XXXXXX")
  local args=(--data-dir "$WORK_DIR/data")
  if [[ $backend == postgres ]]; then
    PG_DB="pathway_bench_${STAMP,,}_$$"
    psql "$PG_URL/$PG_ADMIN_DB" -qAt -v ON_ERROR_STOP=1 -c "CREATE DATABASE $PG_DB" >/dev/null ||
      die "cannot create database $PG_DB via $PG_URL/$PG_ADMIN_DB"
    log "created database $PG_DB"
    args+=(--database-url "$PG_URL/$PG_DB")
  fi
  DATASET_SECONDS=0
  if [[ $SCALE != 0 ]]; then
    log "$backend: generating the synthetic national data set (scale $SCALE, seed $SEED)"
    local t0 t1
    t0=$(date +%s.%N)
    env -u DATABASE_URL PATHWAY_LOG=warn "$BIN" "${args[@]}" dataset generate --scale "$SCALE" --seed "$SEED" \
      --password "$DATASET_PASSWORD" >"$WORK_DIR/dataset.out" 2>&1 || { cat "$WORK_DIR/dataset.out" >&2; die "$backend: dataset generation failed"; }
    t1=$(date +%s.%N)
    DATASET_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
    log "$backend: $(sed -n 2,3p "$WORK_DIR/dataset.out" | sed 's/:.*//' | paste -sd';' -) in $DATASET_SECONDS s"
  fi
  started=$SECONDS
  # Listen on port 0: the OS picks a free port and the server prints the address it got.
  env -u DATABASE_URL PATHWAY_LOG="$LOG" "$BIN" "${args[@]}" serve --addr 127.0.0.1:0 \
    >"$WORK_DIR/server.out" 2>"$WORK_DIR/server.err" &
  SERVER_PID=$!
  until grep -q '^Pathway is running at ' "$WORK_DIR/server.out" 2>/dev/null; do
    kill -0 "$SERVER_PID" 2>/dev/null || server_failed "the $backend server exited during start-up"
    ((SECONDS - started < START_TIMEOUT)) || server_failed "the $backend server did not start within ${START_TIMEOUT}s"
    sleep 0.1
  done
  BASE_URL=$(sed -n 's/^Pathway is running at \(http:[^ ]*\).*/\1/p' "$WORK_DIR/server.out" | head -n 1)
  [[ -n $BASE_URL ]] || server_failed "could not read the server address"
  log "$backend server pid $SERVER_PID ready at $BASE_URL after $((SECONDS - started)) s"
}

rss_kb() { # field (VmRSS, VmHWM) -> kB
  awk -v f="$1:" '$1 == f {print $2}' "/proc/$SERVER_PID/status"
}

# The session cookie of each account the endpoints are read as, signed in once per server.
declare -A COOKIES=()
sign_in_all() {
  COOKIES=()
  local email
  for email in "${ENDPOINT_AS[@]}"; do
    [[ -z $email || -n ${COOKIES[$email]:-} ]] && continue
    COOKIES[$email]=$(python3 "$BENCH_DIR/sign_in.py" "$BASE_URL" "$email" "$DATASET_PASSWORD") ||
      server_failed "could not sign in as $email"
  done
}

cookie_args() { # account email or "" -> header arguments for curl and wrk
  [[ -n $1 ]] && printf '%s\n' -H "Cookie: ${COOKIES[$1]}"
  return 0
}

wrk_run() { # url meta-json-members out-file account: wrk's output, ending in report.lua's JSON line
  local headers=()
  mapfile -t headers < <(cookie_args "$4")
  BENCH_META=$2 wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout "${TIMEOUT}s" --latency "${headers[@]}" \
    -s "$BENCH_DIR/report.lua" "$1" >"$3" 2>&1 || { cat "$3" >&2; die "wrk failed on $1"; }
}

bench_backend() { # backend
  local backend=$1
  local results=$RESULTS_DIR/$STAMP-$backend.jsonl
  local load
  load=$(cut -d' ' -f1 /proc/loadavg)
  if awk -v l="$load" -v c="$CPUS" 'BEGIN {exit !(l > c / 2)}'; then
    warn "load average is $load on $CPUS CPUs: something else is running, numbers will be noisy"
  fi
  start_server "$backend"
  sign_in_all
  printf '{"kind":"meta","timestamp":"%s","backend":"%s","git_commit":"%s","git_dirty":%s,"cpus":%s,"loadavg_start":%s,"wrk":"%s","threads":%s,"connections":%s,"timeout_s":%s,"seconds":%s,"runs":%s,"warmup_seconds":%s,"dataset_scale":%s,"dataset_seed":%s,"dataset_seconds":%s,"dataset":"%s"}\n' \
    "$STAMP" "$backend" "$GIT_COMMIT" "$GIT_DIRTY" "$CPUS" "$load" "$WRK_VERSION" \
    "$THREADS" "$CONNECTIONS" "$TIMEOUT" "$DURATION" "$RUNS" "$WARMUP" "$SCALE" "$SEED" "$DATASET_SECONDS" \
    "$( [[ $SCALE != 0 ]] && sed -n 2,3p "$WORK_DIR/dataset.out" | sed 's/^ *//; s/"//g' | paste -sd' ' -)" >"$results"
  local rss_start
  rss_start=$(rss_kb VmRSS)

  # Every endpoint must answer exactly 200 (curl does not follow redirects).
  local names=() paths=() accounts=() i name path as status bytes headers
  for ((i = -1; i < ${#ENDPOINT_NAMES[@]}; i++)); do
    if ((i < 0)); then name=$BASELINE_NAME path=$BASELINE_PATH as=""; else name=${ENDPOINT_NAMES[i]} path=${ENDPOINT_PATHS[i]} as=${ENDPOINT_AS[i]}; fi
    mapfile -t headers < <(cookie_args "$as")
    read -r status bytes < <(curl -sS -o /dev/null --max-time 30 "${headers[@]}" -w '%{http_code} %{size_download}\n' "$BASE_URL$path" || echo "000 0")
    printf '{"kind":"check","backend":"%s","endpoint":"%s","path":"%s","as":"%s","status":%d,"body_bytes":%d}\n' \
      "$backend" "$name" "$path" "$as" "$status" "$bytes" >>"$results"
    if [[ $status == 200 ]]; then
      ((i < 0)) || { names+=("$name"); paths+=("$path"); accounts+=("$as"); }
    elif ((i >= 0)) && [[ $ALLOW_MISSING == 1 ]]; then
      warn "$backend: GET $path answered HTTP $status, not 200: skipped (BENCH_ALLOW_MISSING=1)"
    else
      server_failed "$backend: GET $path answered HTTP $status, not 200 (set BENCH_ALLOW_MISSING=1 to skip endpoints that do not exist yet)"
    fi
  done

  log "$backend: warming up ${WARMUP}s per endpoint"
  for ((i = -1; i < ${#names[@]}; i++)); do
    if ((i < 0)); then path=$BASELINE_PATH as=""; else path=${paths[i]} as=${accounts[i]}; fi
    mapfile -t headers < <(cookie_args "$as")
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" --timeout "${TIMEOUT}s" "${headers[@]}" "$BASE_URL$path" >/dev/null 2>&1 || die "wrk warm-up failed on $path"
  done

  # Interleave: each endpoint run follows a /healthz run, so both see the same conditions.
  local run j line meta out=$WORK_DIR/wrk.out
  local n=${#names[@]}
  ((n > 0)) || warn "$backend: no endpoints besides $BASELINE_PATH to measure"
  for ((run = 1; run <= RUNS; run++)); do
    for ((j = 0; j < (n > 0 ? n : 1); j++)); do
      local pair=("$BASELINE_NAME|$BASELINE_PATH|")
      ((n > 0)) && pair+=("${names[j]}|${paths[j]}|${accounts[j]}")
      for entry in "${pair[@]}"; do
        IFS='|' read -r name path as <<<"$entry"
        meta=$(printf '"kind":"wrk","backend":"%s","endpoint":"%s","path":"%s","run":%d' "$backend" "$name" "$path" "$run")
        wrk_run "$BASE_URL$path" "$meta" "$out" "$as"
        line=$(grep '^{' "$out" | tail -n 1) || { cat "$out" >&2; die "no JSON line from wrk for $path"; }
        printf '%s\n' "$line" >>"$results"
        log "$backend run $run/$RUNS $(printf '%-13s' "$name") $(sed -E 's/.*"rps":([0-9.]+).*"p50_ms":([0-9.]+).*"p99_ms":([0-9.]+).*"non_2xx":([0-9]+),"socket_errors":([0-9]+).*/\1 req\/s  p50 \2 ms  p99 \3 ms  non-2xx \4  socket errors \5/' <<<"$line")"
      done
    done
  done

  printf '{"kind":"memory","backend":"%s","vmrss_start_kb":%d,"vmrss_end_kb":%d,"vmhwm_kb":%d}\n' \
    "$backend" "$rss_start" "$(rss_kb VmRSS)" "$(rss_kb VmHWM)" >>"$results"
  cleanup
  log "$backend: raw results in ${results#"$ROOT"/}"
  summarize "$results" || FAILED=1
}

# ---- report ------------------------------------------------------------------------------
summarize() { # results.jsonl -> Markdown on stdout; exit 1 if any measured request failed
  python3 - "$1" <<'PY'
import json, statistics, sys

path = sys.argv[1]
meta, mem, checks, runs = {}, {}, [], {}
with open(path) as f:
    for line in f:
        r = json.loads(line)
        kind = r.get("kind")
        if kind == "meta":
            meta = r
        elif kind == "memory":
            mem = r
        elif kind == "check":
            checks.append(r)
        elif kind == "wrk":
            runs.setdefault(r["endpoint"], []).append(r)

def med(rs, field):
    return statistics.median(r[field] for r in rs)

base = med(runs["healthz"], "rps")
dirty = " (uncommitted changes)" if meta.get("git_dirty") else ""
print(f"### {meta['backend']}: {meta['timestamp']}, commit {meta['git_commit']}{dirty}\n")
print(f"wrk -t{meta['threads']} -c{meta['connections']}, {meta['runs']} run(s) x {meta['seconds']} s per endpoint, "
      f"each after a /healthz run; {meta['cpus']} CPUs shared by wrk and the server; "
      f"load average at start {meta['loadavg_start']}.\n")
if meta.get("dataset_scale"):
    took = float(meta['dataset_seconds'])
    print(f"Synthetic national data set (scale {meta['dataset_scale']}, seed {meta['dataset_seed']}) "
          f"generated and loaded in {took:.1f} s (target: under 60 s, {'met' if took < 60 else '**missed**'}): "
          f"{meta['dataset']}.\n")
else:
    print("No synthetic data set loaded (BENCH_DATASET_SCALE=0).\n")
print("| Endpoint | Path | Read as | Body bytes | Runs | Req/s median (min-max) | p50 ms | p99 ms | vs /healthz | non-2xx | Socket errors |")
print("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|")
bad = False
for c in checks:
    name, rs = c["endpoint"], runs.get(c["endpoint"])
    if not rs:
        print(f"| {name} | `{c['path']}` | {c.get('as') or 'anonymous'} | | 0 | skipped: HTTP {c['status']} | | | | | |")
        continue
    rps = med(rs, "rps")
    non2xx = sum(r["non_2xx"] for r in rs)
    errors = sum(r["socket_errors"] for r in rs)
    bad = bad or non2xx > 0 or errors > 0
    ratio = "1.00 (baseline)" if name == "healthz" else f"{rps / base:.2f}"
    lo, hi = min(r["rps"] for r in rs), max(r["rps"] for r in rs)
    print(f"| {name} | `{c['path']}` | {c.get('as') or 'anonymous'} | {c['body_bytes']} | {len(rs)} | {rps:,.0f} ({lo:,.0f}-{hi:,.0f}) | "
          f"{med(rs, 'p50_ms'):.2f} | {med(rs, 'p99_ms'):.2f} | {ratio} | {non2xx} | {errors} |")

mib = lambda kb: f"{kb / 1024:.1f} MiB"
if mem:
    print(f"\nServer memory (VmRSS): {mib(mem['vmrss_start_kb'])} after start-up, "
          f"{mib(mem['vmrss_end_kb'])} after the run; peak (VmHWM) {mib(mem['vmhwm_kb'])} "
          f"(target: under 150 MB with the national data set loaded, "
          f"{'met' if mem['vmhwm_kb'] * 1024 < 150e6 else '**missed**'}).")
item = runs.get("item-page")
if item:
    ratio, p99 = med(item, "rps") / base, med(item, "p99_ms")
    verdict = lambda ok: "met" if ok else "**missed**"
    print(f"\nTargets for the item page: throughput >= 0.30 x /healthz: {ratio:.2f}, {verdict(ratio >= 0.30)}; "
          f"p99 < 10 ms: {p99:.2f} ms, {verdict(p99 < 10)}.")
else:
    print("\nTargets for the item page: not measured.")
if bad:
    print("\n**Some measured requests failed (non-2xx or socket errors): these numbers are not valid.**")
print()
sys.exit(1 if bad else 0)
PY
}

log "Pathway load benchmark: backends $BACKENDS, $RUNS run(s) x ${DURATION}s, wrk -t$THREADS -c$CONNECTIONS"
for backend in "${BACKEND_LIST[@]}"; do
  bench_backend "$backend"
done
if ((FAILED)); then
  die "finished with problems (see warnings above)"
fi
log "done"
