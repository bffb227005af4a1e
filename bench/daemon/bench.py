#!/usr/bin/env python3
# This file is part of Pardon, a userspace OOM killer for Linux.
"""Measures the Pardon daemon as a whole (bench/daemon.sh builds what it needs and runs this).

1. Reaction: a process allocating as fast as it can in a memory cgroup; the daemon (scoped to the cgroup)
   must kill it before the kernel's memcg OOM killer fires. Figures come from the daemon's own events:
   decision_ms (level crossed -> signal sent), latency_ms (level crossed -> victim exited), teardown_ms
   (signal -> exit: the kernel freeing the victim's memory). The kernel's oom_kill counter tells whether
   the kernel fired first.
2. Fastest rate: the same at fixed allocation rates; the fastest at which the daemon beat the kernel in
   every trial.
3. Idle: each daemon watching the whole machine with its packaged defaults; CPU time (sum of the
   threads' /proc/PID/task/*/schedstat, nanoseconds) over the idle window and VmRSS at its end.

Memory pressure is created only inside memory cgroups with a limit (<= 512 MiB) under this process's
own cgroup, and every cgroup is removed, even on failure. Only processes started here are signalled.
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

CGROUP_ROOT_V1 = "/sys/fs/cgroup/memory"


def own_memory_cgroup():
    for line in open("/proc/self/cgroup"):
        hid, controllers, path = line.rstrip("\n").split(":", 2)
        if "memory" in controllers.split(","):
            return CGROUP_ROOT_V1 + path, 1
    for line in open("/proc/self/cgroup"):
        hid, controllers, path = line.rstrip("\n").split(":", 2)
        if hid == "0":
            return "/sys/fs/cgroup" + path, 2
    raise SystemExit("no memory cgroup found for this process")


class Cgroup:
    """A memory cgroup under our own, with a limit; everything in it is ours and dies with it."""

    counter = 0

    def __init__(self, limit_mib):
        if limit_mib > 512:
            raise ValueError("limits above 512 MiB are refused")
        parent, self.version = own_memory_cgroup()
        Cgroup.counter += 1
        self.path = os.path.join(parent, f"pardon-bench-{os.getpid()}-{Cgroup.counter}")
        os.mkdir(self.path)
        try:
            limit = str(limit_mib * 1024 * 1024)
            if self.version == 1:
                self.write("memory.limit_in_bytes", limit)
            else:
                self.write("memory.max", limit)
                self.write("memory.swap.max", "0")
        except Exception:
            os.rmdir(self.path)
            raise
        self.children = []

    def write(self, name, value):
        with open(os.path.join(self.path, name), "w") as f:
            f.write(value)

    def oom_kills(self):
        name = "memory.oom_control" if self.version == 1 else "memory.events"
        for line in open(os.path.join(self.path, name)):
            key, value = line.split()
            if key == "oom_kill":
                return int(value)
        return 0

    def start(self, argv):
        procs = os.path.join(self.path, "cgroup.procs")
        p = subprocess.Popen(["sh", "-c", 'echo $$ > "$0" && exec "$@"', procs] + argv,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.children.append(p)
        return p

    def close(self):
        for p in self.children:
            if p.poll() is None:
                p.kill()
            p.wait()
        procs = os.path.join(self.path, "cgroup.procs")
        for _ in range(100):
            try:
                left = [int(x) for x in open(procs).read().split()]
            except FileNotFoundError:
                return
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            try:
                os.rmdir(self.path)
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"could not remove {self.path}")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def read_events(path):
    events = []
    if os.path.exists(path):
        for line in open(path):
            line = line.strip()
            if line:
                events.append(json.loads(line))
    return events


class Daemon:
    def __init__(self, binary, cgroup, workdir, name, extra=()):
        self.events = os.path.join(workdir, f"{name}.jsonl")
        self.log = open(os.path.join(workdir, f"{name}.log"), "w")
        args = [binary, "daemon", "--socket", os.path.join(workdir, f"{name}.sock"), "--events", self.events]
        if cgroup is not None:
            args += ["--cgroup", cgroup.path]
        self.proc = subprocess.Popen(args + list(extra), stdout=self.log, stderr=self.log)
        deadline = time.time() + 60
        while not any(e["event"] == "start" for e in read_events(self.events)):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"{binary} did not start; see {self.log.name}")
            time.sleep(0.05)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.log.close()


def trial(daemon, memhog, limit_mib, rate):
    """One allocation race in a fresh cgroup. Returns (kernel_fired, kill_event, exit_event)."""
    with Cgroup(limit_mib) as cg:
        daemon_obj = Daemon(daemon, cg, trial.workdir, f"trial{Cgroup.counter}")
        try:
            before = len(read_events(daemon_obj.events))
            args = [memhog, "--mib", str(limit_mib * 2)]
            if rate:
                args += ["--rate", str(rate)]
            hog = cg.start(args)
            try:
                hog.wait(timeout=60)
            except subprocess.TimeoutExpired:
                pass
            time.sleep(0.2)
            fired = cg.oom_kills() > 0
            events = read_events(daemon_obj.events)[before:]
        finally:
            daemon_obj.stop()
    kill = next((e for e in events if e["event"] == "kill" and not e.get("escalated")), None)
    exited = next((e for e in events if e["event"] == "victim_exited"), None)
    return fired, kill, exited


def stats(values):
    if not values:
        return "n/a"
    return f"median {statistics.median(values):.1f} ms, worst {max(values):.1f} ms"


def reaction(builds, memhog, limits, trials):
    rows = []
    for name, binary in builds:
        for limit in limits:
            fired = 0
            decision, latency, teardown, victim = [], [], [], []
            for _ in range(trials):
                f, kill, exited = trial(binary, memhog, limit, 0)
                fired += f
                if kill and exited and not f:
                    decision.append(kill["decision_ms"])
                    latency.append(exited["latency_ms"])
                    teardown.append(exited["teardown_ms"])
                    victim.append(kill["available_kib"])
            rows.append((name, limit, trials, fired, decision, latency, teardown))
            print(f"  reaction {name} {limit} MiB: kernel fired {fired}/{trials}; latency {stats(latency)}; "
                  f"decision {stats(decision)}; teardown {stats(teardown)}", file=sys.stderr)
    return rows


def fastest_rate(binary, memhog, limit, rates, trials):
    results = []
    for rate in rates:
        wins = 0
        for _ in range(trials):
            f, kill, exited = trial(binary, memhog, limit, rate)
            wins += (not f) and kill is not None and exited is not None
        results.append((rate, wins, trials))
        label = f"{rate} MiB/s" if rate else "unlimited"
        print(f"  rate {label}: daemon first in {wins}/{trials}", file=sys.stderr)
    best = None
    for rate, wins, n in results:
        if wins == n:
            if rate == 0 or best is None or (best != 0 and rate > best):
                best = rate
    return results, best


def thread_cpu_ns(pid):
    """Per-thread CPU time in ns (/proc/PID/task/TID/schedstat, first field)."""
    times = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            times[tid] = int(open(f"/proc/{pid}/task/{tid}/schedstat").read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return times


def cpu_delta_ns(before, after):
    # Per thread, so that a thread exiting during the window (an idle thread-pool worker retiring) does
    # not make the total go down; a thread born during the window counts from zero.
    return sum(t - before.get(tid, 0) for tid, t in after.items())


def cpu_ticks(pid):
    """utime + stime from /proc/PID/stat in clock ticks: coarse, but includes threads that exited."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def idle(builds, seconds, warmup, workdir):
    # --dry-run: a daemon watching the whole (shared) machine must never signal; it costs the same when idle.
    # Each its own socket and state file: one daemon at a time may hold a state file (an flock), and a state
    # file left at its default follows the socket's directory.
    commands = [(f"pardon ({name})", [binary, "daemon", "--dry-run", "--socket", os.path.join(workdir, f"idle-{name}.sock"),
                                      "--state", os.path.join(workdir, f"idle-{name}.json")])
                for name, binary in builds]
    if shutil.which("earlyoom"):
        # Debian's packaged defaults (/etc/default/earlyoom): a memory report once an hour.
        commands.append(("earlyoom", ["earlyoom", "-r", "3600"]))
    if shutil.which("nohang"):
        commands.append(("nohang", ["nohang", "--monitor", "--config", "/etc/nohang/nohang.conf"]))
    procs = []
    for name, argv in commands:
        procs.append((name, subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)))
    try:
        time.sleep(warmup)
        start = {name: (thread_cpu_ns(p.pid), cpu_ticks(p.pid)) for name, p in procs if p.poll() is None}
        time.sleep(seconds)
        rows = []
        hz = os.sysconf("SC_CLK_TCK")
        for name, p in procs:
            if p.poll() is not None:
                rows.append((name, None, None, None))
                continue
            ns = cpu_delta_ns(start[name][0], thread_cpu_ns(p.pid))
            ticks_ms = (cpu_ticks(p.pid) - start[name][1]) * 1000 / hz
            rows.append((name, ns / 1e6, ticks_ms, rss_kib(p.pid)))
        return rows
    finally:
        for _, p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for _, p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jit", required=True)
    ap.add_argument("--aot", required=True)
    ap.add_argument("--memhog", required=True)
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--idle-seconds", type=int, default=60)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--idle-only", action="store_true", help="only the idle measurement: no memory pressure at all")
    args = ap.parse_args()
    if args.quick:
        args.trials, args.idle_seconds = 4, 15
    builds = [("JIT", os.path.abspath(args.jit)), ("AOT", os.path.abspath(args.aot))]
    memhog = os.path.abspath(args.memhog)
    trial.workdir = tempfile.mkdtemp(prefix="pardon-bench-")
    react, rates, best = [], [], None
    try:
        if not args.idle_only:
            print("reaction (memhog allocating as fast as it can; levels 10%/5%)...", file=sys.stderr)
            react = reaction(builds, memhog, [128, 512], args.trials)
            print("fastest allocation rate the daemon beats every time (AOT, 256 MiB cgroup)...", file=sys.stderr)
            rate_trials = max(3, args.trials // 4)
            rates, best = fastest_rate(builds[1][1], memhog, 256, [256, 512, 1024, 2048, 0], rate_trials)
        print(f"idle ({args.idle_seconds} s, whole machine, packaged defaults)...", file=sys.stderr)
        idle_rows = idle(builds, args.idle_seconds, 15, trial.workdir)
    finally:
        shutil.rmtree(trial.workdir, ignore_errors=True)

    if not args.idle_only:
        print()
        print("| daemon | cgroup | trials | kernel fired first | reaction to exit (latency_ms) | decision (decision_ms) | kernel teardown (teardown_ms) |")
        print("|---|---|---|---|---|---|---|")
        for name, limit, n, fired, decision, latency, teardown in react:
            print(f"| pardon ({name}) | {limit} MiB | {n} | {fired} | {stats(latency)} | {stats(decision)} | {stats(teardown)} |")
        print()
        print("| allocation rate | daemon killed first (256 MiB cgroup, AOT) |")
        print("|---|---|")
        for rate, wins, n in rates:
            print(f"| {(str(rate) + ' MiB/s') if rate else 'unlimited (memhog full speed)'} | {wins}/{n} |")
        print(f"\nfastest rate beaten every time: {'unlimited' if best == 0 else (str(best) + ' MiB/s') if best else 'none'}")
    print()
    print(f"| daemon (idle, whole machine) | CPU over {args.idle_seconds} s (schedstat) | utime+stime (ticks) | VmRSS |")
    print("|---|---|---|---|")
    for name, cpu, ticks_ms, rss in idle_rows:
        if cpu is None:
            print(f"| {name} | exited | | |")
        else:
            print(f"| {name} | {cpu:.1f} ms ({cpu / args.idle_seconds / 10:.4f} %) | {ticks_ms:.0f} ms | {rss / 1024:.1f} MiB |")


if __name__ == "__main__":
    main()
