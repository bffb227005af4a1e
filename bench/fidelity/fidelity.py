#!/usr/bin/env python3
# This file is part of Pardon, a userspace OOM killer for Linux.
"""Prediction fidelity: randomized real memcg OOMs, predicted by `pardon rank` and checked against the kernel.

Each trial builds a small tree of memory cgroups under this process's own (v1 or v2):

    R  (limit <= 512 MiB)
    |-- a   the scope the trigger runs in; its own limit sometimes, sometimes none
    `-- b   a sibling, sometimes

and fills it with memhog processes of random sizes and oom_score_adj values: some single-threaded, some whose
main thread has exited (a zombie leader), some forked copies with identical counters (a tie), some of near-equal
size. The limits are set from the usage seen so that either R (an ancestor: pressure from outside the scope)
or a runs out first. Then, with nothing moving:

  1. `pardon rank --cgroup <scope> --json` gives the prediction: the OOMing cgroup (scope.ooming_cgroup), the
     kernel's victim (kernel_victim) and those tied with it (kernel_victim_ties);
  2. a trigger in the scope asks for the room left plus 8 MiB, on the same CPU as everyone and under
     SCHED_IDLE (so the victim finishes dying before the trigger charges more), and the kernel's OOM fires;
  3. the kernel's own record says what happened: the first "oom-kill:" line in /dev/kmsg after the trigger
     started names the OOMing memcg (oom_memcg=) and the victim (pid=); the memcgs' oom_kill counters
     (memory.oom_control / memory.events) confirm a kill was counted.

A trial agrees when the kernel's OOMing memcg is the predicted one and its victim is the predicted one or, for
a tie Pardon reported, one of the tied. The trigger is kept smaller than every hog, so the kernel's choice is
among the processes Pardon ranked.

Only memory cgroups with a limit of at most 512 MiB are loaded; every process started here is killed and every
cgroup removed (deepest first), even on failure or Ctrl-C.
"""
import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import time

MIB = 1024 * 1024
MAX_LIMIT = 512 * MIB


def own_memory_cgroup():
    lines = open("/proc/self/cgroup").read().splitlines()
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):
            return "/sys/fs/cgroup/memory", path, 1
    for line in lines:
        hid, _, path = line.split(":", 2)
        if hid == "0":
            return "/sys/fs/cgroup", path, 2
    raise SystemExit("fidelity: no memory cgroup for this process")


class Tree:
    """R with children a and b; every process started in it is ours and is killed with it."""

    def __init__(self, name):
        self.mount, own, self.version = own_memory_cgroup()
        self.root = os.path.join(self.mount + own, name)
        self.dirs = [self.root]
        os.mkdir(self.root)
        self.set_limit(self.root, MAX_LIMIT)
        self.procs = []

    def child(self, name):
        path = os.path.join(self.root, name)
        os.mkdir(path)
        self.dirs.append(path)
        return path

    def set_limit(self, path, limit):
        if path == self.root and limit > MAX_LIMIT:
            raise ValueError("limits above 512 MiB are refused")
        name = "memory.limit_in_bytes" if self.version == 1 else "memory.max"
        with open(os.path.join(path, name), "w") as f:
            f.write(str(limit))

    def usage(self, path):
        name = "memory.usage_in_bytes" if self.version == 1 else "memory.current"
        return int(open(os.path.join(path, name)).read())

    def oom_kills(self):
        total = 0
        for d in self.dirs:
            name = "memory.oom_control" if self.version == 1 else "memory.events.local"
            try:
                for line in open(os.path.join(d, name)):
                    key, value = line.split()
                    if key == "oom_kill":
                        total += int(value)
            except OSError:
                pass
        return total

    def relative(self, path):
        return path[len(self.mount):] or "/"

    def start(self, directory, argv):
        # The shell joins the cgroup, then execs memhog: the pid we track is memhog's.
        p = subprocess.Popen(["/bin/sh", "-c", 'echo $$ > "$1" && shift && exec "$@"', "sh",
                              os.path.join(directory, "cgroup.procs")] + argv,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.procs.append(p)
        return p

    def members(self):
        pids = []
        for d in self.dirs:
            try:
                pids += [int(x) for x in open(os.path.join(d, "cgroup.procs")).read().split()]
            except OSError:
                pass
        return pids

    def destroy(self):
        deadline = time.time() + 20
        while time.time() < deadline:
            pids = self.members()
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)  # members of our own tree: started here, or forked by what we started
                except ProcessLookupError:
                    pass
            time.sleep(0.05)
        for p in self.procs:
            try:
                p.kill()
            except ProcessLookupError:
                pass
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        for d in reversed(self.dirs):
            for _ in range(200):
                try:
                    os.rmdir(d)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.05)


