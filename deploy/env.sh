# Shared by deploy/run, deploy/stop and deploy/ctl: the FOO_* settings supervisord.conf reads.
# Every value can be overridden from the environment; the defaults are DESIGN.md's.
# shellcheck shell=bash

FOO_HOME=${FOO_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
FOO_RUN_DIR=${FOO_RUN_DIR:-$FOO_HOME/run}
FOO_JAVA=${FOO_JAVA:-java}

FOO_LISTEN=${FOO_LISTEN:-:8002}
FOO_HTTP=${FOO_HTTP:-127.0.0.1:8088}
FOO_GRPC=${FOO_GRPC:-127.0.0.1:9090}
# relative to FOO_RUN_DIR, where the backend runs
FOO_RECOVERY_PATH=${FOO_RECOVERY_PATH:-data/recovery.json}

# No FOO_UPSTREAM: run the bundled reference Foo server and forward to it.
if [ -n "${FOO_UPSTREAM:-}" ]; then
  FOO_BUNDLED_UPSTREAM=false
  FOO_FORWARD=$FOO_UPSTREAM
else
  FOO_BUNDLED_UPSTREAM=true
  FOO_FORWARD=${FOO_FORWARD:-127.0.0.1:8001}
fi
FOO_UPSTREAM_LISTEN=${FOO_UPSTREAM_LISTEN:-127.0.0.1:${FOO_FORWARD##*:}}

# JVM options, chosen for a 2-core box (see README "Processes"): a fixed, pre-sized heap so
# the footprint is known up front; exit on OOM so supervisord restarts a clean process.
FOO_FRONTEND_JVM_OPTS=${FOO_FRONTEND_JVM_OPTS:--Xms256m -Xmx256m -XX:MaxDirectMemorySize=512m -XX:+UseParallelGC -XX:+ExitOnOutOfMemoryError}
FOO_BACKEND_JVM_OPTS=${FOO_BACKEND_JVM_OPTS:--Xms128m -Xmx256m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError}
FOO_UPSTREAM_JVM_OPTS=${FOO_UPSTREAM_JVM_OPTS:--Xmx256m -XX:+UseParallelGC}
FOO_FRONTEND_ARGS=${FOO_FRONTEND_ARGS:-}
FOO_BACKEND_ARGS=${FOO_BACKEND_ARGS:-}

# supervisord refuses to start unless it may open this many descriptors: ask for 65536, or
# what the hard limit allows when this shell may not raise it.
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || [ "$hard" -ge 65536 ]; then
  FOO_MINFDS=${FOO_MINFDS:-65536}
else
  FOO_MINFDS=${FOO_MINFDS:-$hard}
fi

FOO_SUPERVISOR_CONF="$FOO_HOME/supervisord/supervisord.conf"
export FOO_HOME FOO_RUN_DIR FOO_JAVA FOO_LISTEN FOO_HTTP FOO_GRPC FOO_RECOVERY_PATH \
  FOO_BUNDLED_UPSTREAM FOO_FORWARD FOO_UPSTREAM_LISTEN FOO_FRONTEND_JVM_OPTS \
  FOO_BACKEND_JVM_OPTS FOO_UPSTREAM_JVM_OPTS FOO_FRONTEND_ARGS FOO_BACKEND_ARGS FOO_MINFDS \
  FOO_SUPERVISOR_CONF

# supervisorctl against this instance: foo_ctl status | foo_ctl signal USR2 frontend | ...
foo_ctl() { supervisorctl -c "$FOO_SUPERVISOR_CONF" "$@"; }

# Debian's package; installed on first use so one command works on a fresh machine.
foo_ensure_supervisor() {
  command -v supervisord >/dev/null 2>&1 && return 0
  echo "installing supervisor (Debian package) ..." >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq supervisor >/dev/null
  # Debian's package also starts a system-wide supervisord; ours is separate and needs nothing from it.
}
