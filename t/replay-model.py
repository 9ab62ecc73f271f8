#!/usr/bin/env python3
"""A deliberately naive model of highmem-engine.md S7, for differential tests.

It follows the reference text literally and slowly -- the pkmap scan probes
entry by entry, resume/drain recurse, the vmalloc free space is a sorted list
-- so that it shares no data structure with the C engine it checks.

  replay-model.py TRACE                      print the model's result as JSON
  replay-model.py --random SEED              print a random trace
  replay-model.py --compare HMPLAN FROM TO   random traces FROM..TO-1 through both:
                                             "ok SEED" or "FAIL SEED: what differs"
"""
import json
import os
import random
import subprocess
import sys
import tempfile

DEFAULTS = dict(last_pkmap=1024, km_max_idx=16, cpus=1, max_low_pfn=0x36bfe,
                vmalloc_start=0xf73fe000, vmalloc_end=0xfebfe000, lazy_max_pages=None)


def fls(x):
    return x.bit_length()


class Task:
    def __init__(self, name, cpu):
        self.name, self.cpu = name, cpu
        self.atomic = 0
        self.stack = []          # highmem pfns, kmap_ctrl
        self.handles = []        # (pfn, cpu, pos)
        self.holds = []          # kmap() pfns in map order
        self.backlog = []
        self.asleep = False
        self.sleep = None        # (pfn, line)