def ready(p, timeout=30):
    """Reads memhog's output up to "ready PID"; returns the "child PID" pids it printed on the way."""
    children = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = p.stdout.readline()
        if not line:
            raise RuntimeError(f"memhog {p.pid} ended: {p.stderr.read()}")
        if line.startswith("child "):
            children.append(int(line.split()[1]))
        if line.startswith("ready "):
            return children
    raise RuntimeError(f"memhog {p.pid} not ready within {timeout} s")


class Kmsg:
    """The kernel's log from now on (/dev/kmsg, each record "prio,seq,usec,flags;text")."""

    def __init__(self):
        self.fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
        os.lseek(self.fd, 0, os.SEEK_END)

    def read(self):
        lines = []
        while True:
            try:
                record = os.read(self.fd, 8192).decode(errors="replace")
            except BlockingIOError:
                return lines
            except OSError:  # EPIPE: overwritten records; go on
                continue
            lines.append(record.split(";", 1)[-1].rstrip("\n"))

    def close(self):
        os.close(self.fd)


OOM_LINE = re.compile(r"oom-kill:.*oom_memcg=([^,]*),task_memcg=[^,]*,task=[^,]*,pid=(\d+)")


def plan(rng, cpu):
    """A random scenario: where each hog goes, its size, its adjustment and kind."""
    nested = rng.random() < 0.7
    hogs = []
    for i in range(rng.randint(2, 5)):
        # The first hog always goes in the scope: when its own limit bites first, the kernel chooses among the
        # processes Pardon ranked, not the trigger. Hogs are larger than the trigger can get (room <= 20 MiB).
        place = "a" if i == 0 or not nested else rng.choice(["a", "a", "b", "R"])
        kind = rng.choices(["plain", "zombie", "fork", "twin"], weights=[5, 2, 1, 1])[0]
        hogs.append({"place": place, "mib": rng.randint(32, 80), "adj": rng.choice([0, 0, 0, 100, 250, 500, 800]), "kind": kind})
    return {"nested": nested, "ancestor_first": nested and rng.random() < 0.5, "room": rng.randint(12, 20),
            "other": rng.randint(24, 64), "hogs": hogs, "cpu": cpu}


def memhog_args(memhog, hog, cpu):
    args = [memhog, "--mib", str(hog["mib"]), "--cpu", cpu]
    if hog["adj"]:
        args += ["--adj", str(hog["adj"])]
    if hog["kind"] == "zombie":
        args.append("--zombie-leader")
    if hog["kind"] == "fork":
        args += ["--fork", "2", "--child-adj", str(min(1000, hog["adj"] + 100))]
    return args


