#!/usr/bin/env python3
# This file is part of Pardon, a userspace OOM killer for Linux.
"""The memory-stall benchmark (bench/stall.sh builds what it needs and runs this).

Two freezes, each in a fresh v1 memory cgroup (with its v2 twin, whose memory.pressure measures the stall):
  swap  256 MiB limit, a 1 GiB swap file (swappiness 100): a thrasher cycling 400 MiB of anonymous memory;
  file  128 MiB limit, no swap: a thrasher reading 160 MiB of a file it maps executable, at random
        (a program whose own code keeps being evicted and read back).
Next to it a bystander: memhog holding 32 MiB, idle. Nothing runs out of memory: available memory and swap
look fine throughout; only the stall shows.

Each daemon in turn, with its packaged defaults except where stated:
  pardon    `pardon daemon --cgroup <the cgroup>` (stall criterion 40 % "full" over 10 s)
  nohang    PSI mode: psi_checking_enabled, psi_path = the cgroup's memory.pressure (its twin), and the memory
            levels its PSI rule also requires raised to the highest it accepts (50 % of RAM; PSI 40 full_avg10
            for 30 s)
  earlyoom  defaults (memory and swap levels only)
nohang and earlyoom choose victims among all processes they can see, so they run in a PID namespace of their
own holding only the workload: they can never signal anything else on the machine.

Figures, from the twin's PSI read every 100 ms: the stall begins at the first 500 ms in which the cgroup was
stalled >= 20 % "full", and ends at the end of the last such 500 ms before it stays below for 2 s (or it has
not ended when the cap is reached). Who was killed: which of thrasher and bystander died. Kernel OOM kills:
the cgroup's oom_kill counter.

Only processes started here are signalled; every cgroup, twin, data file and the swap file are removed even
on failure (and stale ones of a killed earlier run are swept first).
"""
import argparse
import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

V1_ROOT = "/sys/fs/cgroup/memory"
V2_ROOT = "/sys/fs/cgroup/unified"
SWAP_DIR = "/var/tmp"
SWAP_PREFIX = "pardon-bench-swap-"
SWAP_MIB = 1024
DATA_FILE = os.path.join(SWAP_DIR, f"pardon-bench-data-{os.getpid()}")


def own_v1_memory_path():
    for line in open("/proc/self/cgroup"):
        hid, controllers, path = line.rstrip("\n").split(":", 2)
        if "memory" in controllers.split(","):
            return path
    raise SystemExit("bench/stall needs a cgroup v1 memory controller (the hybrid layout); none found")


def run(*argv):
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def swaps():
    return [line.split()[0] for line in open("/proc/swaps").read().splitlines()[1:] if line.strip()]


def remove_swap(path):
    if path in swaps():
        subprocess.run(["swapoff", path], check=False)
    if os.path.exists(path):
        os.unlink(path)


def sweep_stale():
    for name in os.listdir(SWAP_DIR):
        for prefix in (SWAP_PREFIX, "pardon-bench-data-"):
            if name.startswith(prefix):
                pid = name[len(prefix):]
                if pid.isdigit() and int(pid) != os.getpid() and not os.path.exists(f"/proc/{pid}"):
                    remove_swap(os.path.join(SWAP_DIR, name))


class Swap:
    """A 1 GiB swap file, switched off and deleted at exit whatever happens."""

    def __init__(self):
        self.path = os.path.join(SWAP_DIR, f"{SWAP_PREFIX}{os.getpid()}")
        atexit.register(self.close)
        run("fallocate", "-l", f"{SWAP_MIB}M", self.path)
        os.chmod(self.path, 0o600)
        run("mkswap", "-q", self.path)
        run("swapon", self.path)

    def close(self):
        remove_swap(self.path)


