"""transformers' greedy generate timed on the engine's prompts, for test/bench/evaluate.bench.ts.

Request: {"model": dir, "batches": [safetensors files of one prompt each], "max_new": N, "eos": [ids],
"suppress": [ids], "threads": n}; answer: {"tokens": [[...]], "seconds": [...]} — per prompt the new
tokens up to and including the first EOS and the wall time of its generate call (the model loaded once,
one warm-up call first).
"""
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(__file__))
from engine_parity import load_model, read_batch  # noqa: E402


def main(r):
    torch.set_num_threads(r.get("threads", 1))
    model = load_model(r["model"])
    kw = dict(do_sample=False, max_new_tokens=r["max_new"], eos_token_id=r["eos"], pad_token_id=r["eos"][0], suppress_tokens=r["suppress"] or None, top_k=None, top_p=None, temperature=None)
    tokens, seconds = [], []
    for i, f in enumerate([r["batches"][0]] + r["batches"]):
        batch, _ = read_batch(f)
        batch.pop("labels", None)
        t0 = time.perf_counter()
        with torch.no_grad():
            seq = model.generate(**batch, **kw)
        dt = time.perf_counter() - t0
        if i == 0:
            continue  # warm-up
        new = []
        for t in seq[0, batch["input_ids"].shape[1]:].tolist():
            new.append(t)
            if t in r["eos"]:
                break
        tokens.append(new)
        seconds.append(dt)
    return {"tokens": tokens, "seconds": seconds}


if __name__ == "__main__":
    print(json.dumps(main(json.load(sys.stdin))))
