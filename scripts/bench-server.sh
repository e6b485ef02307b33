#!/usr/bin/env bash
# Benchmarks the local credential server: requests for credentials on loopback against
# a warm `stscreds serve` (the credentials already in memory, as they are between
# renewals), at 1 and at 100 concurrent connections, each request on a new connection
# as an SDK's refresh makes it, and again with keep-alive. Reports requests per second
# and the p50 and p99 latency. Target: p99 under 2 ms at 100 concurrent connections.
# It is a report, not a test: it exits 0 whether or not the target is met.
#
# Run from anywhere:     scripts/bench-server.sh
# Use a prebuilt binary: STSCREDS_BIN=path/to/stscreds scripts/bench-server.sh
# More requests:         REQUESTS=100000 scripts/bench-server.sh
# Uses ApacheBench (`ab`, installed with apt-get from apache2-utils when run as root).
# No network: the session is seeded in a throwaway HOME and AWS_ENDPOINT_URL points at
# a closed local port. The server's token is passed to ab on its command line: it is
# the throwaway token of a throwaway server that hands out made-up credentials.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$("$root/scripts/stscreds-bin") # before cd: STSCREDS_BIN may be relative
cd "$root"
requests=${REQUESTS:-20000}
work=$(mktemp -d "${TMPDIR:-/tmp}/stscreds-bench-server.XXXXXX")
server=
cleanup() {
  if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if ! command -v ab >/dev/null && [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "ab is missing; trying apt-get install apache2-utils..." >&2
  export DEBIAN_FRONTEND=noninteractive
  { timeout 300 apt-get install -y -qq apache2-utils ||
    { timeout 300 apt-get update -qq && timeout 300 apt-get install -y -qq apache2-utils; }; } >/dev/null || true
fi
command -v ab >/dev/null || { echo "error: this benchmark needs ab (apache2-utils); install it and run this again" >&2; exit 1; }

# A throwaway HOME with a session valid for a day; any accidental AWS call goes to a
# closed port and fails loudly.
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN \
  AWS_SHARED_CREDENTIALS_FILE AWS_CONFIG_FILE AWS_DEFAULT_REGION STSCREDS_PROFILE
export HOME=$work/home AWS_REGION=us-east-1 AWS_ENDPOINT_URL=http://127.0.0.1:9
export XDG_RUNTIME_DIR=$work/run
mkdir -p "$HOME/.aws"
mkdir -m 700 "$HOME/.stscreds" "$XDG_RUNTIME_DIR"
expires=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -v+1d +%Y-%m-%dT%H:%M:%SZ)
expected=ASIAQ3BENCHSERVER001
cat >"$HOME/.aws/credentials" <<EOF
[default]
aws_access_key_id = $expected
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzBENCHSERVER
aws_session_token = IQoJb3JpZ2luX2VjEBAaCXVzLWVhc3QtMSJHMEUCIQDbenchEXAMPLEtoken$(printf 'A%.0s' {1..300})
stscreds_expiration = $expires
EOF

# The server, its variables read from what it prints (sh syntax).
"$bin" serve >"$work/variables" 2>"$work/log" &
server=$!
for _ in $(seq 100); do
  grep -q 'stop with Ctrl-C' "$work/log" && break
  kill -0 "$server" 2>/dev/null || { cat "$work/log" >&2; exit 1; }
  sleep 0.1
done
# shellcheck disable=SC1091
. "$work/variables"
uri=$AWS_CONTAINER_CREDENTIALS_FULL_URI
token=$AWS_CONTAINER_AUTHORIZATION_TOKEN
answer=$(python3 - <<'EOF'
import json, os, urllib.request
request = urllib.request.Request(os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
                                 headers={"Authorization": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]})
print(json.load(urllib.request.urlopen(request, timeout=10))["AccessKeyId"])
EOF
)
[[ $answer == "$expected" ]] || { echo "the server answered '$answer', expected '$expected'" >&2; exit 1; }
echo "Checked: $uri answers $expected without network." >&2

# One run of ab: "requests/s p50 p99 failures" (latencies in ms, from ab's percentile
# table). Failures count errors and non-2xx answers; they must be 0 for the row to mean
# anything. ab keeps `concurrency` requests in flight (a closed loop), so at 100 the
# latency is about 100 / (requests per second): the 2 ms target asks for 50,000 a second.
measure() {
  local concurrency=$1 keep_alive=$2 output=$work/ab.txt percentiles=$work/ab.csv
  local flags=(-q -n "$requests" -c "$concurrency" -e "$percentiles" -H "Authorization: $token")
  [[ $keep_alive == yes ]] && flags+=(-k)
  ab "${flags[@]}" "$uri" >"$output" 2>&1 || { cat "$output" >&2; return 1; }
  python3 - "$output" "$percentiles" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
rps = float(re.search(r"Requests per second:\s+([\d.]+)", text).group(1))
failed = int(re.search(r"Failed requests:\s+(\d+)", text).group(1))
non_2xx = re.search(r"Non-2xx responses:\s+(\d+)", text)
failed += int(non_2xx.group(1)) if non_2xx else 0
table = dict(line.strip().split(",") for line in open(sys.argv[2]).readlines()[1:])
print(f"{rps:.0f} {float(table['50']):.3f} {float(table['99']):.3f} {failed}")
EOF
}

echo
echo "stscreds serve on loopback: $requests requests per row, timed with $(ab -V | head -n1 | sed 's/^This is //; s/, Version */ /; s/ <.*//')"
echo "binary: $bin"
printf '%-13s %-22s %12s %10s %10s %9s\n' connections "connection per request" requests/s "p50 ms" "p99 ms" failures
for keep_alive in no yes; do
  for concurrency in 1 100; do
    result=$(measure "$concurrency" "$keep_alive")
    read -r rps p50 p99 failed <<<"$result"
    label=$([[ $keep_alive == no ]] && echo "new (as SDKs refresh)" || echo "kept alive")
    printf '%-13s %-22s %12s %10s %10s %9s\n' "$concurrency" "$label" "$rps" "$p50" "$p99" "$failed"
    if [[ $keep_alive == no && $concurrency == 100 ]]; then
      target=$(python3 -c "print('MET' if $p99 < 2 and $failed == 0 else 'MISSED')")
    fi
  done
done
echo "target: p99 under 2 ms at 100 concurrent connections, new connection per request -> $target"

if [[ -r /proc/$server/status ]]; then
  echo "server's peak RSS: $(awk '/^VmHWM/ {print $2, $3}' "/proc/$server/status"), threads: $(awk '/^Threads/ {print $2}' "/proc/$server/status")"
fi
kill -TERM "$server"
wait "$server" && status=0 || status=$?
server=
[[ $status == 0 ]] || echo "warning: serve exited $status after SIGTERM" >&2
if [[ -n $(ls -A "$XDG_RUNTIME_DIR") ]]; then echo "warning: serve left files in $XDG_RUNTIME_DIR" >&2; fi