class Model:
    def __init__(self, p):
        self.p = p
        self.L = p["last_pkmap"]
        self.count = [0] * self.L
        self.page = [None] * self.L
        self.addr = {}
        self.last = 0
        self.in_use = 0
        self.waitq = []
        self.tasks = {}
        self.order = []
        self.current = [None] * p["cpus"]
        self.errors = []
        self.c = {
            "pkmap": dict(maps=0, hits=0, new=0, flush_calls=0, tlb_flushes=0, reclaimed=0,
                          sleeps=0, wakeups=0, max_in_use=0),
            "local": dict(maps=0, lowmem=0, pte_sets=0, pte_clears=0, invlpg=0, max_depth=0,
                          sched_out_unmaps=0, sched_in_maps=0),
            "atomic": dict(maps=0, lowmem=0),
            "vmap": dict(maps=0, unmaps=0, failures=0, purges=0, tlb_flushes=0, peak_bytes=0,
                         lazy_pages_peak=0),
        }
        self.npages = (p["vmalloc_end"] - p["vmalloc_start"]) // 4096
        self.free = [[0, self.npages]]   # sorted [start, end)
        self.lazy = []
        self.lazy_nr = 0
        self.binds = {}
        self.live = 0

    def err(self, line, task, kind):
        self.errors.append(dict(line=line, task=task.name, kind=kind))

    def high(self, pfn):
        return pfn >= self.p["max_low_pfn"]

    # ---- scheduling ----
    def sched_out(self, x):
        k = len(x.stack)
        loc = self.c["local"]
        loc["sched_out_unmaps"] += k
        loc["pte_clears"] += k
        loc["invlpg"] += k

    def sched_in(self, x):
        k = len(x.stack)
        self.c["local"]["sched_in_maps"] += k
        self.c["local"]["pte_sets"] += k

    def run_on_cpu(self, t, line):
        u = self.current[t.cpu]
        if u is t:
            return
        if u is not None:
            if u.atomic > 0:
                self.err(line, u, "switch_in_atomic")
            self.sched_out(u)
        self.sched_in(t)
        self.current[t.cpu] = t

    def submit(self, name, line, op, args):
        if name not in self.tasks:
            t = Task(name, len(self.order) % self.p["cpus"])
            self.tasks[name] = t
            self.order.append(t)
        t = self.tasks[name]
        t.backlog.append((line, op, args))
        if not t.asleep:
            self.drain(t)

    def drain(self, t):
        while not t.asleep and t.backlog:
            line, op, args = t.backlog.pop(0)
            woken = self.execute(t, line, op, args)
            if woken:
                self.resume(woken)

    def resume(self, woken):
        ok = []
        for w in woken:
            w.asleep = False
            pfn, line = w.sleep
            self.run_on_cpu(w, line)
            if self.kmap_high(w, pfn, line):
                ok.append(w)
        for w in ok:
            self.drain(w)

    # ---- pkmap ----
    def get(self, e):
        self.count[e] += 1
        if self.count[e] == 2:
            self.in_use += 1
            pk = self.c["pkmap"]
            pk["max_in_use"] = max(pk["max_in_use"], self.in_use)

    def flush(self):
        pk = self.c["pkmap"]
        pk["flush_calls"] += 1
        n = 0
        for i in range(self.L):
            if self.count[i] == 1:
                self.count[i] = 0
                del self.addr[self.page[i]]
                self.page[i] = None
                n += 1
        pk["reclaimed"] += n
        if n:
            pk["tlb_flushes"] += 1

    def kmap_high(self, t, pfn, line):
        pk = self.c["pkmap"]
        if pfn in self.addr:
            pk["hits"] += 1
            self.get(self.addr[pfn])
            t.holds.append(pfn)
            return True
        remaining = self.L
        while True:
            self.last = (self.last + 1) & (self.L - 1)
            if self.last == 0:
                self.flush()
                remaining = self.L
            if self.count[self.last] == 0:
                break
            remaining -= 1
            if remaining:
                continue
            pk["sleeps"] += 1
            t.asleep = True
            t.sleep = (pfn, line)
            self.waitq.append(t)
            self.sched_out(t)
            self.current[t.cpu] = None
            return False
        e = self.last
        self.count[e] = 1
        self.page[e] = pfn
        self.addr[pfn] = e
        pk["new"] += 1
        self.get(e)
        t.holds.append(pfn)
        return True

    # ---- vmap ----
    def alloc(self, need):
        for blk in self.free:
            if blk[1] - blk[0] >= need:
                s = blk[0]
                blk[0] += need
                if blk[0] == blk[1]:
                    self.free.remove(blk)
                return s
        return None

    def purge(self):
        v = self.c["vmap"]
        v["purges"] += 1
        if not self.lazy:
            return
        v["tlb_flushes"] += 1
        spans = sorted(self.free + [[s, s + n] for s, n in self.lazy])
        merged = []
        for s, e in spans:
            if merged and merged[-1][1] == s:
                merged[-1][1] = e
            else:
                merged.append([s, e])
        self.free = merged
        self.lazy = []
        self.lazy_nr = 0

    # ---- one event ----
    def execute(self, t, line, op, a):
        if op == "cpu":
            n = a[0]
            if n != t.cpu:
                if t.atomic > 0 or t.stack:
                    self.err(line, t, "cpu_change_in_atomic")
                else:
                    if self.current[t.cpu] is t:
                        self.current[t.cpu] = None
                    t.cpu = n
            self.run_on_cpu(t, line)
            return None
        self.run_on_cpu(t, line)
        return getattr(self, "op_" + op)(t, line, *a)

    def op_kmap(self, t, line, pfn):
        if t.atomic > 0:
            self.err(line, t, "sleep_in_atomic")
        if not self.high(pfn):
            return None
        self.c["pkmap"]["maps"] += 1
        self.kmap_high(t, pfn, line)
        return None

    def op_kunmap(self, t, line, pfn):
        if t.atomic > 0:
            self.err(line, t, "sleep_in_atomic")
        if not self.high(pfn):
            return None
        if pfn not in t.holds:
            self.err(line, t, "unmap_not_mapped")
            return None
        i = len(t.holds) - 1 - t.holds[::-1].index(pfn)
        del t.holds[i]
        e = self.addr[pfn]
        self.count[e] -= 1
        if self.count[e] == 1:
            self.in_use -= 1
            if self.waitq:
                woken, self.waitq = self.waitq, []
                self.c["pkmap"]["wakeups"] += len(woken)
                return woken
        return None

    def local_map(self, t, line, pfn, atomic):
        grp = self.c["atomic" if atomic else "local"]
        grp["maps"] += 1
        if not self.high(pfn):
            grp["lowmem"] += 1
            if atomic:
                t.atomic += 1
            return None
        if len(t.stack) + 1 >= self.p["km_max_idx"]:
            self.err(line, t, "depth_overflow")
            return None
        if atomic:
            t.atomic += 1
        t.handles.append((pfn, t.cpu, len(t.stack)))
        t.stack.append(pfn)
        loc = self.c["local"]
        loc["pte_sets"] += 1
        loc["max_depth"] = max(loc["max_depth"], len(t.stack))
        return None

    def local_unmap(self, t, line, pfn, atomic):
        if self.high(pfn):
            idx = [i for i, h in enumerate(t.handles) if h[0] == pfn]
            if not idx:
                self.err(line, t, "unmap_not_mapped")
                return None
            h = t.handles.pop(idx[-1])
            if (h[1], h[2]) != (t.cpu, len(t.stack) - 1):
                self.err(line, t, "lifo_violation")
            t.stack.pop()
            loc = self.c["local"]
            loc["pte_clears"] += 1
            loc["invlpg"] += 1
        if atomic:
            if t.atomic > 0:
                t.atomic -= 1
            else:
                self.err(line, t, "unmap_not_mapped")
        return None

    def op_kmap_local(self, t, line, pfn):
        return self.local_map(t, line, pfn, False)

    def op_kmap_atomic(self, t, line, pfn):
        return self.local_map(t, line, pfn, True)

    def op_kunmap_local(self, t, line, pfn):
        return self.local_unmap(t, line, pfn, False)

    def op_kunmap_atomic(self, t, line, pfn):
        return self.local_unmap(t, line, pfn, True)

    def op_touch(self, t, line, pfn):
        if not self.high(pfn) or pfn in t.holds:
            return None
        for hp, hc, pos in t.handles:
            if hp == pfn and hc == t.cpu and pos < len(t.stack) and t.stack[pos] == pfn:
                return None
        self.err(line, t, "touch_unmapped")
        return None

    def op_switch(self, t, line):
        if t.atomic > 0:
            self.err(line, t, "switch_in_atomic")
        self.sched_out(t)
        self.sched_in(t)
        return None

    def op_vmap(self, t, line, vid, n):
        v = self.c["vmap"]
        if t.atomic > 0:
            self.err(line, t, "sleep_in_atomic")
        if self.binds.get(vid) is not None:
            self.err(line, t, "vmap_unknown_id")
        if n == 0:
            v["failures"] += 1
            self.binds[vid] = None
            return None
        s = self.alloc(n + 1)
        if s is None:
            self.purge()
            s = self.alloc(n + 1)
        if s is None:
            v["failures"] += 1
            self.binds[vid] = None
            return None
        v["maps"] += 1
        self.binds[vid] = (s, n)
        self.live += n * 4096
        v["peak_bytes"] = max(v["peak_bytes"], self.live)
        return None

    def op_vunmap(self, t, line, vid):
        v = self.c["vmap"]
        if t.atomic > 0:
            self.err(line, t, "sleep_in_atomic")
        if vid not in self.binds:
            self.err(line, t, "vmap_unknown_id")
            return None
        b = self.binds.pop(vid)
        if b is None:
            return None
        s, n = b
        v["unmaps"] += 1
        self.live -= n * 4096
        self.lazy.append((s, n + 1))
        self.lazy_nr += n + 1
        v["lazy_pages_peak"] = max(v["lazy_pages_peak"], self.lazy_nr)
        if self.lazy_nr > self.p["lazy_max_pages"]:
            self.purge()
        return None

    def finish(self):
        dl = None
        if self.waitq:
            for t in self.waitq:
                self.errors.append(dict(line=t.sleep[1], task=t.name, kind="deadlock"))
            held = {}
            for t in self.order:
                if t.holds or t.asleep:
                    held[t.name] = list(t.holds)
            dl = dict(tasks=[t.name for t in self.waitq], held=held)
        out = dict(self.c)
        out["errors"] = self.errors
        out["deadlock"] = dl
        return out


