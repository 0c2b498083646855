// vLLM hints on the upload card. vLLM cannot run here, so the rules are checked against its source:
// vllm-project/vllm @ a78dc92f43ae2471dd40675a47079aa1a9a157c1, vllm/config/lora.py:
//   MaxLoRARanks = Literal[1, 8, 16, 32, 64, 128, 256, 320, 512]   (the values --max-lora-rank accepts)
//   enable_tower_connector_lora: bool = False — "LoRA support for the tower (vision encoder) and connector of
//   multimodal models ... experimental ... currently only supports some MM models such as the Qwen VL series"
// and older releases' model manager, which logs "Regarding multimodal models, vLLM currently only supports adding
// LoRA to language model, <module> will be ignored" (e.g. for visual.blocks.N.mlp.up_proj).
import { describe, expect, it } from 'vitest';
import { LORA_TARGETS } from '../../../../preload/contract/train';
import { touchesVisionTower, VLLM_LORA_RANKS, vllmHint, vllmMaxLoraRank } from '../../../../main/core/steps/upload/vllmHints';
import { uploadModelCard } from '../../../../main/core/steps/upload/modelCard';
import type { CardFacts } from '../../../../main/core/steps/upload/cardFacts';

const SEVEN: string[] = [...LORA_TARGETS];

describe('vLLM hints', () => {
  it('rounds r up to the next rank vLLM accepts, and says when r > 512 cannot be served', () => {
    expect([...VLLM_LORA_RANKS]).toEqual([1, 8, 16, 32, 64, 128, 256, 320, 512]);
    const cases: [number, number | null][] = [
      [1, 1],
      [2, 8],
      [8, 8],
      [12, 16],
      [16, 16],
      [24, 32],
      [48, 64],
      [96, 128],
      [200, 256],
      [300, 320],
      [400, 512],
      [512, 512],
      [513, null],
      [1024, null],
    ];
    for (const [r, want] of cases) expect(vllmMaxLoraRank(r), `r=${r}`).toBe(want);
    const h = vllmHint('Qwen/Qwen3-VL-4B-Instruct', 'me/lora', 24, false);
    expect(h.command).toBe('vllm serve Qwen/Qwen3-VL-4B-Instruct --enable-lora --max-lora-rank 32 --lora-modules sft=me/lora');
    expect(h.notes.join(' ')).toContain('`--max-lora-rank` is 32: vLLM takes only 1, 8, 16, 32, 64, 128, 256, 320 or 512, the smallest of them that holds r=24');
    expect(vllmHint('b/m', 'me/lora', 64, false)).toEqual({ command: 'vllm serve b/m --enable-lora --max-lora-rank 64 --lora-modules sft=me/lora', notes: [] });
    const big = vllmHint('b/m', 'me/lora', 1024, false);
    expect(big.command).toBeNull();
    expect(big.notes[0]).toContain('vLLM serves LoRA ranks up to 512');
    expect(big.notes[0]).toContain('r=1024, so serve the merged model instead');
  });

  it('adapters with vision-tower modules get --enable-tower-connector-lora and a note on what older vLLM drops', () => {
    expect(touchesVisionTower(SEVEN)).toBe(false);
    expect(touchesVisionTower(SEVEN, ['base_model.model.model.language_model.layers.0.self_attn.q_proj.lora_A.weight'])).toBe(false);
    expect(touchesVisionTower(SEVEN, ['base_model.model.model.visual.blocks.0.mlp.linear_fc1.lora_A.weight'])).toBe(true);
    expect(touchesVisionTower([...SEVEN, 'qkv'])).toBe(true);
    expect(touchesVisionTower(['.*visual.*(qkv|proj)'])).toBe(true);
    expect(touchesVisionTower(['model.visual.blocks.0.attn.proj'])).toBe(true);
    const h = vllmHint('b/m', 'me/lora', 16, true);
    expect(h.command).toBe('vllm serve b/m --enable-lora --enable-tower-connector-lora --max-lora-rank 16 --lora-modules sft=me/lora');
    expect(h.notes.join(' ')).toContain('vLLM applies LoRA there only with `--enable-tower-connector-lora`');
    expect(h.notes.join(' ')).toContain('serves the language-model part only and ignores the vision modules');
  });

  it('the upload card carries the rounded rank and the vision note', () => {
    const facts: CardFacts = {
      kind: 'adapter',
      artifactName: 'a',
      baseModelId: 'Qwen/Qwen3-VL-4B-Instruct',
      baseModelText: 'Qwen/Qwen3-VL-4B-Instruct',
      lora: { r: 48, alpha: 96, dropout: 0, targets: [...SEVEN, 'qkv'], rslora: false, dora: false, vision: true },
      datasets: [],
      training: null,
      lineage: [],
    };
    const card = uploadModelCard({ facts, repo: 'me/lora', endpoint: 'https://huggingface.co', createdAt: '2026-01-01T00:00:00Z' });
    expect(card).toContain('vllm serve Qwen/Qwen3-VL-4B-Instruct --enable-lora --enable-tower-connector-lora --max-lora-rank 64 --lora-modules sft=me/lora');
    expect(card).toContain('`--max-lora-rank` is 64');
    expect(card).toContain('This adapter also trains vision-tower modules');
    const unservable = uploadModelCard({
      facts: { ...facts, lora: { ...facts.lora!, r: 640, vision: false } },
      repo: 'me/lora',
      endpoint: 'https://huggingface.co',
      createdAt: 'x',
    });
    expect(unservable).not.toContain('vllm serve Qwen');
    expect(unservable).toContain('r=640, so serve the merged model instead');
  });
});
