#!/bin/sh
# Records the kernel's scheduler events and the futex/socket system calls of a command, with
# microsecond timestamps, through tracefs (needs root; mounts /sys/kernel/tracing if needed):
#
#   docs/tools/ftrace_sched.sh OUT.txt python3 PROGRAM.py ARGS...
#
# Events: sched_switch, sched_waking, sched_wakeup, sched_migrate_task, and entry/exit of futex,
# sendto and recvfrom. Read OUT.txt with docs/tools/sched_timeline.py. Tracing adds about a
# microsecond to each traced system call: compare intervals between runs traced alike, not with
# untraced timings. The per-CPU ring buffer is 64 MiB: trace a few hundred milliseconds.
set -eu
if [ $# -lt 2 ]; then
  echo "usage: $0 OUT.txt COMMAND [ARGS...]" >&2
  exit 2
fi
T=/sys/kernel/tracing
[ -e "$T/trace" ] || mount -t tracefs nodev "$T"
OUT=$1
shift
stop() {
  echo 0 > "$T/tracing_on"
  echo > "$T/set_event"
}
trap stop EXIT
echo 0 > "$T/tracing_on"
echo > "$T/trace"
echo 65536 > "$T/buffer_size_kb"
echo > "$T/set_event"
for e in sched:sched_switch sched:sched_waking sched:sched_wakeup sched:sched_migrate_task \
         syscalls:sys_enter_futex syscalls:sys_exit_futex syscalls:sys_enter_sendto syscalls:sys_exit_sendto \
         syscalls:sys_enter_recvfrom syscalls:sys_exit_recvfrom; do
  echo "$e" >> "$T/set_event"
done
echo 1 > "$T/tracing_on"
status=0
"$@" || status=$?
echo 0 > "$T/tracing_on"
cat "$T/trace" > "$OUT"
exit $status
