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

# JVM options, chosen for a 2-core box (bench/FINDINGS.md has the measurements behind them).
# Frontend, flag by flag:
#   -Xms256m -Xmx256m        fixed heap: the footprint is known up front and never resized; an
#                            idle connection costs ~4 KiB of it (bench/memory), so 256 MiB holds
#                            tens of thousands of them next to the traffic's short-lived garbage
#   -XX:+AlwaysPreTouch      that heap is faulted in at start, not on the first busy seconds
#                            (no page-fault stalls in the relay's p99; RSS is flat afterwards)
#   -XX:+UseParallelGC       throughput collector: the relay's garbage dies young and a young
#                            collection of this heap takes a millisecond or two; G1's barriers and
#                            concurrent threads cost CPU the 2 cores need for relaying
#   -XX:MaxDirectMemorySize=512m  bounds Netty's direct buffers (socket reads). The allocator
#                            stays Netty 4.2's default "adaptive" one: it creates a small JDK
#                            ByteBuffer per socket read (19 % of the allocated bytes under load,
#                            JFR), yet -Dio.netty.allocator.type=pooled measured 0.76x its
#                            throughput at 50x16 side by side (bench/run, FOO_B_FRONTEND_JVM_OPTS)
#   -Dio.netty.leakDetection.level=disabled  the default samples buffers for leak tracking on
#                            the hot path; the tests run with paranoid detection instead
#   -Dio.grpc.netty.shaded.io.netty.leakDetection.level=disabled  the same for the Netty inside
#                            gRPC (grpc-netty-shaded renames its properties with its packages):
#                            it sampled the telemetry link's buffers, ~1 % of that thread's CPU
#   -XX:+ExitOnOutOfMemoryError  a process that ran out of memory is not trusted: exit, and
#                            supervisord restarts a clean one
#   -XX:CompileCommand=CompileThresholdScaling,<package>.*::*,0.05  (FOO_FRONTEND_JIT_OPTS below)
#                            the telemetry publisher's code (gRPC and its Netty, protobuf,
#                            HdrHistogram, our telemetry and analytics) runs ten times a second
#                            whatever the traffic, so at HotSpot's usual thresholds it stays
#                            interpreted or in C1's profiling tier for many minutes. Compiled after
#                            a twentieth of the calls, the telemetry thread took 40 % less CPU and
#                            telemetry's cost at 5 000 msg/s fell from 1.18 to 1.11 of
#                            telemetry=off, side by side (bench/FINDINGS.md). "quiet" first: the
#                            JVM would otherwise print each command on stdout, the stats' channel
# The backend handles a few batches per second per frontend and answers stats queries:
#   -Xms128m -Xmx256m -XX:+UseSerialGC  small heap, one GC thread (no parallel GC threads
#                            competing with the relay for the 2 cores)
#   -Dio.grpc.netty.shaded.io.netty.leakDetection.level=disabled  as the frontend's (its gRPC
#                            server reads every batch through that Netty)
#   -XX:TieredStopAtLevel=1  C1 only: its code is fast enough for that load, and C2's compile
#                            threads would otherwise take CPU from the frontend after each start
#   -XX:+ExitOnOutOfMemoryError  as above
FOO_FRONTEND_JIT_OPTS="-XX:CompileCommand=quiet"
for foo_jit_package in io.grpc com.google.protobuf org.HdrHistogram io.fooproxy.proto \
    io.fooproxy.frontend.telemetry io.fooproxy.frontend.analytics; do
  FOO_FRONTEND_JIT_OPTS+=" -XX:CompileCommand=CompileThresholdScaling,$foo_jit_package.*::*,0.05"
done
unset foo_jit_package
FOO_FRONTEND_JVM_OPTS=${FOO_FRONTEND_JVM_OPTS:--Xms256m -Xmx256m -XX:+AlwaysPreTouch -XX:+UseParallelGC -XX:MaxDirectMemorySize=512m -Dio.netty.leakDetection.level=disabled -Dio.grpc.netty.shaded.io.netty.leakDetection.level=disabled -XX:+ExitOnOutOfMemoryError $FOO_FRONTEND_JIT_OPTS}
FOO_BACKEND_JVM_OPTS=${FOO_BACKEND_JVM_OPTS:--Xms128m -Xmx256m -XX:+UseSerialGC -Dio.grpc.netty.shaded.io.netty.leakDetection.level=disabled -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError}
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
