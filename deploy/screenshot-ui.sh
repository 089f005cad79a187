#!/usr/bin/env bash
# Takes a PNG screenshot of a Flink web UI page with headless Chromium, e.g. for the README.
# docs/flink-ui.png was made by the real-cluster test (the job running on JM + 2 TMs, its named operators):
#   mvn -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=DataHubFcSyncClusterIT -Dui.screenshot=true
# (the PNG lands in target/flink-cluster/datahub-fc-sync-*/datahub-fc-sync-job.png).
#
#   deploy/screenshot-ui.sh URL OUTPUT.png [WIDTH,HEIGHT]
#
#   URL      the page, e.g. http://127.0.0.1:8081/#/overview or
#            http://127.0.0.1:8081/#/job/running/<job id>/overview (the job graph with its named operators)
#   OUTPUT   where to write the PNG
#   size     window size in pixels, default 1600,1000
#
# Needs the Debian package `chromium`; installs it with apt-get when it is missing (root or sudo).
# Chromium runs with a fresh profile and every background network feature off, so it only talks to URL.
# The UI is an Angular app that renders after load: --virtual-time-budget lets its scripts and first REST
# polls finish before the picture is taken (SCREENSHOT_SETTLE_MS, default 8000).
set -euo pipefail

if [[ $# -lt 2 ]]; then
  sed -n '2,13p' "$0" >&2
  exit 2
fi
url=$1
output=$2
size=${3:-1600,1000}
settle_ms=${SCREENSHOT_SETTLE_MS:-8000}

browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$browser" ]]; then
  echo "chromium not found; installing the Debian package" >&2
  if [[ $(id -u) -eq 0 ]]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  browser=$(command -v chromium)
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
mkdir -p "$(dirname "$output")"
output=$(cd "$(dirname "$output")" && pwd)/$(basename "$output")

# bounded: a headless Chromium that hangs must not outlive the script (SCREENSHOT_TIMEOUT_S, default 90)
timeout --kill-after=5 "${SCREENSHOT_TIMEOUT_S:-90}" "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$profile" \
  --window-size="$size" --virtual-time-budget="$settle_ms" \
  --screenshot="$output" "$url" 2> "$profile/chromium.log" || {
    echo "chromium failed; its log:" >&2
    cat "$profile/chromium.log" >&2
    exit 1
  }

if [[ ! -s "$output" ]]; then
  echo "no screenshot written to $output; chromium log:" >&2
  cat "$profile/chromium.log" >&2
  exit 1
fi
echo "$output"