def run_trial(args, n, rng):
    spec = plan(rng, args.cpu)
    tree = Tree(f"pardon-fidelity-{os.getpid()}-{n}")
    try:
        a = tree.child("a") if spec["nested"] else tree.root
        b = tree.child("b") if spec["nested"] else None
        places = {"a": a, "b": b, "R": tree.root}
        started = []
        for hog in spec["hogs"]:
            argv = memhog_args(args.memhog, hog, spec["cpu"])
            started.append(tree.start(places[hog["place"]], argv))
            if hog["kind"] == "twin":  # a near-tie: the same size and adjustment beside it
                started.append(tree.start(places[hog["place"]], argv))
        for p in started:
            try:
                ready(p)
            except RuntimeError:
                if tree.oom_kills() != 0:
                    return None
                raise
        time.sleep(0.3)
        if tree.oom_kills() != 0:
            return None  # the draw did not fit under 512 MiB: an OOM struck while setting up (counted as skipped)

        # Limits from the usage seen: the one meant to run out first gets `room` MiB of headroom, the other more.
        room = spec["room"] * MIB
        if spec["nested"]:
            other = room + spec["other"] * MIB
            a_limit = tree.usage(a) + (other if spec["ancestor_first"] else room)
            r_limit = tree.usage(tree.root) + (room if spec["ancestor_first"] else other)
            if r_limit > MAX_LIMIT:
                return None  # too big a draw: skip it (counted)
            tree.set_limit(tree.root, r_limit)
            tree.set_limit(a, min(a_limit, r_limit))
        else:
            tree.set_limit(tree.root, min(MAX_LIMIT, tree.usage(tree.root) + room))
        time.sleep(0.1)

        rank = subprocess.run([args.pardon, "rank", "--cgroup", a, "--json", "--forecast-interval", "0"], capture_output=True, text=True, timeout=60)
        if rank.returncode != 0:
            raise RuntimeError(f"pardon rank failed: {rank.stderr}")
        report = json.loads(rank.stdout)
        predicted = report["kernel_victim"]
        ties = set(report.get("kernel_victim_ties", []))
        close = set(report.get("kernel_victim_close_calls", []))
        predicted_memcg = tree.relative(report["scope"]["ooming_cgroup"])

        kmsg = Kmsg()
        kills_before = tree.oom_kills()
        ooming_dir = report["scope"]["ooming_cgroup"]
        limit = report["scope"]["limit_bytes"]
        trigger_mib = max(1, (limit - tree.usage(ooming_dir)) // MIB) + 8
        trigger = tree.start(a, [args.memhog, "--mib", str(trigger_mib), "--step-mib", "1", "--cpu", spec["cpu"], "--sched-idle"])
        deadline = time.time() + 30
        record = None
        lines = []
        while time.time() < deadline and record is None:
            lines += kmsg.read()
            for line in lines:
                m = OOM_LINE.search(line)
                if m:
                    record = (m.group(1), int(m.group(2)))
                    break
            time.sleep(0.01)
        kmsg.close()
        time.sleep(0.2)
        counted = tree.oom_kills() - kills_before
        if record is None:
            return {"n": n, "spec": spec, "predicted": predicted, "ties": sorted(ties), "actual": None, "memcg_ok": False,
                    "victim_ok": False, "counted": counted, "note": "no OOM kill in the kernel log"}
        memcg, pid = record
        victim_ok = pid == predicted or pid in ties or pid in close
        detail = None
        if not victim_ok or memcg != predicted_memcg:
            # What each side saw: Pardon's ranking, and the kernel's own dump of the tasks it considered.
            detail = [f"      rank: {p['pid']} {p['comm']} {tree.relative(p.get('cgroup') or '')} badness {p['kernel_badness']} "
                      f"adj {p['oom_score_adj']} rss {p['rss_kib']} KiB tie {p['tie']} mm_thread {p['mm_thread']}"
                      for p in report["processes"]]
            detail += [f"      kernel: {line}" for line in lines if "oom" in line.lower() or line.lstrip().startswith("[")]
        return {"detail": detail, "n": n, "spec": spec, "predicted": predicted, "ties": sorted(ties), "close": sorted(close), "actual": pid,
                "predicted_memcg": predicted_memcg, "actual_memcg": memcg, "memcg_ok": memcg == predicted_memcg,
                "victim_ok": victim_ok, "exact": pid == predicted, "counted": counted, "trigger": trigger.pid}
    finally:
        tree.destroy()


def main():
    parser = argparse.ArgumentParser(description="Prediction fidelity against real memcg OOMs")
    parser.add_argument("--pardon", required=True)
    parser.add_argument("--memhog", required=True)
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--from", dest="start", type=int, default=0, help="skip to trial N of the seed's sequence")
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("fidelity: needs root (memory cgroups, /dev/kmsg)")
    seed = args.seed if args.seed is not None else random.randrange(1, 1_000_000)
    rng = random.Random(seed)
    args.cpu = str(min(os.sched_getaffinity(0)))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    print(f"fidelity: seed {seed}, {args.trials} trials (rerun: --seed {seed})", flush=True)
    results, skipped = [], 0
    for n in range(args.start):
        plan(rng, args.cpu)
    for n in range(args.start, args.start + args.trials):
        r = run_trial(args, n, rng)
        if r is None:
            skipped += 1
            continue
        results.append(r)
        kinds = ",".join(f"{h['place']}:{h['mib']}M/{h['adj']}/{h['kind']}" for h in r["spec"]["hogs"])
        verdict = "agree" if r["memcg_ok"] and r["victim_ok"] else "DISAGREE"
        name = lambda m: None if m is None else ("R" + m.split(f"pardon-fidelity-{os.getpid()}-{n}", 1)[-1]) if "pardon-fidelity-" in m else m
        tie = (f" (tie with {r['ties']})" if r["ties"] else "") + (f" (close call with {r['close']})" if r.get("close") else "")
        first = "ancestor" if r["spec"]["ancestor_first"] else "scope"
        for line in r.get("detail") or []:
            print(line)
        print(f"  {n:3} {verdict:8} {first:8} predicted {r['predicted']}{tie} in {name(r.get('predicted_memcg'))}; "
              f"kernel killed {r['actual']} in {name(r.get('actual_memcg'))}; counted {r['counted']}  [{kinds}]", flush=True)
    total = len(results)
    agree = sum(1 for r in results if r["memcg_ok"] and r["victim_ok"])
    exact = sum(1 for r in results if r["memcg_ok"] and r.get("exact"))
    memcg = sum(1 for r in results if r["memcg_ok"])
    tied = sum(1 for r in results if r["ties"] or r.get("close"))
    ancestor = sum(1 for r in results if r["spec"]["ancestor_first"])
    print(f"SUMMARY: {agree}/{total} trials agree ({100.0 * agree / max(1, total):.1f} %): OOMing memcg {memcg}/{total} "
          f"({ancestor} struck an ancestor of the scope), victim exact {exact}, within a reported tie or close call {agree - exact} "
          f"({tied} trials had one); {skipped} draws skipped (more than 512 MiB); seed {seed}")
    return 0 if agree == total else 1


if __name__ == "__main__":
    sys.exit(main())