class Scene:
    """A v1 memory cgroup (<= 512 MiB) under our own, its v2 twin, and the processes started in both."""

    counter = 0

    def __init__(self, limit_mib, swap_mib):
        if limit_mib > 512:
            raise ValueError("limits above 512 MiB are refused")
        Scene.counter += 1
        rel = own_v1_memory_path().rstrip("/") + f"/pardon-bench-{os.getpid()}-{Scene.counter}"
        self.v1 = V1_ROOT + rel
        self.v2 = V2_ROOT + rel
        self.created_v2 = []
        self.children = []
        os.mkdir(self.v1)
        try:
            self.write(self.v1, "memory.limit_in_bytes", str(limit_mib << 20))
            self.write(self.v1, "memory.memsw.limit_in_bytes", str((limit_mib + swap_mib) << 20))
            if swap_mib:
                self.write(self.v1, "memory.swappiness", "100")
            missing = []
            d = self.v2
            while not os.path.isdir(d):
                missing.append(d)
                d = os.path.dirname(d)
            for d in reversed(missing):
                os.mkdir(d)
                self.created_v2.append(d)
        except Exception:
            self.close()
            raise
        self.pressure = open(os.path.join(self.v2, "memory.pressure"))

    @staticmethod
    def write(directory, name, value):
        with open(os.path.join(directory, name), "w") as f:
            f.write(value)

    def enter_script(self):
        """Shell words that put the running shell in the cgroup and its twin, then exec "$@"."""
        return f'echo $$ > {self.v1}/cgroup.procs && echo $$ > {self.v2}/cgroup.procs && exec "$@"'

    def start(self, argv):
        p = subprocess.Popen(["sh", "-c", self.enter_script(), "sh"] + argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.children.append(p)
        return p

    def full_us(self):
        self.pressure.seek(0)
        for line in self.pressure.read().splitlines():
            if line.startswith("full "):
                return int(line.rsplit("total=", 1)[1])
        return 0

    def pids(self):
        try:
            return [int(x) for x in open(os.path.join(self.v1, "cgroup.procs")).read().split()]
        except FileNotFoundError:
            return []

    def oom_kills(self):
        for line in open(os.path.join(self.v1, "memory.oom_control")):
            key, value = line.split()
            if key == "oom_kill":
                return int(value)
        return 0

    def close(self):
        if getattr(self, "pressure", None):
            self.pressure.close()
        for p in self.children:
            if p.poll() is None:
                p.kill()
        for p in self.children:
            p.wait()
        for directory in [self.v1] + list(reversed(self.created_v2)):
            for _ in range(200):
                procs = os.path.join(directory, "cgroup.procs")
                try:
                    left = [int(x) for x in open(procs).read().split()]
                except FileNotFoundError:
                    break
                for pid in left:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                try:
                    os.rmdir(directory)
                    break
                except OSError:
                    if directory != self.v1 and directory != self.v2 and os.listdir(directory):
                        break  # a parent another run uses
                    time.sleep(0.05)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def comm(pid):
    try:
        return open(f"/proc/{pid}/comm").read().strip()
    except OSError:
        return None


def alive(pid):
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def nohang_config(workdir, pressure_path):
    text = open("/etc/nohang/nohang.conf").read()
    replace = {
        "psi_checking_enabled": "True",
        "psi_path": pressure_path,
        "warning_threshold_min_mem": "50 %",
        "soft_threshold_min_mem": "50 %",
        "hard_threshold_min_mem": "50 %",
    }
    lines = []
    for line in text.splitlines():
        key = line.split("=", 1)[0].strip()
        if "=" in line and not line.lstrip().startswith("#") and key in replace:
            line = f"{key} = {replace[key]}"
        lines.append(line)
    path = os.path.join(workdir, "nohang.conf")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def scenario_argv(args, name):
    if name == "swap":
        return 256, SWAP_MIB, [args.thrasher, "--mib", "400"]
    return 128, 0, [args.thrasher, "--mib", "160", "--file", DATA_FILE]


def trial(args, workdir, scenario, daemon):
    limit, swap_mib, thrasher_argv = scenario_argv(args, scenario)
    bystander_argv = [args.memhog, "--mib", "32"]
    with Scene(limit, swap_mib) as scene:
        log = open(os.path.join(workdir, f"{scenario}-{daemon}.log"), "w")
        events = os.path.join(workdir, f"{scenario}-{daemon}.jsonl")
        pardon = None
        if daemon == "pardon":
            pardon = subprocess.Popen([args.pardon, "daemon", "--cgroup", scene.v1, "--events", events,
                                       "--socket", os.path.join(workdir, f"{scenario}.sock")], stdout=log, stderr=log)
            deadline = time.time() + 60
            while not (os.path.exists(events) and '"start"' in open(events).read()):
                if pardon.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"pardon did not start; see {log.name}")
                time.sleep(0.05)
            bystander = scene.start(bystander_argv).pid
            time.sleep(1)
            thrasher = scene.start(thrasher_argv).pid
            namespace = None
        else:
            # The workload and the daemon share a PID namespace of their own: all the daemon can see or signal.
            daemon_argv = (["nohang", "--monitor", "--config", nohang_config(workdir, os.path.join(scene.v2, "memory.pressure"))]
                           if daemon == "nohang" else ["earlyoom"])
            inner = (f"sh -c '{scene.enter_script()}' sh {' '.join(bystander_argv)} & sleep 1; "
                     f"sh -c '{scene.enter_script()}' sh {' '.join(thrasher_argv)} & exec {' '.join(daemon_argv)}")
            namespace = subprocess.Popen(["unshare", "--pid", "--fork", "--mount-proc", "sh", "-c", inner],
                                         stdout=log, stderr=log, start_new_session=True)
            deadline = time.time() + 10
            bystander = thrasher = None
            while (bystander is None or thrasher is None) and time.time() < deadline:
                for pid in scene.pids():
                    c = comm(pid)
                    if c == "memhog":
                        bystander = pid
                    elif c == "thrasher":
                        thrasher = pid
                time.sleep(0.05)
            if bystander is None or thrasher is None:
                raise RuntimeError(f"workload did not start in the namespace; see {log.name}")

        readings = []
        t0 = time.monotonic()
        calm_since = None
        while True:
            now = time.monotonic() - t0
            readings.append((now, scene.full_us()))
            if not alive(thrasher) or not alive(bystander):
                # A kill: stop once the stall has stayed below 20 % for 2 s.
                recent = [r for r in readings if now - r[0] <= 0.5]
                span = recent[-1][0] - recent[0][0] if len(recent) > 1 else 0
                share = (recent[-1][1] - recent[0][1]) / (span * 1e6) * 100 if span > 0 else 100
                if share >= 20:
                    calm_since = None
                elif calm_since is None:
                    calm_since = now
                if calm_since is not None and now - calm_since >= 2:
                    break
            if now >= args.cap:
                break
            time.sleep(0.1)

        killed = [name for name, pid in (("thrasher", thrasher), ("bystander", bystander)) if not alive(pid)]
        oom = scene.oom_kills()
        if pardon is not None:
            pardon.send_signal(signal.SIGTERM)
            pardon.wait(timeout=30)
        if namespace is not None:
            os.killpg(namespace.pid, signal.SIGKILL)
            namespace.wait()
        log.close()

    # The stall's start and end from the 500 ms shares.
    spans = []
    j = 0
    for i in range(len(readings)):
        while j < i and readings[i][0] - readings[j + 1][0] >= 0.5:
            j += 1
        dt = readings[i][0] - readings[j][0]
        if dt >= 0.4:
            spans.append((readings[j][0], readings[i][0], (readings[i][1] - readings[j][1]) / (dt * 1e6) * 100))
    high = [s for s in spans if s[2] >= 20]
    start = high[0][0] if high else None
    ended = bool(killed) and start is not None and readings[-1][0] - high[-1][1] >= 1.9
    endured = (high[-1][1] - start) if ended else None
    return {
        "scenario": scenario,
        "daemon": daemon,
        "stall_began_s": round(start, 1) if start is not None else None,
        "endured_s": round(endured, 1) if endured is not None else None,
        "observed_s": round(readings[-1][0], 1),
        "killed": killed,
        "kernel_oom_kills": oom,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pardon", required=True)
    parser.add_argument("--thrasher", required=True)
    parser.add_argument("--memhog", required=True)
    parser.add_argument("--out", default="artifacts/bench")
    parser.add_argument("--cap", type=float, default=60, help="give up on a stall after this many seconds (default 60)")
    parser.add_argument("--runs", type=int, default=1, help="trials per scenario and daemon (default 1)")
    parser.add_argument("--daemons", default="pardon,nohang,earlyoom", help="which, comma-separated (default all three)")
    parser.add_argument("--scenarios", default="swap,file", help="which, comma-separated (default both)")
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("bench/stall needs root (cgroups, swap)")
    for tool in ("nohang", "earlyoom", "unshare", "mkswap", "swapon"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing (scripts/setup bench)")

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: sys.exit(1))
    sweep_stale()
    atexit.register(lambda: os.path.exists(DATA_FILE) and os.unlink(DATA_FILE))
    workdir = tempfile.mkdtemp(prefix="pardon-bench-stall-", dir=args.out if os.path.isdir(args.out) else None)
    swap = Swap()
    try:
        # The file scenario's data, written here, outside every test cgroup.
        subprocess.run([args.thrasher, "--mib", "160", "--file", DATA_FILE, "--prepare"], check=True, stdout=subprocess.DEVNULL)
        results = []
        for scenario in args.scenarios.split(","):
            for daemon in args.daemons.split(","):
                for _ in range(args.runs):
                    r = trial(args, workdir, scenario, daemon)
                    print(json.dumps(r), file=sys.stderr, flush=True)
                    results.append(r)
    finally:
        swap.close()
        if os.path.exists(DATA_FILE):
            os.unlink(DATA_FILE)

    with open(os.path.join(args.out, "stall.json"), "w") as f:
        json.dump(results, f, indent=1)
    names = {"swap": "swap thrash (400 MiB in 256 MiB + swap)", "file": "file thrash (160 MiB of mapped code in 128 MiB, no swap)"}
    print(f"| scenario | daemon | stall endured | killed | kernel OOM kills |")
    print(f"|---|---|---|---|---|")
    for r in results:
        endured = f"{r['endured_s']:.1f} s" if r["endured_s"] is not None else f"not ended ({r['observed_s']:.0f} s observed)"
        print(f"| {names[r['scenario']]} | {r['daemon']} | {endured} | {', '.join(r['killed']) or 'nothing'} | {r['kernel_oom_kills']} |")
    print(f"\nlogs and events: {workdir}")


if __name__ == "__main__":
    main()
