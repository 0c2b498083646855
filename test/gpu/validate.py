"""One-shot validation of the native engine against transformers + PEFT, in timed phases:
build (g++ against this python's torch), parity (the reference fixture, fp32 and bf16: logits,
loss, LoRA gradients), generate (the engine policy's greedy K/V-cache generation against transformers'
generate on the fixture's prompt, base and adapter), speed (LoRA train steps at Qwen3-VL-4B shapes, interleaved with
transformers + PEFT), QLoRA speed (NF4, when bitsandbytes imports), then one summary table.
Every phase has a deadline; what a phase did not reach is listed as such. See README.md."""
import argparse
import json
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

# Limits. fp32: the fixture README's (what the engine reached on CPU, 1e-6 level, with margin).
# bf16, from measurements on this fixture (CPU, torch 2.13, transformers 5.18): engine bf16 against
# transformers bf16 gave logits mean relative error 8.6e-3..9.4e-3, loss 1.2e-4 relative, gradients
# 1.8e-2 relative L2 (worst tensor); transformers' own bf16 against its fp32 gave 1.1e-2..1.2e-2 and
# 2.6e-2. The limits leave ~3-5x room for GPU kernels; NOISE_RATIO asks that the engine's bf16 be no
# further from fp32 than twice transformers' bf16 is (measured 1.0 and 0.9).
FP32 = {"logits_max_rel": 1e-4, "loss_abs": 1e-5, "grad_max_rel": 1e-4}
BF16 = {"logits_mean_rel": 3e-2, "loss_rel": 5e-3, "grad_rel_l2": 1e-1}
NOISE_RATIO = 2.0
# Generation: an engine token may lose to transformers' best by this much of max |logit| (a near-tie).
GEN_GAP = 1e-4


class Phases:
    """Absolute milestones: phase k must end by start + sum(budgets[:k+1]) (time an earlier phase
    left unused goes to the next), and everything by start + total."""

    def __init__(self, budgets, total):
        self.start = time.monotonic()
        self.total = total
        self.ends, acc = {}, 0
        for name, secs in budgets:
            acc += secs
            self.ends[name] = min(acc, total)
        self.current = None

    def begin(self, name):
        self.current = name
        return self.left()

    def left(self):
        return self.start + self.ends[self.current] - time.monotonic()

    def elapsed(self):
        return time.monotonic() - self.start


class OutOfTime(Exception):
    pass


def run(cmd, phases, log, env=None):
    """Runs cmd to completion within the phase's time; its output goes to log; returns its last stdout line as JSON."""
    left = phases.left()
    if left < 5:
        raise OutOfTime(phases.current)
    with open(log, "a") as err:
        err.write("$ " + " ".join(cmd) + "\n")
        err.flush()
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=err, text=True, timeout=left, env=env)
        except subprocess.TimeoutExpired:
            raise OutOfTime(phases.current)
    if p.returncode != 0:
        raise RuntimeError(f"{os.path.basename(cmd[0])} {cmd[1]} exited {p.returncode}; see {log}")
    return json.loads(p.stdout.strip().splitlines()[-1])


class Worker:
    """A train-loop process (engine or transformers) held open: send 'steps N', read one JSON line."""

    def __init__(self, name, cmd, log, phases):
        self.name, self.phases = name, phases
        self.err = open(log, "a")
        self.err.write("$ " + " ".join(cmd) + "\n")
        self.err.flush()
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err, text=True, bufsize=1)
        self.fd, self.buf = self.p.stdout.fileno(), b""
        self.ready = None

    def wait_ready(self):
        self.ready = self.read()
        return self.ready

    def read(self):
        """The next JSON line on its stdout (other lines are skipped), read raw so select() sees every byte."""
        while True:
            while b"\n" not in self.buf:
                left = self.phases.left()
                r, _, _ = select.select([self.fd], [], [], max(0, left))
                if not r:
                    raise OutOfTime(self.phases.current)
                chunk = os.read(self.fd, 1 << 16)
                if not chunk:
                    raise RuntimeError(f"{self.name} exited ({self.p.wait()}); see {self.err.name}")
                self.buf += chunk
            line, self.buf = self.buf.split(b"\n", 1)
            line = line.decode("utf-8", "replace").strip()
            if line.startswith("{"):
                return json.loads(line)

    def steps(self, n):
        self.p.stdin.write(f"steps {n}\n")
        self.p.stdin.flush()
        return self.read()

    def close(self, kill=False):
        try:
            if kill:
                raise TimeoutError
            self.p.stdin.close()
            self.p.wait(timeout=20)
        except Exception:
            self.p.kill()
            self.p.wait()
        self.err.close()


