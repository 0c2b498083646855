// The engine process of the engine policy (Rollout and Evaluate): loads one model, keeps a LoRA per
// adapter over its weights, and answers generate calls. Forked per job by engineHost.ts; it exits when
// the app's channel closes, so an orphan never keeps memory or a GPU busy.
import { type Engine, openEngine, type EngineTrainer } from '../../native/engine';
import { nativeCodeOf } from '../../native/nativeError';

type Model = Awaited<ReturnType<Engine['load']>>;
import { type EngineAnswers, type EngineRequest, type FromEngine, isToEngine } from './messages';

const engine = openEngine();
let model: Model | null = null;
const trainers = new Map<string, EngineTrainer>();

const send = (m: FromEngine): void => {
  if (!process.connected || !process.send) return;
  try {
    process.send(m, undefined, {}, () => undefined);
  } catch {
    // the channel closed between the check and the send: the app is gone
  }
};

function loaded(): Model {
  if (!model) throw new Error('no model is loaded in the engine process');
  return model;
}

async function handle(r: EngineRequest): Promise<EngineAnswers[EngineRequest['type']]> {
  switch (r.type) {
    case 'load': {
      if (model) throw new Error('the engine process already holds a model');
      const m = await engine.load(r.modelDir, { dtype: r.dtype, device: r.device });
      model = m;
      return { parameters: m.parameters, weightBytes: m.weightBytes };
    }
    case 'adapter': {
      // The optimizer is never stepped: the trainer is how the engine runs a LoRA over shared weights.
      const optim = { lr: 1e-4, totalSteps: 1 };
      trainers.set(r.key, loaded().createTrainer({ lora: r.lora, optim, ...(r.initAdapter ? { initAdapter: r.initAdapter } : {}) }));
      return null;
    }
    case 'generate': {
      const trainer = trainers.get(r.key);
      if (!trainer) throw new Error(`no adapter '${r.key}' in the engine process`);
      return trainer.generate(r.batch, r.options);
    }
  }
}

process.on('message', (m: unknown) => {
  if (!isToEngine(m)) {
    const id = (m as { id?: unknown } | null)?.id;
    if (typeof id === 'number')
      send({ type: 'answer', id, ok: false, message: `the engine process does not know the request ${JSON.stringify((m as { type?: unknown }).type)}`, code: null });
    return;
  }
  handle(m).then(
    (value) => send({ type: 'answer', id: m.id, ok: true, value }),
    (err: unknown) => {
      // The engine's own code (ENGINE_OUT_OF_MEMORY …), which the handle classes keep as nativeCode.
      const code = nativeCodeOf(err) ?? (err as { code?: unknown } | null)?.code;
      send({ type: 'answer', id: m.id, ok: false, message: err instanceof Error ? err.message : String(err), code: typeof code === 'string' ? code : null });
    },
  );
});
process.on('disconnect', () => process.exit(0));
process.on('error', () => undefined);
send({ type: 'ready', pid: process.pid });
