"""The studio's Parquet read by the tools our users read it with, for test/unit/steps/convert/parquetInTools.test.ts.

Request (JSON on stdin): {"check": ..., ...}
  build_model: {"model_dir"}  saves the tiny Qwen3-VL of artifact_model.py there.
  datasets:    {"files": [...], "cache_dir"}  datasets.load_dataset("parquet") per file: the features it chose and,
               per row, each image as the loader returned it (type, and for PIL images size and the top-left pixel).
  verl_images: {"file", "cache_dir"}  the verl rows' images through qwen-vl-utils as verl-agent and ARLArena call it
               (see process_like_verl below), from load_dataset (what verl's RLHFDataset uses) and, for contrast,
               from the raw Arrow structs (what a file without matching features would give).
  sft_plain:   {"train_file", "model_dir", "cache_dir", "out_dir"}  plain TRL: SFTTrainer with its own default
               (vision) collator, 2 optimizer steps on a tiny Qwen3-VL; answers the logged losses.
  arlarena:    {"file"}  pandas.read_parquet, then the fields ARLArena's notebook dataset walks
               (recipe/game_agent/multiturn_sft_mm_dataset.py, feat/VLM @1ff2026): turns -> user/assistant messages,
               images {format: png_base64, data} base64-decoded to PIL, plus each turn's own frame.
"""

import base64
import io
import json
import os
import sys

from artifact_model import answer


def image_facts(im):
    from PIL import Image

    if isinstance(im, Image.Image):
        rgb = im.convert("RGB")
        return {"type": "PIL", "size": list(rgb.size), "pixel": list(rgb.getpixel((0, 0)))}
    return {"type": type(im).__name__, "keys": sorted(im.keys()) if isinstance(im, dict) else None}


def load(file, cache_dir):
    from datasets import load_dataset

    return load_dataset("parquet", data_files={"train": file}, split="train", cache_dir=cache_dir)


def check_datasets(req):
    out = []
    for f in req["files"]:
        ds = load(f, req["cache_dir"])
        out.append({
            "file": f,
            "columns": ds.column_names,
            "images_feature": repr(ds.features["images"]),
            "rows": [{"images": [image_facts(im) for im in row["images"]]} for row in ds],
        })
    return {"files": out}


def import_fetch_image():
    """qwen-vl-utils 0.0.14 imports torchvision at module level for its video readers; fetch_image itself uses only
    PIL. No CPU torchvision wheel matches the suite's torch here, so where it is missing a bare stand-in module lets
    the package import (a video call would fail; none is made)."""
    import importlib.util
    import types

    stand_in = importlib.util.find_spec("torchvision") is None and "qwen_vl_utils" not in sys.modules
    if stand_in:
        tv = types.ModuleType("torchvision")
        tv.__version__ = "0.0.0"
        tv.io = types.ModuleType("torchvision.io")
        tv.transforms = types.ModuleType("torchvision.transforms")
        tv.transforms.InterpolationMode = type("InterpolationMode", (), {"BICUBIC": "bicubic"})
        sys.modules.update({"torchvision": tv, "torchvision.io": tv.io, "torchvision.transforms": tv.transforms})
    from qwen_vl_utils import fetch_image

    if stand_in:  # gone again, so nothing else takes it for a real torchvision
        for name in ("torchvision", "torchvision.io", "torchvision.transforms"):
            sys.modules.pop(name, None)
    return fetch_image


def process_like_verl(image, opens_bytes):
    """The call verl makes per image before its processor (verl/utils/dataset/vision_utils.py::process_image).
    verl-agent (langfengQ/verl-agent @16989b0, 2025-07-02) passes a dict's bytes to fetch_image as a BytesIO;
    ARLArena (feat/VLM @1ff2026) opens them with PIL first. A PIL image is converted to RGB in both."""
    from PIL import Image

    fetch_image = import_fetch_image()
    if isinstance(image, Image.Image):
        return image.convert("RGB")
    ele = dict(image)
    ele["image"] = Image.open(io.BytesIO(ele["bytes"])) if opens_bytes else io.BytesIO(ele["bytes"])
    return fetch_image(ele)


def check_verl_images(req):
    import pyarrow.parquet as pq

    ds = load(req["file"], req["cache_dir"])
    raw = pq.read_table(req["file"]).column("images").to_pylist()
    res = {}
    for name, rows in (("datasets", [r["images"] for r in ds]), ("raw", raw)):
        for who, opens in (("verl_agent", False), ("arlarena", True)):
            try:
                imgs = [process_like_verl(im, opens) for row in rows for im in row]
                res[f"{name}/{who}"] = {"ok": True, "sizes": [list(i.size) for i in imgs], "modes": sorted({i.mode for i in imgs})}
            except Exception as e:  # the test compares the failure too
                res[f"{name}/{who}"] = {"ok": False, "error": f"{type(e).__name__}: {e}"}
    return res


def check_sft_plain(req):
    import artifact_model
    from trl import SFTConfig, SFTTrainer
    from transformers import AutoModelForImageTextToText

    artifact_model.build(req["model_dir"])
    ds = load(req["train_file"], req["cache_dir"])
    model = AutoModelForImageTextToText.from_pretrained(req["model_dir"])
    args = SFTConfig(
        output_dir=req["out_dir"], max_steps=2, per_device_train_batch_size=2, learning_rate=1e-3, logging_steps=1,
        save_strategy="no", report_to="none", use_cpu=True, max_length=None, seed=0,
    )
    # The model's processor as AutoProcessor would load it (it needs torchvision here; see artifact_model).
    trainer = SFTTrainer(model=model, args=args, train_dataset=ds, processing_class=artifact_model.processor())
    collator = type(trainer.data_collator).__name__
    result = trainer.train()
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    return {"collator": collator, "steps": result.global_step, "losses": losses}


def check_arlarena(req):
    import pandas as pd
    from PIL import Image

    df = pd.read_parquet(req["file"])
    rows = []
    for _, row in df.iterrows():
        messages = []
        frames = []
        for turn in row["turns"]:
            for m in turn["inputs"]:
                messages.append({"role": m["role"], "content": m["content"]})
            messages.append({"role": "assistant", "content": turn["outputs"]})
            img = turn.get("image")
            frames.append(None if img is None else image_facts(Image.open(io.BytesIO(base64.b64decode(img["data"])))))
        first = row["images"]
        rows.append({
            "sample_idx": int(row["sample_idx"]),
            "task_score": float(row["task_score"]),
            "source_file": row["__source_file__"],
            "messages": messages,
            "first_image": {"format": first["format"], **image_facts(Image.open(io.BytesIO(base64.b64decode(first["data"]))))},
            "turn_frames": frames,
        })
    return {"dtypes": {k: str(v) for k, v in df.dtypes.items()}, "unique_sample_idx": bool(df["sample_idx"].is_unique), "rows": rows}


def main():
    req = json.loads(sys.stdin.read())
    checks = {"build_model": lambda r: {"model_dir": __import__("artifact_model").build(r["model_dir"])}, "datasets": check_datasets, "verl_images": check_verl_images, "sft_plain": check_sft_plain, "arlarena": check_arlarena}
    answer(checks[req["check"]](req))


if __name__ == "__main__":
    main()