# ---- comparisons --------------------------------------------------------------------

def compare(a, b):
    """a against the reference b (float64): max |d| / max |b|, mean |d| / mean |b|, ||d|| / ||b||."""
    import torch

    a, b = a.double(), b.double()
    d = (a - b).abs()
    eps = 1e-30
    return {"max_rel": float(d.max() / (b.abs().max() + eps)), "mean_rel": float(d.mean() / (b.abs().mean() + eps)),
            "rel_l2": float(torch.linalg.vector_norm(d) / (torch.linalg.vector_norm(b) + eps)), "max_abs": float(d.max())}


def grads_of(t):
    return {k[5:]: v for k, v in t.items() if k.startswith("grad.")}


def compare_grads(a, b):
    ga, gb = grads_of(a), grads_of(b)
    if set(ga) != set(gb):
        missing = sorted(set(gb) ^ set(ga))[:3]
        raise RuntimeError(f"gradient keys differ ({len(ga)} vs {len(gb)}), e.g. {missing}")
    per = {k: compare(ga[k], gb[k]) for k in gb}
    worst_max = max(per, key=lambda k: per[k]["max_rel"])
    worst_l2 = max(per, key=lambda k: per[k]["rel_l2"])
    return {"count": len(per), "max_rel": per[worst_max]["max_rel"], "worst_max_key": worst_max,
            "rel_l2": per[worst_l2]["rel_l2"], "worst_l2_key": worst_l2}


def loss_of(t):
    return float(t["loss"].double().reshape(-1)[0])


# ---- summary ------------------------------------------------------------------------

class Summary:
    def __init__(self):
        self.checks, self.speed, self.notes, self.skipped = [], [], [], []

    def check(self, phase, what, value, limit, ok, info=False):
        status = "ok" if ok else ("differs" if info else "FAIL")
        self.checks.append({"phase": phase, "check": what, "measured": value, "limit": limit, "result": status})
        print(f"  [{status}] {phase}: {what} = {value} (limit {limit})", flush=True)

    def failed(self):
        return any(c["result"] == "FAIL" for c in self.checks)

    def table(self, header):
        lines = [header, "", "Δ = elementwise |engine − reference|; max Δ / max ref: over max |ref|; mean Δ / mean ref: over mean |ref|; ‖Δ‖ / ‖ref‖: relative L2 (worst tensor for gradients).", "",
                 "| phase | check | measured | limit | result |", "| --- | --- | --- | --- | --- |"]
        for c in self.checks:
            lines.append(f"| {c['phase']} | {c['check']} | {c['measured']} | {c['limit']} | {c['result']} |")
        if self.speed:
            lines += ["", "| speed run | engine ms/step | transformers ms/step | engine tok/s | transformers tok/s | transformers/engine time | engine peak MB | transformers peak MB |",
                      "| --- | --- | --- | --- | --- | --- | --- | --- |"]
            for s in self.speed:
                lines.append(f"| {s['run']} | {s['engine_ms']} | {s['hf_ms']} | {s['engine_tps']} | {s['hf_tps']} | {s['ratio']} | {s['engine_peak']} | {s['hf_peak']} |")
        if self.skipped:
            lines += ["", "Not reached / not run:"] + [f"- {s}" for s in self.skipped]
        if self.notes:
            lines += ["", "Notes:"] + [f"- {n}" for n in self.notes]
        return "\n".join(lines) + "\n"


def fmt(x):
    return f"{x:.3g}"


# ---- phases -------------------------------------------------------------------------