def num(s):
    return int(s, 16) if s.lower().startswith("0x") else int(s)


def run(path):
    p = dict(DEFAULTS)
    events = []
    for lineno, raw in enumerate(open(path), 1):
        line = raw.rstrip("\r\n")
        s = line.strip()
        if s.startswith("#@"):
            for kv in s[2:].split("#")[0].split():
                k, v = kv.split("=")
                p[k] = num(v)
            continue
        s = s.split("#")[0].strip()
        if not s:
            continue
        w = s.split()
        name, op, rest = w[0], w[1], w[2:]
        if op == "vmap":
            args = (rest[0], num(rest[1]))
        elif op == "vunmap":
            args = (rest[0],)
        elif op == "switch":
            args = ()
        else:
            args = (num(rest[0]),)
        events.append((name, lineno, op, args))
    if p["lazy_max_pages"] is None:
        p["lazy_max_pages"] = fls(p["cpus"]) * 8192
    sys.setrecursionlimit(100000)
    m = Model(p)
    for name, lineno, op, args in events:
        m.submit(name, lineno, op, args)
    out = m.finish()
    out["events"] = len(events)
    return out


def random_trace(seed):
    """A random trace that exercises everything: mostly sensible per-task
    sequences (so that pools fill, tasks sleep, wake and deadlock), with
    mistakes mixed in."""
    r = random.Random(seed)
    L = r.choice([1, 2, 4, 4, 8, 16])
    cpus = r.choice([1, 1, 2, 3, 4])
    km = r.choice([2, 3, 4, 16])
    ntasks = r.randint(1, 7)
    window = r.randint(4, 40)
    lazy = r.randint(0, 12)
    mlp = 1000
    lines = ["# random trace, seed %d" % seed,
             "#@ last_pkmap=%d cpus=%d km_max_idx=%d max_low_pfn=%d" % (L, cpus, km, mlp),
             "#@ vmalloc_start=0x100000 vmalloc_end=%#x lazy_max_pages=%d"
             % (0x100000 + window * 4096, lazy)]
    names = ["T%d" % i for i in range(ntasks)]
    held = {n: [] for n in names}
    local = {n: [] for n in names}
    vids = {n: [] for n in names}
    pages = [mlp + i for i in range(r.randint(2, 3 * L + 4))] + [5, 17]
    for _ in range(r.randint(5, 120)):
        n = r.choice(names)
        x = r.random()
        if x < 0.22:
            p = r.choice(pages)
            lines.append("%s kmap %d" % (n, p))
            held[n].append(p)
        elif x < 0.40:
            if held[n] and r.random() < 0.9:
                p = held[n].pop(r.randrange(len(held[n])))
            else:
                p = r.choice(pages)
            lines.append("%s kunmap %d" % (n, p))
        elif x < 0.52:
            op = r.choice(["kmap_local", "kmap_atomic"])
            p = r.choice(pages)
            lines.append("%s %s %d" % (n, op, p))
            local[n].append((op, p))
        elif x < 0.64:
            if local[n] and r.random() < 0.85:
                op, p = local[n].pop(-1 if r.random() < 0.8 else r.randrange(len(local[n])))
                if r.random() < 0.1:
                    op = "kmap_local" if op == "kmap_atomic" else "kmap_atomic"
            else:
                op, p = r.choice(["kmap_local", "kmap_atomic"]), r.choice(pages)
            lines.append("%s k%s %d" % (n, "un" + op[1:], p))
        elif x < 0.70:
            lines.append("%s touch %d" % (n, r.choice(pages)))
        elif x < 0.76:
            lines.append("%s switch" % n)
        elif x < 0.82:
            lines.append("%s cpu %d" % (n, r.randrange(cpus)))
        elif x < 0.92:
            v = "v%d" % r.randrange(12)
            lines.append("%s vmap %s %d" % (n, v, r.choice([0, 1, 1, 2, 3, 5, 8, 60])))
            vids[n].append(v)
        else:
            v = vids[n].pop() if vids[n] and r.random() < 0.8 else "v%d" % r.randrange(12)
            lines.append("%s vunmap %s" % (n, v))
        if r.random() < 0.05:
            lines.append("   # a comment line")
    return "\n".join(lines) + "\n"


