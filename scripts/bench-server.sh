#!/usr/bin/env bash
# Benchmarks the local credential server side by side with a reference: requests for
# credentials on loopback against a warm `stscreds serve` (the credentials already in
# memory, as they are between renewals) and against nginx answering the same JSON
# behind the same Authorization check (one worker, a static `return 200`), in the same
# run, taking turns row by row: at 1 and at 100 concurrent connections, each request on
# a new connection as an SDK's refresh makes it, and again with keep-alive. Reports
# requests per second, p50 and p99 of each, and stscreds' p50 and p99 as ratios to
# nginx's. Targets: p99 within 1.2x of nginx's at 100 kept-alive connections; an idle
# `serve` resident in under 10 MB. It is a report, not a test: it exits 0 whether or
# not the targets are met.
#
# Run from anywhere:     scripts/bench-server.sh
# Use a prebuilt binary: STSCREDS_BIN=path/to/stscreds scripts/bench-server.sh
# More requests:         REQUESTS=100000 scripts/bench-server.sh
# Uses ApacheBench (`ab`, from apache2-utils) and nginx (nginx-light), installed with
# apt-get when missing and run as root; nginx runs in the foreground as this user, with
# a configuration in the throwaway directory, on 127.0.0.1 only.
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
reference=
cleanup() {
  if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; fi
  if [[ -n $reference ]]; then kill "$reference" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

nginx=$(command -v nginx || echo /usr/sbin/nginx)
missing=()
command -v ab >/dev/null || missing+=(apache2-utils)
[[ -x $nginx ]] || missing+=(nginx-light)
if ((${#missing[@]})) && [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "${missing[*]} missing; trying apt-get install..." >&2
  export DEBIAN_FRONTEND=noninteractive
  { timeout 300 apt-get install -y -qq "${missing[@]}" ||
    { timeout 300 apt-get update -qq && timeout 300 apt-get install -y -qq "${missing[@]}"; }; } >/dev/null || true
fi
command -v ab >/dev/null || { echo "error: this benchmark needs ab (apache2-utils); install it and run this again" >&2; exit 1; }
[[ -x $nginx ]] || { echo "error: this benchmark needs nginx (nginx-light) as the reference; install it and run this again" >&2; exit 1; }

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
body=$(python3 - <<'EOF'
import os, urllib.request
request = urllib.request.Request(os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
                                 headers={"Authorization": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]})
print(urllib.request.urlopen(request, timeout=10).read().decode())
EOF
)
answer=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["AccessKeyId"])' "$body")
[[ $answer == "$expected" ]] || { echo "the server answered '$answer', expected '$expected'" >&2; exit 1; }
echo "Checked: $uri answers $expected without network." >&2
idle_rss=$(awk '/^VmRSS/ {print $2}' "/proc/$server/status")

# The reference: nginx, one worker, the same body behind the same header check.
reference_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir "$work/nginx"
[[ $body != *"'"* && $body != *'$'* ]] || { echo "the answer cannot be quoted for nginx" >&2; exit 1; }
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
master_process off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$reference_port;
    location = /credentials {
      if (\$http_authorization != "$token") { return 403; }
      default_type application/json;
      return 200 '$body';
    }
  }
}
EOF
"$nginx" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
reference=$!
reference_uri=http://127.0.0.1:$reference_port/credentials
code=
for _ in $(seq 100); do
  code=$(python3 - "$reference_uri" "$token" 2>/dev/null <<'EOF' || true
import sys, urllib.request
request = urllib.request.Request(sys.argv[1], headers={"Authorization": sys.argv[2]})
response = urllib.request.urlopen(request, timeout=2)
print(response.status, len(response.read()))
EOF
)
  [[ -n $code ]] && break
  kill -0 "$reference" 2>/dev/null || { cat "$work/nginx/error.log" >&2; exit 1; }
  sleep 0.1
done
[[ $code == "200 ${#body}" ]] || { echo "nginx answered '$code', expected '200 ${#body}'" >&2; exit 1; }

# One run of ab against `url`: "requests/s p50 p99 failures" (latencies in ms, from
# ab's percentile table). Failures count errors and non-2xx answers; they must be 0
# for the row to mean anything. ab keeps `concurrency` requests in flight (a closed
# loop), so at 100 the latency is about 100 / (requests per second).
measure() {
  local url=$1 concurrency=$2 keep_alive=$3 output=$work/ab.txt percentiles=$work/ab.csv
  local flags=(-q -n "$requests" -c "$concurrency" -e "$percentiles" -H "Authorization: $token")
  [[ $keep_alive == yes ]] && flags+=(-k)
  ab "${flags[@]}" "$url" >"$output" 2>&1 || { cat "$output" >&2; return 1; }
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

# a / b to two places.
ratio() { python3 -c 'import sys; a, b = map(float, sys.argv[1:]); print(f"{a / b:.2f}x" if b > 0 else "n/a")' "$1" "$2"; }

echo
echo "stscreds serve and nginx $("$nginx" -v 2>&1 | sed 's/.*nginx\///') on loopback: $requests requests per row and server, taking turns, timed with $(ab -V | head -n1 | sed 's/^This is //; s/, Version */ /; s/ <.*//')"
echo "binary: $bin"
row='%-5s %-10s | %7s %8s %8s %5s | %7s %8s %8s %5s | %6s %6s\n'
printf "$row" conns connection req/s "p50 ms" "p99 ms" fails "nginx" "p50 ms" "p99 ms" fails "p50 ×" "p99 ×"
target=MISSED
for keep_alive in no yes; do
  for concurrency in 1 100; do
    read -r rps p50 p99 failed <<<"$(measure "$uri" "$concurrency" "$keep_alive")"
    read -r ref_rps ref_p50 ref_p99 ref_failed <<<"$(measure "$reference_uri" "$concurrency" "$keep_alive")"
    label=$([[ $keep_alive == no ]] && echo new || echo kept-alive)
    # shellcheck disable=SC2059
    printf "$row" "$concurrency" "$label" "$rps" "$p50" "$p99" "$failed" "$ref_rps" "$ref_p50" "$ref_p99" "$ref_failed" "$(ratio "$p50" "$ref_p50")" "$(ratio "$p99" "$ref_p99")"
    if [[ $keep_alive == yes && $concurrency == 100 ]]; then
      target=$(python3 -c "print('MET' if $p99 <= 1.2 * $ref_p99 and $failed == 0 else 'MISSED')")
    fi
  done
done
echo "target: stscreds' p99 within 1.2x of nginx's at 100 kept-alive connections -> $target"
echo "idle serve's resident memory: $idle_rss kB -> $( ((idle_rss < 10240)) && echo MET || echo MISSED) (target: under 10 MB)"

if [[ -r /proc/$server/status ]]; then
  echo "server's peak RSS: $(awk '/^VmHWM/ {print $2, $3}' "/proc/$server/status"), threads: $(awk '/^Threads/ {print $2}' "/proc/$server/status")"
fi
kill -TERM "$reference"
wait "$reference" || true
reference=
kill -TERM "$server"
wait "$server" && status=0 || status=$?
server=
[[ $status == 0 ]] || echo "warning: serve exited $status after SIGTERM" >&2
if [[ -n $(ls -A "$XDG_RUNTIME_DIR") ]]; then echo "warning: serve left files in $XDG_RUNTIME_DIR" >&2; fi