def phase_build(a, phases, s, logs):
    if a.runner:
        s.notes.append(f"runner given: {a.runner} (not rebuilt)")
        return a.runner
    phases.begin("build")
    build = a.build_dir or os.path.join(ROOT, "test-output", "gpu-build")
    log = os.path.join(logs, "build.log")
    t = time.monotonic()
    try:
        with open(log, "a") as err:
            p = subprocess.run(["bash", os.path.join(HERE, "build_runner.sh"), build], stdout=err, stderr=err, timeout=max(1, phases.left()),
                               env=dict(os.environ, PYTHON=sys.executable))
    except subprocess.TimeoutExpired:
        raise OutOfTime("build")
    if p.returncode != 0:
        raise RuntimeError(f"build failed; see {log}")
    s.notes.append(f"runner built in {time.monotonic() - t:.0f} s at {build}")
    return os.path.join(build, "studio_engine_run")


def fixture_dir():
    for d in [os.path.join(ROOT, "test", "fixtures", "reference"), os.path.join(ROOT, "..", "shared", "reference"), os.path.join(ROOT, "shared", "reference")]:
        if os.path.exists(os.path.join(d, "inputs", "inputs.safetensors")):
            return os.path.abspath(d)
    raise RuntimeError("no reference fixture (test/fixtures/reference or ../shared/reference)")


def phase_parity(a, phases, s, runner, work, logs):
    from safetensors.torch import load_file

    phases.begin("parity")
    fx = fixture_dir()
    model, inputs, adapter = os.path.join(fx, "checkpoint"), os.path.join(fx, "inputs", "inputs.safetensors"), os.path.join(fx, "lora", "adapter_init")
    ref = load_file(os.path.join(fx, "outputs", "reference.safetensors"))
    log = os.path.join(logs, "parity.log")
    got = {}
    # transformers: all four runs in one process (its import and CUDA start-up cost once).
    info = run([sys.executable, os.path.join(HERE, "hf_side.py"), "parity", "--model", model, "--inputs", inputs, "--adapter", adapter,
                "--device", a.device, "--attn", "eager", "--dtypes", "float32,bfloat16", "--out", work], phases, log)
    s.meta["transformers"] = info.get("transformers")
    for dtype in ["float32", "bfloat16"]:
        for kind in ["base", "lora"]:
            got[("hf", dtype, kind)] = load_file(os.path.join(work, f"hf-{dtype}-{kind}.safetensors"))
    eng = [runner, "parity", "--model", model, "--inputs", inputs, "--device", a.device]
    for dtype in ["float32", "bfloat16"]:
        for kind in ["base", "lora"] + (["lora-ckpt"] if dtype == "float32" else []):
            out = os.path.join(work, f"engine-{dtype}-{kind}.safetensors")
            cmd = eng + ["--dtype", dtype, "--out", out] + (["--adapter", adapter] if kind != "base" else []) + (["--checkpointing"] if kind == "lora-ckpt" else [])
            run(cmd, phases, log)
            got[("engine", dtype, kind)] = load_file(out)
        if dtype == "float32":
            parity_fp32(s, got, ref)
        else:
            parity_bf16(s, got)


def parity_fp32(s, got, ref):
    P = "parity fp32"
    for kind, ref_logits, ref_loss in [("base", "logits", None), ("lora", "logits_lora_init", None)]:
        e, h = got[("engine", "float32", kind)], got[("hf", "float32", kind)]
        c = compare(e["logits"], h["logits"])
        s.check(P, f"{kind} logits max Δ / max ref vs transformers", fmt(c["max_rel"]), FP32["logits_max_rel"], c["max_rel"] <= FP32["logits_max_rel"])
        d = abs(loss_of(e) - loss_of(h))
        s.check(P, f"{kind} loss Δ vs transformers ({loss_of(h):.6f})", fmt(d), FP32["loss_abs"], d <= FP32["loss_abs"])
        # The fixture was made by transformers 4.57.1 on a CPU: both sides against it.
        for side in ["engine", "hf"]:
            c = compare(got[(side, "float32", kind)]["logits"], ref[ref_logits])
            who = "engine" if side == "engine" else "transformers (installed)"
            s.check(P, f"{kind} logits max Δ / max ref, {who} vs fixture (4.57.1 CPU)", fmt(c["max_rel"]), FP32["logits_max_rel"], c["max_rel"] <= FP32["logits_max_rel"], info=side == "hf")
    for kind in ["lora", "lora-ckpt"]:
        g = compare_grads(got[("engine", "float32", kind)], got[("hf", "float32", "lora")])
        label = "LoRA grads" + (" (gradient checkpointing)" if kind == "lora-ckpt" else "")
        s.check(P, f"{label}: worst max Δ / max ref of {g['count']} vs transformers ({g['worst_max_key'].split('model.model.')[-1]})", fmt(g["max_rel"]), FP32["grad_max_rel"], g["max_rel"] <= FP32["grad_max_rel"])
    g = compare_grads(got[("engine", "float32", "lora")], {"grad." + k[5:]: v for k, v in ref.items() if k.startswith("grad.")})
    s.check(P, "LoRA grads: worst max Δ / max ref, engine vs fixture", fmt(g["max_rel"]), FP32["grad_max_rel"], g["max_rel"] <= FP32["grad_max_rel"])


