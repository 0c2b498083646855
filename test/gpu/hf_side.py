"""The transformers + PEFT side of the validation: the fixture's batch through
Qwen3VLForConditionalGeneration with a PEFT adapter (logits, loss, LoRA gradients), and a
train-step worker speaking the same stdin protocol as `studio_engine_run train-loop`
("steps N" -> one JSON line), so the harness can interleave the two.
  python hf_side.py parity --model DIR --inputs FILE [--adapter DIR] --dtypes float32,bfloat16 --device X --attn eager --out DIR
  python hf_side.py train-loop --model DIR --inputs FILE --rank R --dtype D --device X --attn sdpa [--quant nf4-dq]
  python hf_side.py generate --model DIR --inputs FILE [--adapter DIR] --dtypes float32,bfloat16 --device X --max-new N --out DIR
"""
import argparse
import json
import os
import resource
import sys
import time

import torch

TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


def exact_fp32():
    # fp32 parity means fp32: no TF32 in matmuls or in the patch embedding's convolution.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")


def model_class():
    try:
        from transformers import Qwen3VLForConditionalGeneration
    except (ImportError, ModuleNotFoundError):  # the lazy top-level import once failed here; the module itself is the same class
        from transformers.models.qwen3_vl.modeling_qwen3_vl import Qwen3VLForConditionalGeneration
    return Qwen3VLForConditionalGeneration


def load_model(model_dir, dtype, device, attn, quant=None):
    cls = model_class()

    kw = dict(attn_implementation=attn)
    if quant:
        from transformers import BitsAndBytesConfig

        # The engine quantises the text decoder's projections only; keep the vision tower and head in bf16 too.
        kw["quantization_config"] = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=dtype,
                                                       bnb_4bit_use_double_quant=quant == "nf4-dq", llm_int8_skip_modules=["visual", "lm_head"])
        kw["device_map"] = {"": device}
    elif str(device).startswith("cuda"):
        kw["device_map"] = {"": device}  # straight onto the GPU, no host copy of the weights
    # Qwen3-VL arrived in transformers 4.57, which already takes `dtype=`.
    model = cls.from_pretrained(model_dir, dtype=dtype, **kw)
    return model if "device_map" in kw else model.to(device)


def read_batch(path, device):
    from safetensors.torch import load_file

    t = load_file(path)
    keys = ["input_ids", "attention_mask", "labels", "position_ids", "pixel_values", "image_grid_thw"]
    return {k: t[k].to(device) for k in keys if k in t}


def peft_key(param_name):
    # PEFT names a live parameter ...lora_A.default.weight and saves it as ...lora_A.weight.
    return param_name.replace(".default.", ".")


def parity_one(a, dtype_name, with_adapter, out_path):
    from safetensors.torch import save_file

    model = load_model(a.model, DTYPES[dtype_name], a.device, a.attn)
    batch = read_batch(a.inputs, a.device)
    tensors = {}
    if with_adapter:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, a.adapter, is_trainable=True)
        model.train()
        out = model(**batch)
        out.loss.backward()
        for name, p in model.named_parameters():
            if p.requires_grad:
                if p.grad is None:
                    raise RuntimeError(f"no gradient reached {name}")
                tensors["grad." + peft_key(name)] = p.grad.detach().float().cpu().contiguous()
    else:
        model.eval()
        with torch.no_grad():
            out = model(**batch)
    tensors["logits"] = out.logits.detach().float().cpu().contiguous()
    tensors["loss"] = out.loss.detach().double().cpu().reshape(1)
    save_file(tensors, out_path)
    return float(out.loss)