def differences(want, got):
    out = []
    for g in ("pkmap", "local", "atomic", "vmap"):
        if got["counters"][g] != want[g]:
            out.append("counters.%s: model %s, hmplan %s" % (g, want[g], got["counters"][g]))
    we = [(e["line"], e["task"], e["kind"]) for e in want["errors"]]
    ge = [(e["line"], e["task"], e["kind"]) for e in got["errors"]]
    if we != ge:
        out.append("errors: model %s, hmplan %s" % (we[:8], ge[:8]))
    if want["deadlock"] != got["deadlock"]:
        out.append("deadlock: model %s, hmplan %s" % (want["deadlock"], got["deadlock"]))
    if want["events"] != got["events"]:
        out.append("events: model %d, hmplan %d" % (want["events"], got["events"]))
    return out


def compare(hmplan, first, last):
    fd, path = tempfile.mkstemp(suffix=".trace")
    os.close(fd)
    failed = 0
    try:
        for seed in range(first, last):
            with open(path, "w") as f:
                f.write(random_trace(seed))
            p = subprocess.run([hmplan, "replay", "--json", path], capture_output=True, text=True)
            if p.returncode != 0:
                diff = ["exit %d: %s" % (p.returncode, p.stderr.strip())]
            else:
                diff = differences(run(path), json.loads(p.stdout))
            if diff:
                failed += 1
                print("FAIL %d: %s" % (seed, "; ".join(diff)))
            else:
                print("ok %d" % seed)
    finally:
        os.unlink(path)
    return 1 if failed else 0


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--compare":
        return compare(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    if len(sys.argv) == 3 and sys.argv[1] == "--random":
        sys.stdout.write(random_trace(int(sys.argv[2])))
        return 0
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    json.dump(run(sys.argv[1]), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
