// An adapter the studio trains loads with the real PEFT (0.21, transformers 5.18) by its Hub-id base:
// the tiny base lives in a Hugging Face cache layout under a temporary HF_HOME and the Python side runs
// with HF_HUB_OFFLINE=1, so "TinyOrg/tiny-qwen3vl" resolves from that cache as after a download.
// The studio's side is real too: the base imported from the cache folder gets its Hub id from the
// layout, the engine trains one step and saves adapter_model.safetensors, writeAdapterConfig writes
// the config with that id. Loaded three ways: PeftModel.from_pretrained(base by id, adapter),
// peft.AutoPeftModel.from_pretrained(adapter) and peft.AutoPeftModelForCausalLM.from_pretrained(adapter)
// (peft 0.21 has no AutoPeftModelForImageTextToText; the adapter's auto_mapping names
// Qwen3VLForConditionalGeneration, which both Auto classes build). All three give the engine's logits.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../../main/core/model/chat';
import { collate, encodeConversation } from '../../../../main/core/model/encode';
import { loadTextSide } from '../../../../main/core/model/templateAndTokenizer';
import { engineState } from '../../../../main/core/native/engine';
import { hubIdFromCachePath } from '../../../../main/core/lineage/hubId';
import { writeAdapterConfig } from '../../../../main/core/steps/train/adapterFolder';
import { maxRelErr } from '../../../helpers/compare';
import { readFloatTensors, texturedFrame, writeBatchFile } from '../../../helpers/liveBatch';
import { runPython } from '../../../helpers/python';

const state = engineState();
const root = mkdtempSync(join(tmpdir(), 'studio-peft-hub-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const hfHome = join(root, 'hf');
const REPO = 'TinyOrg/tiny-qwen3vl';
const SHA = '1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c';
const py = <T>(req: Record<string, unknown>) =>
  runPython<T>('peft_hub_loading.py', req, { env: { HF_HOME: hfHome, HF_HUB_OFFLINE: '1' }, timeoutMs: 240_000 }).then((r) => r.result);

const conversation: ChatMessage[] = [
  {
    role: 'user',
    content: [
      { type: 'text', text: 'Board:' },
      { type: 'image', text: null },
      { type: 'text', text: ' Your move?' },
    ],
  },
  { role: 'assistant', content: [{ type: 'text', text: '<think>box left</think><action>left</action>' }] },
];

interface Loaded {
  hf_hub_offline: boolean;
  resolved_config: string | null;
  peft_model: { class: string; base_class: string };
  AutoPeftModel: { class: string; base_class: string; base_name_or_path: string };
  AutoPeftModelForCausalLM: { class: string; base_class: string; base_name_or_path: string };
  adapter_config: Record<string, unknown>;
}

describe('adapters with a Hub-id base load with PEFT', () => {
  it('an engine-trained adapter whose base_model_name_or_path is the cache id loads by id through PeftModel and AutoPeftModel, with the engine’s logits', async () => {
    if (!state.loaded) throw new Error(state.error);
    const engine = state.engine;
    const { dir: snapshot } = await py<{ dir: string }>({ action: 'cache_model', hf_home: hfHome, repo_id: REPO, sha: SHA, seed: 4, layers: 2 });
    expect(hubIdFromCachePath(snapshot)).toBe(REPO);

    const batch = collate([encodeConversation(conversation, [texturedFrame(256, 256, 3)], loadTextSide(snapshot))], 151643);
    const batchFile = join(root, 'batch.safetensors');
    writeBatchFile(batchFile, batch);
    const model = await engine.load(snapshot, { dtype: 'float32' });
    const lora = { r: 8, alpha: 16, seed: 5 };
    const t = engine.createTrainer(model.handle, { lora, optim: { lr: 5e-2, totalSteps: 1, warmupSteps: 0 } });
    await engine.trainStep(t, [batch]); // B leaves zero: the adapter changes the logits
    const ours = (await engine.trainerForward(t, batch)).logits!;
    const adapter = join(root, 'adapter');
    mkdirSync(adapter);
    await engine.saveAdapter(t, join(adapter, 'adapter_model.safetensors'));
    writeAdapterConfig(adapter, lora, hubIdFromCachePath(snapshot)!);

    const out = join(root, 'logits.safetensors');
    const r = await py<Loaded>({ action: 'load', repo_id: REPO, adapter, batch: batchFile, out });
    expect(r.hf_hub_offline).toBe(true);
    expect(r.resolved_config).toBe(join(snapshot, 'config.json'));
    expect(r.adapter_config.base_model_name_or_path).toBe(REPO);
    expect(readFileSync(join(adapter, 'adapter_config.json'), 'utf8')).not.toContain(root);
    expect(r.peft_model).toEqual({ class: 'PeftModel', base_class: 'Qwen3VLForConditionalGeneration' });
    expect(r.AutoPeftModel).toEqual({ class: 'PeftModel', base_class: 'Qwen3VLForConditionalGeneration', base_name_or_path: REPO });
    expect(r.AutoPeftModelForCausalLM).toEqual({ class: 'PeftModelForCausalLM', base_class: 'Qwen3VLForConditionalGeneration', base_name_or_path: REPO });

    const theirs = readFloatTensors(out);
    const err = (k: string) => maxRelErr(ours, theirs.get(k)!.data);
    const measured = { peft_model: err('peft_model'), AutoPeftModel: err('AutoPeftModel'), AutoPeftModelForCausalLM: err('AutoPeftModelForCausalLM'), base_only: err('base_only') };
    console.log(`[artifacts] engine logits vs PEFT loaded by Hub id (max error / max |logit|): ${JSON.stringify(measured)}`);
    expect(measured.peft_model).toBeLessThan(1e-4);
    expect(measured.AutoPeftModel).toBeLessThan(1e-4);
    expect(measured.AutoPeftModelForCausalLM).toBeLessThan(1e-4);
    // The adapter is applied: without it the logits are far from the engine's.
    expect(measured.base_only).toBeGreaterThan(100 * measured.peft_model);
  }, 300_000);
});