def parity_bf16(s, got):
    P = "parity bf16"
    for kind in ["base", "lora"]:
        e, h, h32 = got[("engine", "bfloat16", kind)], got[("hf", "bfloat16", kind)], got[("hf", "float32", kind)]
        c = compare(e["logits"], h["logits"])
        s.check(P, f"{kind} logits mean Δ / mean ref vs transformers bf16 (max Δ / max ref {fmt(c['max_rel'])})", fmt(c["mean_rel"]), BF16["logits_mean_rel"], c["mean_rel"] <= BF16["logits_mean_rel"])
        d = abs(loss_of(e) - loss_of(h)) / abs(loss_of(h))
        s.check(P, f"{kind} loss Δ / loss vs transformers bf16", fmt(d), BF16["loss_rel"], d <= BF16["loss_rel"])
        # The bf16 noise floor: each side's bf16 logits against transformers' fp32 logits.
        ce, ch = compare(e["logits"], h32["logits"]), compare(h["logits"], h32["logits"])
        r = ce["mean_rel"] / ch["mean_rel"]
        s.check(P, f"{kind} logits vs transformers fp32: engine bf16 mean Δ / mean ref ({fmt(ce['mean_rel'])}) over transformers bf16's ({fmt(ch['mean_rel'])})", fmt(r), NOISE_RATIO, r <= NOISE_RATIO)
    g = compare_grads(got[("engine", "bfloat16", "lora")], got[("hf", "bfloat16", "lora")])
    s.check(P, f"LoRA grads: worst ‖Δ‖ / ‖ref‖ of {g['count']} vs transformers bf16 ({g['worst_l2_key'].split('model.model.')[-1]})", fmt(g["rel_l2"]), BF16["grad_rel_l2"], g["rel_l2"] <= BF16["grad_rel_l2"])
    ge = compare_grads(got[("engine", "bfloat16", "lora")], got[("hf", "float32", "lora")])
    gh = compare_grads(got[("hf", "bfloat16", "lora")], got[("hf", "float32", "lora")])
    r = ge["rel_l2"] / gh["rel_l2"]
    s.check(P, f"LoRA grads vs transformers fp32: engine bf16 worst ‖Δ‖ / ‖ref‖ ({fmt(ge['rel_l2'])}) over transformers bf16's ({fmt(gh['rel_l2'])})", fmt(r), NOISE_RATIO, r <= NOISE_RATIO)


def make_prompt(fx, work):
    """The fixture's first exchange cut before its reply (input_ids up to the first target, its frame's
    patches), as the engine policy's prompt batch."""
    from safetensors.torch import load_file, save_file

    t = load_file(os.path.join(fx, "inputs", "inputs.safetensors"))
    labels = t["short.labels"][0]
    start = int((labels != -100).nonzero()[0])
    grid = t["short.image_grid_thw"]
    patches = int(grid.prod(dim=1).sum())
    out = os.path.join(work, "generate-prompt.safetensors")
    save_file({"input_ids": t["short.input_ids"][:, :start].contiguous(), "attention_mask": t["short.attention_mask"][:, :start].contiguous(),
               "position_ids": t["short.position_ids"][:, :, :start].contiguous(), "pixel_values": t["pixel_values"][:patches].contiguous(),
               "image_grid_thw": grid.contiguous()}, out)
    return out, start


