#!/usr/bin/env python3
# This file is part of Pardon, a userspace OOM killer for Linux.
"""What watching many scopes costs: the daemon watching N memory cgroups through one glob, idle.

For each N (1, 50, 200 by default): N cgroups made under one parent cgroup under this process's own
memory cgroup (parent limit 512 MiB, each child 64 MiB, each with one idle `sleep`), the daemon started
with `--cgroup PARENT/*`, left to settle, then measured over a window: CPU time (sum over its threads of
/proc/PID/task/*/schedstat, ns), VmRSS at the end, and the monitor thread's voluntary context switches
(its wake-ups). Everything made is removed afterwards, even on failure; only processes started here are
signalled.
"""
import argparse
import json
import os
import signal
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


def write(path, value):
    with open(path, "w") as f:
        f.write(value)


def set_limit(path, version, mib):
    if mib > 512:
        raise ValueError("limits above 512 MiB are refused")
    if version == 1:
        write(os.path.join(path, "memory.limit_in_bytes"), str(mib << 20))
    else:
        write(os.path.join(path, "memory.max"), str(mib << 20))


class Tree:
    """A parent cgroup (512 MiB) with N children (64 MiB each), one idle process in each."""

    def __init__(self, n):
        own, self.version = own_memory_cgroup()
        self.parent = os.path.join(own, f"pardon-bench-scopes-{os.getpid()}-{n}")
        self.children = []
        self.procs = []
        os.mkdir(self.parent)
        set_limit(self.parent, self.version, 512)
        for i in range(n):
            child = os.path.join(self.parent, f"c{i:03d}")
            os.mkdir(child)
            self.children.append(child)
            set_limit(child, self.version, 64)
            procs = os.path.join(child, "cgroup.procs")
            self.procs.append(subprocess.Popen(["sh", "-c", 'echo $$ > "$0" && exec sleep 3600', procs]))

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            p.wait()
        for d in reversed([self.parent] + self.children):
            for _ in range(100):
                try:
                    os.rmdir(d)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.05)


def read_events(path):
    if not os.path.exists(path):
        return []
    return [json.loads(line) for line in open(path) if line.strip()]


def thread_stats(pid):
    """Per thread: (cpu ns, voluntary context switches, name)."""
    stats = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            ns = int(open(f"/proc/{pid}/task/{tid}/schedstat").read().split()[0])
            name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
            vol = 0
            for line in open(f"/proc/{pid}/task/{tid}/status"):
                if line.startswith("voluntary_ctxt_switches:"):
                    vol = int(line.split()[1])
            stats[tid] = (ns, vol, name)
        except (FileNotFoundError, ProcessLookupError):
            pass
    return stats


def read_metrics(path):
    """The first sample of each metric in a Prometheus text file (the daemon's top-level, scope-labelled figures)."""
    values = {}
    if os.path.exists(path):
        for line in open(path):
            if line.startswith("#") or not line.strip():
                continue
            name = line.split("{", 1)[0].split(" ", 1)[0]
            try:
                values.setdefault(name, float(line.rsplit(" ", 1)[1]))
            except ValueError:
                pass
    return values


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def measure(pardon, n, settle, seconds, workdir):
    tree = Tree(n)
    daemon = None
    try:
        events = os.path.join(workdir, f"scopes-{n}.jsonl")
        log = open(os.path.join(workdir, f"scopes-{n}.log"), "w")
        prom = os.path.join(workdir, f"scopes-{n}.prom")
        daemon = subprocess.Popen([pardon, "daemon", "--cgroup", tree.parent + "/*", "--events", events,
                                   "--socket", os.path.join(workdir, f"scopes-{n}.sock"), "--metrics-textfile", prom],
                                  stdout=log, stderr=log)
        deadline = time.time() + 60
        while not any(e["event"] == "start" for e in read_events(events)):
            if daemon.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"the daemon did not start; see {log.name}")
            time.sleep(0.05)
        time.sleep(settle)
        before = thread_stats(daemon.pid)
        time.sleep(seconds)
        after = thread_stats(daemon.pid)
        cpu_ns = sum(ns - before.get(tid, (0, 0, ""))[0] for tid, (ns, _, _) in after.items())
        # Every thread's voluntary context switches: its sleeps, i.e. the daemon's wake-ups (AOT builds do not
        # name their threads, so the monitor's own cannot be told apart there; the others are nearly idle).
        switches = sum(vol - before.get(tid, (0, 0, ""))[1] for tid, (_, vol, _) in after.items())
        rss = rss_kib(daemon.pid)
        warnings = [e for e in read_events(events) if e["event"] == "warning" and e.get("code") not in ("oom_score_adj", "pardon_kernel_protect")]
        metrics = read_metrics(prom)
        steady = (metrics.get("pardon_monitor_steady_allocated_bytes_total"), metrics.get("pardon_monitor_steady_iterations_total"))
        return cpu_ns / 1e6, rss, switches / seconds, steady, len(warnings)
    finally:
        if daemon is not None and daemon.poll() is None:
            daemon.send_signal(signal.SIGTERM)
            try:
                daemon.wait(timeout=30)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait()
        tree.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pardon", required=True)
    ap.add_argument("--build", default="aot")
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--settle", type=int, default=15)
    ap.add_argument("--counts", default="1,50,200")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--jit", action="store_true")
    args = ap.parse_args()
    if args.quick:
        args.seconds, args.settle = 20, 8
    pardon = os.path.abspath(args.pardon)
    counts = [int(c) for c in args.counts.split(",")]
    workdir = tempfile.mkdtemp(prefix="pardon-bench-scopes-")
    rows = []
    for n in counts:
        print(f"  {n} cgroup(s)...", file=sys.stderr)
        rows.append((n,) + measure(pardon, n, args.settle, args.seconds, workdir))
    print()
    print(f"| watched cgroups ({args.build}) | CPU over {args.seconds} s (schedstat) | CPU % of one core | VmRSS | wake-ups/s (all threads) | bytes allocated in steady iterations | warnings |")
    print("|---|---|---|---|---|---|---|")
    for n, cpu, rss, wakeups, steady, warnings in rows:
        w = f"{wakeups:.1f}" if wakeups is not None else "?"
        allocated, iterations = steady
        a = f"{allocated:.0f} over {iterations:.0f}" if allocated is not None and iterations is not None else "?"
        print(f"| {n} | {cpu:.1f} ms | {cpu / args.seconds / 10:.4f} % | {rss / 1024:.1f} MiB | {w} | {a} | {warnings} |")


if __name__ == "__main__":
    main()