def parity(a):
    """Each dtype, without and with the adapter (when given): <out>/hf-<dtype>-base|lora.safetensors."""
    import transformers

    exact_fp32()
    os.makedirs(a.out, exist_ok=True)
    done = {}
    for dtype_name in a.dtypes.split(","):
        for kind in ["base"] + (["lora"] if a.adapter else []):
            path = os.path.join(a.out, f"hf-{dtype_name}-{kind}.safetensors")
            done[f"{dtype_name}-{kind}"] = parity_one(a, dtype_name, kind == "lora", path)
            print(json.dumps({"wrote": path}), flush=True)
    print(json.dumps({"losses": done, "transformers": transformers.__version__}))


def peak_memory(device):
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    if str(device).startswith("cuda"):
        return torch.cuda.max_memory_allocated(device) / 2**20, torch.cuda.max_memory_reserved(device) / 2**20, rss
    return -1, -1, rss


def train_loop(a):
    from peft import LoraConfig, get_peft_model

    dtype = DTYPES[a.dtype]
    t0 = time.time()
    model = load_model(a.model, dtype, a.device, a.attn, a.quant)
    load_s = time.time() - t0
    cfg = LoraConfig(r=a.rank, lora_alpha=a.alpha or a.rank, lora_dropout=0.0, target_modules=TARGETS, bias="none", task_type="CAUSAL_LM")
    model = get_peft_model(model, cfg)  # adapter weights in fp32 (PEFT's autocast_adapter_dtype), like the engine's
    params = [p for p in model.parameters() if p.requires_grad]
    text_layers = model.base_model.model.config.text_config.num_hidden_layers
    if len(params) != 2 * len(TARGETS) * text_layers:
        raise RuntimeError(f"PEFT adapted {len(params) // 2} modules, expected {len(TARGETS) * text_layers} (the text decoder's projections)")
    model.train()
    opt = torch.optim.AdamW(params, lr=a.lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    batch = dict(read_batch(a.inputs, a.device), use_cache=False)  # training keeps no KV cache (neither does the engine)
    sync = torch.cuda.synchronize if a.device.startswith("cuda") else (lambda: None)
    S = batch["input_ids"].shape[1]
    n_params = sum(p.numel() for p in model.parameters())
    import transformers

    print(json.dumps({"ready": True, "load_s": round(load_s, 2), "seq": S, "parameters": n_params, "transformers": transformers.__version__,
                      "attn": a.attn, "quant": a.quant or "none"}), flush=True)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        if not line.startswith("steps "):
            raise RuntimeError("unknown command: " + line)
        ms, loss = [], 0.0
        for _ in range(int(line[6:])):
            sync()
            s = time.perf_counter()
            opt.zero_grad(set_to_none=True)
            out = model(**batch)
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            loss = out.loss.item()
            sync()
            ms.append((time.perf_counter() - s) * 1000)
        alloc, reserved, rss = peak_memory(a.device)
        print(json.dumps({"step_ms": ms, "loss": loss, "peak_allocated_mb": round(alloc), "peak_reserved_mb": round(reserved), "peak_rss_mb": round(rss)}), flush=True)


def wants_mm_token_type_ids():
    import inspect

    from transformers.models.qwen3_vl import modeling_qwen3_vl

    return "mm_token_type_ids" in inspect.signature(modeling_qwen3_vl.Qwen3VLModel.get_rope_index).parameters


def placeholder_ids(model_dir):
    """The ids the engine never samples (tokens that need pixels): image, video, vision start and end."""
    with open(os.path.join(model_dir, "config.json")) as f:
        c = json.load(f)
    return [c[k] for k in ["image_token_id", "video_token_id", "vision_start_token_id", "vision_end_token_id"] if k in c]


def generate(a):
    """Greedy continuations of the prompt batch (eager attention) per dtype, and, given the engine's tokens
    (--engine-tokens: {dtype: [[...]]}), how far each engine token's logit is below transformers' best at
    that step over the engine's own prefix (teacher-forced), relative to max |logit|: 0 where both pick the
    same token, tiny where they break a near-tie differently (random tiny models repeat and tie a lot)."""
    exact_fp32()
    eos = [int(x) for x in a.stop.split(",") if x]
    engine_tokens = json.loads(a.engine_tokens) if a.engine_tokens else {}
    out, gaps = {}, {}
    for name in a.dtypes.split(","):
        model = load_model(a.model, DTYPES[name], a.device, "eager")
        if a.adapter:
            from peft import PeftModel

            model = PeftModel.from_pretrained(model, a.adapter)
        model.eval()
        batch = read_batch(a.inputs, a.device)
        batch.pop("labels", None)
        positions = batch.pop("position_ids", None)  # generate computes the rope index itself
        if "pixel_values" in batch:
            batch["pixel_values"] = batch["pixel_values"].to(DTYPES[name])
        n = batch["input_ids"].shape[1]
        if "pixel_values" in batch and wants_mm_token_type_ids():
            # transformers 5.x builds the rope index from the processor's modality ids (0 text, 1 image).
            batch["mm_token_type_ids"] = (batch["input_ids"] == placeholder_ids(a.model)[0]).long()
        with torch.no_grad():
            seq = model.generate(**batch, do_sample=False, max_new_tokens=a.max_new, eos_token_id=eos, pad_token_id=a.pad, suppress_tokens=placeholder_ids(a.model),
                                 top_k=None, top_p=None, temperature=None)
            rows = []
            for row in seq[:, n:].tolist():
                kept = []
                for t in row:
                    kept.append(t)
                    if t in eos:
                        break
                rows.append(kept)
            out[name] = rows
            mine = engine_tokens.get(name)
            if mine:
                ids = torch.tensor([mine[0]], device=a.device)
                # The prompt's rope index (the file's), then text positions on from its largest, as generate continues.
                after = positions.max() + 1 + torch.arange(ids.shape[1], device=a.device)
                batch.pop("mm_token_type_ids", None)  # the positions are given
                full = dict(batch, input_ids=torch.cat([batch["input_ids"], ids], 1), attention_mask=torch.ones(1, n + ids.shape[1], dtype=batch["attention_mask"].dtype, device=a.device),
                            position_ids=torch.cat([positions, after.view(1, 1, -1).expand(3, 1, -1)], 2))
                logits = model(**full).logits[0, n - 1 : n - 1 + ids.shape[1]].float()
                logits[:, placeholder_ids(a.model)] = float("-inf")
                best = logits.max(dim=1).values
                picked = logits.gather(1, ids[0].unsqueeze(1)).squeeze(1)
                scale = logits[torch.isfinite(logits)].abs().max()
                gaps[name] = ((best - picked) / scale).tolist()
        del model
        if str(a.device).startswith("cuda"):
            torch.cuda.empty_cache()
    import transformers

    print(json.dumps({"transformers": transformers.__version__, "tokens": out, "gaps": gaps}), flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["parity", "train-loop", "generate"])
    p.add_argument("--model", required=True)
    p.add_argument("--inputs", required=True)
    p.add_argument("--adapter")
    p.add_argument("--dtype", default="float32", choices=list(DTYPES))
    p.add_argument("--device", default="cpu")
    p.add_argument("--attn", default="eager")
    p.add_argument("--out", help="parity: the folder for hf-<dtype>-base|lora.safetensors")
    p.add_argument("--dtypes", default="float32,bfloat16", help="parity: the dtypes to run")
    p.add_argument("--rank", type=int, default=32)
    p.add_argument("--alpha", type=float)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--quant", choices=["nf4", "nf4-dq"])
    p.add_argument("--threads", type=int)
    p.add_argument("--max-new", type=int, default=24, help="generate: new tokens at most")
    p.add_argument("--stop", default="", help="generate: end-of-turn ids, comma-separated")
    p.add_argument("--pad", type=int, default=0, help="generate: the pad id")
    p.add_argument("--engine-tokens", help="generate: the engine's tokens per dtype as JSON, scored by transformers")
    a = p.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    {"parity": parity, "train-loop": train_loop, "generate": generate}[a.mode](a)


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    main()