def phase_generate(a, phases, s, runner, work, logs):
    """Greedy generation, engine (studio_engine_run generate: the K/V cache the engine policy uses) against
    transformers' generate (eager, placeholder ids suppressed as the engine bans them), base and with the
    fixture's trained adapter. Random weights repeat and tie, so equal tokens alone would fail on a
    near-tie broken the other way: the check is that each token the engine picked is transformers' best
    at that step over the engine's prefix, within GEN_GAP of max |logit| (fp32); bf16 is information."""
    phases.begin("generate")
    fx = fixture_dir()
    model = os.path.join(fx, "checkpoint")
    prompt, length = make_prompt(fx, work)
    stop = "335,333"  # <|im_end|>, <|endoftext|> of the fixture's tokenizer
    log = os.path.join(logs, "generate.log")
    P = "generate"
    for kind, adapter in [("base", None), ("adapter", os.path.join(fx, "lora", "adapter_step3"))]:
        extra = ["--adapter", adapter] if adapter else []
        mine = {}
        for dtype in ["float32", "bfloat16"]:
            mine[dtype] = run([runner, "generate", "--model", model, "--inputs", prompt, "--device", a.device, "--dtype", dtype, "--max-new", str(a.gen_tokens), "--stop", stop,
                               "--pad", "333", "--out", os.path.join(work, f"engine-generate-{kind}-{dtype}.safetensors")] + extra, phases, log)["tokens"]
        hf = run([sys.executable, os.path.join(HERE, "hf_side.py"), "generate", "--model", model, "--inputs", prompt, "--device", a.device, "--dtypes", "float32,bfloat16",
                  "--max-new", str(a.gen_tokens), "--stop", stop, "--pad", "333", "--engine-tokens", json.dumps(mine)] + extra, phases, log)
        for dtype in ["float32", "bfloat16"]:
            e, h = mine[dtype][0], hf["tokens"][dtype][0]
            same = next((i for i, (x, y) in enumerate(zip(e, h)) if x != y), min(len(e), len(h)))
            gap = max(hf["gaps"][dtype])
            what = f"{kind}: {len(e)} greedy tokens after a {length}-token prompt ({same} equal to transformers' generate); worst (best − engine's) logit / max |logit|"
            if dtype == "float32":
                s.check(P, f"{what}, fp32", fmt(gap), GEN_GAP, gap <= GEN_GAP)
            else:
                s.check(P, f"{what}, bf16", fmt(gap), "information", gap <= BF16["logits_mean_rel"], info=True)


def make_speed_inputs(a, phases, s, work, logs):
    """Random weights at the chosen shapes and the batch, written once per work folder (reused by a rerun)."""
    import torch
    import shapes as sh

    cfg = sh.make_config(sh.SHAPES[a.shapes])
    ckpt = os.path.join(work, f"ckpt-{a.shapes}")
    batch = os.path.join(work, f"batch-{a.shapes}-{a.tokens}.safetensors")
    t = time.monotonic()
    if not os.path.exists(os.path.join(ckpt, "model.safetensors.index.json")):
        n = sh.write_random_checkpoint(ckpt + ".tmp", cfg, dtype=torch.bfloat16, device=a.device)
        os.replace(ckpt + ".tmp", ckpt)
        s.notes.append(f"{a.shapes} checkpoint: {n / 1e9:.3f} B parameters (random, bf16), written in {time.monotonic() - t:.0f} s")
    S = sh.write_batch(batch, cfg, text_tokens=a.tokens, frames=2, frame_px=256)
    return ckpt, batch, S


