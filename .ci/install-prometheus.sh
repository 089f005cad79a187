#!/usr/bin/env bash
# Installs Debian's prometheus package (prometheus + promtool) when either is missing. The monitoring
# cluster test (OperationsClusterIT) starts its own Prometheus server from it and checks the
# rules and the dashboard with promtool; CI runs this before the test command.
# The package's own service is kept from starting: the test runs a private server on a free port.
set -euo pipefail

if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
    echo "prometheus present: $(prometheus --version 2>&1 | sed -n 1p)"
    exit 0
fi

fail() {
    echo "ERROR: cannot install Debian's prometheus package: $*" >&2
    echo "ERROR: the monitoring cluster test needs prometheus and promtool on PATH (apt-get install prometheus)," >&2
    echo "ERROR: or -Dprometheus.bin=/path/to/prometheus -Dpromtool.bin=/path/to/promtool; it fails without them." >&2
    exit 1
}

[ "$(id -u)" = 0 ] || fail "not root (run it as root, or install the package yourself)"
command -v apt-get >/dev/null 2>&1 || fail "no apt-get on this machine"

# policy-rc.d exit code 101 = "action not allowed": the package's postinst then leaves its service stopped.
policy=/usr/sbin/policy-rc.d
added_policy=false
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    added_policy=true
fi
cleanup() { if [ "$added_policy" = true ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || fail "apt-get update failed"
apt-get install -y -q --no-install-recommends prometheus >/dev/null || fail "apt-get install prometheus failed"
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 \
    || fail "the package installed but prometheus/promtool are not on PATH"
echo "prometheus installed: $(prometheus --version 2>&1 | sed -n 1p)"
