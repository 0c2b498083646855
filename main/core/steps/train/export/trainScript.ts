// train_sft.py of an exported training project: TRL's SFTTrainer with a PEFT
// LoRA (or QLoRA) adapter on the studio's 'trl' Parquet (messages + images).
// The script is the same for every export; train_config.json carries the run.
export const TRAIN_SCRIPT = String.raw`#!/usr/bin/env python3
"""LoRA / QLoRA SFT of a Qwen3-VL model on a VLM SFT Studio dataset, with TRL and accelerate.

Written by VLM SFT Studio. Start it through launch.sh (accelerate launch); the settings live in
train_config.json beside this file, and a few can be overridden on the command line:
    bash launch.sh --max_steps 10 --output_dir /scratch/run1
"""
import argparse
import dataclasses
import inspect
import io
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def parse_args():
    p = argparse.ArgumentParser(description="LoRA / QLoRA SFT of a Qwen3-VL model on a VLM SFT Studio dataset")
    p.add_argument("--config", default=str(HERE / "train_config.json"), help="the run's settings (JSON)")
    p.add_argument("--output_dir", help="where checkpoints and the final adapter go")
    p.add_argument("--max_steps", type=int, help="stop after this many optimizer steps")
    p.add_argument("--resume_from_checkpoint", nargs="?", const=True, default=None, help="a checkpoint folder, or the latest one in output_dir")
    return p.parse_args()


def load_config(args):
    path = Path(args.config).resolve()
    if not path.is_file():
        sys.exit(f"train_sft.py: {path} not found")
    cfg = json.loads(path.read_text(encoding="utf-8"))
    if args.output_dir:
        cfg["output_dir"] = args.output_dir
    if args.max_steps is not None:
        cfg["max_steps"] = args.max_steps
    # Paths in the config are relative to it, so the folder can move as a whole.
    for key in ("train_file", "validation_file", "output_dir"):
        if cfg.get(key) and not os.path.isabs(cfg[key]):
            cfg[key] = str(path.parent / cfg[key])
    if not os.path.isfile(cfg["train_file"]):
        sys.exit(f"train_sft.py: the training data {cfg['train_file']} is missing")
    return cfg


def to_pil(image):
    from PIL import Image

    if isinstance(image, Image.Image):
        return image.convert("RGB")
    if isinstance(image, dict) and image.get("bytes") is not None:
        return Image.open(io.BytesIO(image["bytes"])).convert("RGB")
    if isinstance(image, dict) and image.get("path"):
        return Image.open(image["path"]).convert("RGB")
    raise ValueError(f"cannot read an image from a {type(image).__name__}")


def load_split(path):
    from datasets import load_dataset

    ds = load_dataset("parquet", data_files=path, split="train")
    missing = {"messages", "images"} - set(ds.column_names)
    if missing:
        sys.exit(f"train_sft.py: {path} has no {sorted(missing)} column(s); convert the dataset with the 'trl' target")
    return ds.select_columns(["messages", "images"])


class ChatCollator:
    """Renders each conversation with the model's chat template, adds its frames in order, and
    sets the labels: the assistant replies with their end-of-turn token and the newline after it
    (loss_on=assistant), or every token but padding (loss_on=all). Nothing is truncated: that could
    cut image tokens. The assistant header is matched without its newline: a reply that starts with
    "\n" merges with it into one token, which then belongs to the reply (as in the studio's trainer)."""

    def __init__(self, processor, assistant_only):
        self.processor = processor
        self.assistant_only = assistant_only
        tokenizer = processor.tokenizer
        self.header = tokenizer.encode("<|im_start|>assistant", add_special_tokens=False)
        self.end = tokenizer.convert_tokens_to_ids("<|im_end|>")
        self.newline = tokenizer.encode("\n", add_special_tokens=False)

    def assistant_labels(self, seq):
        labels = [-100] * len(seq)
        n = len(self.header)
        i = 0
        while i <= len(seq) - n:
            if seq[i : i + n] != self.header:
                i += 1
                continue
            j = i + n
            # The header's newline alone is not trained; merged with the reply's first characters it is.
            if seq[j : j + 1] == self.newline:
                j += 1
            k = j
            while k < len(seq) and seq[k] != self.end:
                k += 1
            stop = min(k + 1, len(seq))
            if seq[stop : stop + 1] == self.newline:
                stop += 1
            labels[j:stop] = seq[j:stop]
            i = stop
        return labels

    def __call__(self, examples):
        import torch

        texts = [self.processor.apply_chat_template(e["messages"], tokenize=False) for e in examples]
        images = [to_pil(im) for e in examples for im in (e["images"] or [])]
        batch = self.processor(text=texts, images=images or None, padding=True, return_tensors="pt")
        ids = batch["input_ids"]
        if not self.assistant_only:
            labels = ids.clone()
            labels[batch["attention_mask"] == 0] = -100
        else:
            labels = torch.tensor([self.assistant_labels(seq) for seq in ids.tolist()], dtype=ids.dtype)
            labels[batch["attention_mask"] == 0] = -100
        batch["labels"] = labels
        return batch


def apply_pixel_limits(processor, min_pixels, max_pixels):
    """The image size limits the dataset was converted with (its token counts assume them)."""
    if not min_pixels and not max_pixels:
        return
    ip = processor.image_processor
    size = dict(ip.size.items()) if hasattr(ip.size, "items") else {}
    size = {k: v for k, v in size.items() if v is not None}
    if min_pixels:
        size["shortest_edge"] = int(min_pixels)
    if max_pixels:
        size["longest_edge"] = int(max_pixels)
    try:
        ip.size = type(ip.size)(**size)
    except TypeError:
        ip.size = size
    # transformers 4.x also reads these attributes.
    if hasattr(ip, "min_pixels") and min_pixels:
        ip.min_pixels = int(min_pixels)
    if hasattr(ip, "max_pixels") and max_pixels:
        ip.max_pixels = int(max_pixels)


def build_args(cfg, has_eval):
    from trl import SFTConfig

    save_steps = int(cfg.get("save_steps") or 0)  # 0: the final adapter only
    eval_steps = int(cfg.get("eval_steps") or 0)  # 0: one evaluation at the end
    checkpointing = bool(cfg.get("gradient_checkpointing", False))
    wanted = dict(
        output_dir=cfg["output_dir"],
        num_train_epochs=cfg["epochs"],
        max_steps=cfg.get("max_steps") or -1,
        per_device_train_batch_size=cfg["per_device_batch_size"],
        per_device_eval_batch_size=cfg["per_device_batch_size"],
        gradient_accumulation_steps=cfg["grad_accum"],
        learning_rate=cfg["learning_rate"],
        lr_scheduler_type=cfg.get("lr_scheduler", "linear"),
        warmup_steps=int(cfg.get("warmup_steps") or 0),
        weight_decay=cfg.get("weight_decay", 0.0),
        max_grad_norm=cfg.get("max_grad_norm", 1.0),
        optim=cfg.get("optim", "adamw_torch"),
        bf16=cfg.get("dtype", "bfloat16") == "bfloat16",
        gradient_checkpointing=checkpointing,
        logging_steps=1,
        save_strategy="steps" if save_steps > 0 else "no",
        save_total_limit=3,
        eval_strategy="steps" if has_eval and eval_steps > 0 else "no",
        report_to=cfg.get("report_to", "none"),
        seed=cfg["seed"],
        # The collator reads the raw messages and images: keep them, and let TRL skip its own tokenizing.
        remove_unused_columns=False,
        dataset_kwargs={"skip_prepare_dataset": True},
        max_length=None,
        ddp_find_unused_parameters=False,
    )
    if save_steps > 0:
        wanted["save_steps"] = save_steps
    if has_eval and eval_steps > 0:
        wanted["eval_steps"] = eval_steps
    if checkpointing:
        wanted["gradient_checkpointing_kwargs"] = {"use_reentrant": False}
    fields = {f.name for f in dataclasses.fields(SFTConfig)}
    if "eval_strategy" not in fields:  # transformers < 4.41
        wanted["evaluation_strategy"] = wanted.pop("eval_strategy")
    unknown = sorted(k for k in wanted if k not in fields)
    if unknown:
        print(f"train_sft.py: this TRL version has no {unknown}; they keep their defaults", file=sys.stderr)
    return SFTConfig(**{k: v for k, v in wanted.items() if k in fields})


def stop_on_non_finite():
    """A callback that fails the run at a logged NaN/inf training loss (on_non_finite=fail), as the studio does."""
    import math

    from transformers import TrainerCallback

    class StopOnNonFinite(TrainerCallback):
        def on_log(self, args, state, control, logs=None, **kwargs):
            loss = (logs or {}).get("loss")
            if loss is not None and not math.isfinite(loss):
                raise RuntimeError(f"train_sft.py: the loss became {loss} at step {state.global_step}")

    return StopOnNonFinite()


def load_model(cfg):
    import torch
    import transformers
    from accelerate import PartialState
    from packaging import version
    from transformers import AutoModelForImageTextToText, AutoProcessor

    kwargs = {}
    dtype_key = "dtype" if version.parse(transformers.__version__) >= version.parse("4.56.0") else "torch_dtype"
    dtype = torch.bfloat16 if cfg.get("dtype", "bfloat16") == "bfloat16" else torch.float32
    kwargs[dtype_key] = dtype
    sharded = cfg["strategy"] in ("deepspeed-zero3", "fsdp")
    if cfg["qlora"]:
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_use_double_quant=bool(cfg.get("double_quant", True)),
            bnb_4bit_compute_dtype=dtype,
            # ZeRO-3 and FSDP shard parameters of one dtype: store the 4-bit weights as bf16 words.
            bnb_4bit_quant_storage=torch.bfloat16 if sharded else torch.uint8,
        )
        if not sharded:
            kwargs["device_map"] = {"": PartialState().local_process_index}
    model = AutoModelForImageTextToText.from_pretrained(cfg["base_model"], **kwargs)
    model.config.use_cache = False
    processor = AutoProcessor.from_pretrained(cfg["base_model"])
    apply_pixel_limits(processor, cfg.get("min_pixels"), cfg.get("max_pixels"))
    return model, processor


def main():
    args = parse_args()
    cfg = load_config(args)
    from peft import LoraConfig
    from trl import SFTTrainer

    train = load_split(cfg["train_file"])
    val_file = cfg.get("validation_file")
    val = load_split(val_file) if val_file and os.path.isfile(val_file) else None
    if val is not None and len(val) == 0:
        val = None
    # Before the model: under ZeRO-3 the arguments switch on sharded loading.
    training_args = build_args(cfg, val is not None)
    model, processor = load_model(cfg)
    lora = cfg["lora"]
    peft_config = LoraConfig(
        r=lora["r"],
        lora_alpha=lora["alpha"],
        lora_dropout=lora["dropout"],
        target_modules=lora["target_modules"],
        use_rslora=bool(lora.get("use_rslora", False)),
        bias="none",
        task_type="CAUSAL_LM",
    )
    kwargs = dict(
        model=model,
        args=training_args,
        train_dataset=train,
        eval_dataset=val,
        data_collator=ChatCollator(processor, cfg["loss_on"] == "assistant"),
        peft_config=peft_config,
    )
    if cfg.get("on_non_finite", "fail") == "fail":
        kwargs["callbacks"] = [stop_on_non_finite()]
    params = inspect.signature(SFTTrainer.__init__).parameters
    kwargs["processing_class" if "processing_class" in params else "tokenizer"] = processor
    trainer = SFTTrainer(**kwargs)
    # Loss over an accumulated batch: "tokens" counts the target tokens of all its micro-batches (and GPUs) and
    # divides once; "micro-batch" averages each micro-batch's mean, what the Trainer does for Qwen3-VL by itself
    # (its accepts_loss_kwargs is False).
    trainer.model_accepts_loss_kwargs = cfg.get("loss_average", "tokens") == "tokens"
    trainer.train(resume_from_checkpoint=args.resume_from_checkpoint)
    if val is not None and not int(cfg.get("eval_steps") or 0):
        trainer.evaluate()
    if getattr(trainer, "is_fsdp_enabled", False):
        trainer.accelerator.state.fsdp_plugin.set_state_dict_type("FULL_STATE_DICT")
    trainer.save_model(training_args.output_dir)
    if trainer.is_world_process_zero():
        processor.save_pretrained(training_args.output_dir)
        print(f"train_sft.py: adapter saved in {training_args.output_dir}")


if __name__ == "__main__":
    main()
`;