def phase_speed(a, phases, s, runner, work, logs, quant=None):
    name = "qlora" if quant else "speed"
    phases.begin(name)
    ckpt, batch, S = make_speed_inputs(a, phases, s, work, logs)
    label = f"{a.shapes} {'NF4 (double quant) ' if quant else ''}LoRA r{a.rank}, bf16, {S} tokens (2 frames 256x256)"
    dtype = "bfloat16"
    eng_cmd = [runner, "train-loop", "--model", ckpt, "--inputs", batch, "--rank", str(a.rank), "--dtype", dtype, "--device", a.device]
    hf_cmd = [sys.executable, os.path.join(HERE, "hf_side.py"), "train-loop", "--model", ckpt, "--inputs", batch, "--rank", str(a.rank), "--dtype", dtype, "--device", a.device, "--attn", a.attn]
    if quant:
        eng_cmd += ["--quant", quant]
        hf_cmd += ["--quant", quant]
    hf_ok = True
    if quant:
        try:
            import bitsandbytes  # noqa: F401
        except Exception as e:
            hf_ok = False
            s.skipped.append(f"transformers QLoRA: bitsandbytes does not import ({type(e).__name__}: {e}); engine NF4 timed alone")
    workers = {}
    out_of_time = False
    try:
        # Both load at once (each its own process and memory); then they take turns.
        workers["engine"] = Worker("engine", eng_cmd, os.path.join(logs, f"{name}-engine.log"), phases)
        if hf_ok:
            workers["hf"] = Worker("transformers", hf_cmd, os.path.join(logs, f"{name}-hf.log"), phases)
        for w in workers.values():
            w.wait_ready()
        if a.device == "cuda" and not workers["engine"].ready.get("cuda_available"):
            raise RuntimeError("the runner sees no CUDA device (was it linked against a CPU-only torch?)")
        for w in workers.values():
            w.steps(a.warmup)
        times = {k: [] for k in workers}
        last = {}
        order = list(workers)
        rep_cost = None
        for rep in range(a.reps):
            t = time.monotonic()
            if rep_cost and phases.left() < rep_cost * 1.2:
                s.skipped.append(f"{label}: {a.reps - rep} of {a.reps} timing reps (out of phase time)")
                break
            try:
                for k in (order if rep % 2 == 0 else order[::-1]):  # ABBA: neither side always goes first
                    r = workers[k].steps(a.steps)
                    last[k] = r
                    times[k] += r["step_ms"]
            except OutOfTime:
                s.skipped.append(f"{label}: reps {rep + 1}..{a.reps} of {a.reps} (out of phase time mid-rep)")
                out_of_time = True
                break
            rep_cost = time.monotonic() - t
    finally:
        for w in workers.values():
            w.close(kill=out_of_time or phases.left() < 5)
    if not times.get("engine"):
        raise OutOfTime(name)
    row = {"run": label}
    for k, key in [("engine", "engine"), ("hf", "hf")]:
        if times.get(k):
            med = statistics.median(times[k])
            row[f"{key}_ms"] = f"{med:.1f}"
            row[f"{key}_tps"] = f"{S / (med / 1000):.0f}"
            m = last[k]
            peak = m["peak_allocated_mb"] if m["peak_allocated_mb"] >= 0 else m["peak_rss_mb"]
            row[f"{key}_peak"] = f"{peak:.0f}" + (" (alloc)" if m["peak_allocated_mb"] >= 0 else " (RSS)")
        else:
            row[f"{key}_ms"] = row[f"{key}_tps"] = row[f"{key}_peak"] = "n/a"
    if last["engine"]["peak_allocated_mb"] < 0:
        s.notes.append(f"{label}: peak memory is each process's peak RSS (the Python side's includes the interpreter, torch and transformers), not model memory alone")
    row["ratio"] = f"{float(row['hf_ms']) / float(row['engine_ms']):.2f}" if times.get("hf") else "n/a"
    s.speed.append(row)
    s.notes.append(f"{label}: {len(times['engine'])} timed steps per side after {a.warmup} warm-up; median ms; "
                   f"engine load {workers['engine'].ready['load_s']} s, {workers['engine'].ready['weight_bytes'] / 2**30:.2f} GiB of weights" + (f", transformers load {workers['hf'].ready['load_s']} s ({a.attn} attention)" if "hf" in workers else ""))
    if "hf" in workers and abs(last["engine"]["loss"] - last["hf"]["loss"]) > 0.05 * abs(last["hf"]["loss"]) + 0.05:
        s.notes.append(f"{label}: last losses differ more than expected (engine {last['engine']['loss']:.4f}, transformers {last['hf']['loss']:.4f})")


