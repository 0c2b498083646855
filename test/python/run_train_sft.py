"""Runs an exported training project's train_sft.py on a tiny Qwen3-VL, for test/unit/steps/train/export/trainSftScript.test.ts.

Request (JSON on stdin): {"export_dir", "model_dir", "check", "out_dir"}
  check "train":  the script's own main() with --max_steps 2 (its train_config.json, base_model pointed at the tiny
                  model): answers the learning rate each optimizer step used, the losses, the steps, and the files of
                  the saved adapter.
  check "labels": the script's load_model() and ChatCollator on the first training rows: answers input_ids and labels
                  per row (the collator's batch, padding removed), and the processor's pixel limits.
AutoProcessor needs torchvision, which this environment lacks (no CPU wheel for its torch), so
AutoProcessor.from_pretrained answers artifact_model.processor() — the same files a Qwen3-VL folder holds, PIL backend.
"""

import importlib.util
import inspect
import json
import os
import sys

import artifact_model


def load_script(export_dir):
    spec = importlib.util.spec_from_file_location("train_sft", os.path.join(export_dir, "train_sft.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def point_at(export_dir, model_dir):
    path = os.path.join(export_dir, "train_config.json")
    with open(path, encoding="utf-8") as f:
        cfg = json.load(f)
    cfg["base_model"] = model_dir
    with open(path, "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=2)


def patch_processor():
    import transformers

    transformers.AutoProcessor.from_pretrained = staticmethod(lambda *a, **k: artifact_model.processor())


def check_train(req, mod):
    import torch
    import trl

    lrs = []
    made = []

    class Recording(trl.SFTTrainer):
        """TRL's trainer as the script builds it, noting the learning rate each optimizer step runs with."""

        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            made.append(self)

        def training_step(self, model, inputs, *a, **k):
            lrs.append(self.optimizer.param_groups[0]["lr"])
            return super().training_step(model, inputs, *a, **k)

    # The script picks processing_class or tokenizer from the signature: keep TRL's.
    Recording.__init__.__signature__ = inspect.signature(trl.SFTTrainer.__init__)
    trl.SFTTrainer = Recording

    # The script targets GPUs (bf16=True); on this CPU-only machine the same settings run with use_cpu.
    base_config = trl.SFTConfig

    def on_cpu(**kwargs):
        return base_config(use_cpu=True, **kwargs)

    trl.SFTConfig = on_cpu
    on_cpu.__dataclass_fields__ = base_config.__dataclass_fields__
    sys.argv = ["train_sft.py", "--max_steps", "2", "--output_dir", req["out_dir"]]
    torch.manual_seed(0)
    mod.main()
    trainer = made[0]
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    return {
        "steps": trainer.state.global_step,
        "lrs": lrs,
        "losses": losses,
        "warmup": {k: getattr(trainer.args, k, None) for k in ("warmup_ratio", "warmup_steps")},
        # What TRL / transformers were actually given, to compare with the Train form's settings.
        "args": {k: str(getattr(getattr(trainer.args, k, None), "value", getattr(trainer.args, k, None))) for k in ("lr_scheduler_type", "weight_decay", "max_grad_norm", "seed", "optim", "bf16", "gradient_checkpointing", "gradient_accumulation_steps", "per_device_train_batch_size", "save_strategy")},
        "accepts_loss_kwargs": trainer.model_accepts_loss_kwargs,
        "adapter_config": json.load(open(os.path.join(req["out_dir"], "adapter_config.json"), encoding="utf-8")),
        "files": sorted(os.listdir(req["out_dir"])),
        "transformers": __import__("transformers").__version__,
    }


def check_labels(req, mod):
    sys.argv = ["train_sft.py"]
    cfg = mod.load_config(mod.parse_args())
    _, processor = mod.load_model(cfg)
    ds = mod.load_split(cfg["train_file"])
    collate = mod.ChatCollator(processor, cfg["loss_on"] == "assistant")
    rows = []
    for i in range(min(len(ds), 4)):
        batch = collate([ds[i]])
        keep = batch["attention_mask"][0].bool()
        rows.append({"input_ids": batch["input_ids"][0][keep].tolist(), "labels": batch["labels"][0][keep].tolist()})
    size = processor.image_processor.size
    return {"rows": rows, "pixels": {"min": size["shortest_edge"], "max": size["longest_edge"]}}


def main():
    req = json.loads(sys.stdin.read())
    artifact_model.build(req["model_dir"])
    point_at(req["export_dir"], req["model_dir"])
    patch_processor()
    mod = load_script(req["export_dir"])
    artifact_model.answer({"train": check_train, "labels": check_labels}[req["check"]](req, mod))


if __name__ == "__main__":
    main()