def write_summary(s, a, phases, out, final):
    header = (f"# Engine validation ({'CPU, small shapes' if a.cpu else 'GPU'}) — {s.meta.get('device')}, torch {s.meta.get('torch')}, "
              f"transformers {s.meta.get('transformers', '?')}, {phases.elapsed():.0f} s" + ("" if final else " (in progress)"))
    text = s.table(header)
    with open(out, "w") as f:
        f.write(text)
    with open(os.path.splitext(out)[0] + ".json", "w") as f:
        json.dump({"meta": s.meta, "checks": s.checks, "speed": s.speed, "skipped": s.skipped, "notes": s.notes, "final": final}, f, indent=1)
    return text


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--cpu", action="store_true", help="CPU, small shapes (what this repository's CI machine can run)")
    p.add_argument("--out", help="summary file (default $OUT/gpu_validation.md, else test-output/gpu-validation/summary.md)")
    p.add_argument("--runner", default=os.environ.get("STUDIO_ENGINE_RUN"), help="an already built studio_engine_run (skips the build)")
    p.add_argument("--build-dir")
    p.add_argument("--work", help="scratch folder (checkpoints, outputs); default a temp folder")
    p.add_argument("--total", type=float, help="seconds for everything (default 510 on GPU, 780 with --cpu)")
    p.add_argument("--attn", default="sdpa", help="transformers attention in the speed runs (parity always uses eager)")
    a = p.parse_args()
    a.device = "cpu" if a.cpu else "cuda"
    a.shapes = "small" if a.cpu else "4b"
    a.tokens = 256 if a.cpu else 1408  # + 2 frames × (64 image + 2 marker tokens)
    a.rank, a.warmup, a.reps, a.steps = 32, (1 if a.cpu else 2), (3 if a.cpu else 4), (2 if a.cpu else 3)
    a.gen_tokens = 24
    budgets = [("build", 420 if a.cpu else 130), ("parity", 150 if a.cpu else 100), ("generate", 90 if a.cpu else 40), ("speed", 150 if a.cpu else 180), ("qlora", 60 if a.cpu else 90)]
    total = a.total or (780 if a.cpu else 510)
    phases = Phases(budgets, total)
    out = a.out or (os.path.join(os.environ["OUT"], "gpu_validation.md") if os.environ.get("OUT") else os.path.join(ROOT, "test-output", "gpu-validation", "summary.md"))
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    logs = os.path.join(os.path.dirname(os.path.abspath(out)), "logs")
    os.makedirs(logs, exist_ok=True)
    work = a.work or tempfile.mkdtemp(prefix="engine-validate-")
    os.makedirs(work, exist_ok=True)
    s = Summary()
    s.meta = {}
    import torch

    s.meta.update(torch=torch.__version__, device=torch.cuda.get_device_name(0) if a.device == "cuda" and torch.cuda.is_available() else "cpu")
    if a.device == "cuda" and not torch.cuda.is_available():
        print("this python's torch sees no CUDA device; use --cpu for the CPU run", file=sys.stderr)
        return 2
    runner = None
    plan = [("build", None), ("parity", None), ("generate", None), ("speed", None), ("qlora", "nf4-dq")]
    for name, quant in plan:
        print(f"== {name} (ends by {phases.ends[name]:.0f} s, now {phases.elapsed():.0f} s)", flush=True)
        if phases.ends[name] - phases.elapsed() < 10:
            s.skipped.append(f"{name}: not started (under 10 s of its time left)")
            continue
        try:
            if name == "build":
                runner = phase_build(a, phases, s, logs)
            elif runner is None:
                s.skipped.append(f"{name}: no runner")
            elif name == "parity":
                phase_parity(a, phases, s, runner, work, logs)
            elif name == "generate":
                phase_generate(a, phases, s, runner, work, logs)
            else:
                phase_speed(a, phases, s, runner, work, logs, quant)
        except OutOfTime:
            s.skipped.append(f"{name}: ran out of its time (phase ends at {phases.ends[name]:.0f} s of {total:.0f}); what it finished is above")
        except Exception as e:
            s.check(name, "phase ran", f"{type(e).__name__}: {e}", "no error", False)
        write_summary(s, a, phases, out, final=False)  # a hard kill later still leaves what was done
    if not a.work:
        shutil.rmtree(work, ignore_errors=True)
    text = write_summary(s, a, phases, out, final=True)
    print("\n" + text)
    print(f"summary written to {out}")
    return 1 if s.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
