// Start a rollout: which game, how many tasks × samples, and who plays — the
// built-in expert (no model needed), a model behind an OpenAI-compatible
// endpoint, a local ONNX export run inside the app, or the native engine (a model + adapter).
import { useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import { GAME_IDS } from '../../../../preload/contract';
import { errorText, studio } from '../../api/client';
import { useStartJob } from '../../wizard/useStartJob';
import { DEFAULT_ONNX_FIELDS, OnnxPolicyFields, type OnnxFields } from './OnnxPolicyFields';
import { DEFAULT_ENGINE_FIELDS, EnginePolicyFields, type EngineFields } from './EnginePolicyFields';
import { gameSettings, rolloutConfig, type PolicyKind, type RolloutFields } from './rolloutConfig';
import { GameSelect } from '../../wizard/GameSelect';

function NumberField({
  label,
  value,
  onChange,
  testId,
  min = 0,
  step = 1,
  error,
}: {
  label: string;
  value: number;
  onChange: (v: number) => void;
  testId: string;
  min?: number;
  step?: number;
  error?: string;
}) {
  return (
    <TextField
      label={label}
      type="number"
      size="small"
      value={value}
      onChange={(e) => onChange(Number(e.target.value))}
      error={Boolean(error)}
      helperText={error}
      slotProps={{ htmlInput: { min, step, 'data-testid': testId } }}
    />
  );
}

export function RolloutForm() {
  const { busy, error, fieldErrors, start } = useStartJob();
  // The contract's refusal by field path (tasks, policy.baseUrl, …): that field is drawn red with the reason under it.
  const fe = (path: string) => fieldErrors[path];
  const [game, setGame] = useState<(typeof GAME_IDS)[number]>('sokoban');
  const [tasks, setTasks] = useState(16);
  const [samples, setSamples] = useState(1);
  const [seed, setSeed] = useState(0);
  const [concurrency, setConcurrency] = useState(4);
  const [history, setHistory] = useState(0);
  const [policy, setPolicy] = useState<PolicyKind>('expert');
  const [engine, setEngine] = useState<EngineFields>(DEFAULT_ENGINE_FIELDS);
  const [onnx, setOnnx] = useState<OnnxFields>(DEFAULT_ONNX_FIELDS);
  const [baseUrl, setBaseUrl] = useState('http://127.0.0.1:8000/v1');
  const [model, setModel] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [temperature, setTemperature] = useState(0.4);
  const [topP, setTopP] = useState(1);
  const [maxTokens, setMaxTokens] = useState(500);
  const [retries, setRetries] = useState(3);
  const [timeoutS, setTimeoutS] = useState(120);
  const [settingsText, setSettingsText] = useState('');
  const [settingsError, setSettingsError] = useState<string | null>(null);
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [probe, setProbe] = useState<{ ok: boolean; message: string } | null>(null);
  const [probing, setProbing] = useState(false);
  // "Test connection": is anything listening, does it serve the model, does it answer (core: rollout.testEndpoint).
  const testConnection = () => {
    setProbing(true);
    setProbe(null);
    studio
      .call('rollout.testEndpoint', { baseUrl: baseUrl.trim(), model: model.trim(), ...(apiKey ? { apiKey } : {}), timeoutMs: Math.round(Math.min(timeoutS, 120) * 1000) })
      .then(
        (r) => setProbe({ ok: r.ok, message: r.message }),
        (err: unknown) => setProbe({ ok: false, message: errorText(err) }),
      )
      .finally(() => setProbing(false));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    // Game settings (room size, boxes, turns, …) as JSON; the core checks each field against the game's schema.
    const settings = gameSettings(settingsText);
    if (!settings.ok) {
      setSettingsError(`Game settings: ${settings.message}`);
      setJsonError(`must be a JSON object: ${settings.message}`);
      return;
    }
    setSettingsError(null);
    setJsonError(null);
    const fields: RolloutFields = {
      game,
      tasks,
      samples,
      seed,
      concurrency,
      history,
      settingsText,
      policy,
      engine,
      onnx,
      openai: { baseUrl, model, apiKey, retries, timeoutS },
      sampling: { temperature, topP, maxTokens },
    };
    start({ kind: 'rollout.run', step: 'rollout', config: rolloutConfig(fields, settings.settings) });
  };

  return (
    <Box component="form" onSubmit={submit} noValidate sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }}>
      <Box sx={{ display: 'flex', gap: 1.5, flexWrap: 'wrap' }}>
        <GameSelect games={GAME_IDS} value={game} onChange={setGame} testId="rollout-game-select" />
        <NumberField label="Tasks (levels)" value={tasks} onChange={setTasks} testId="rollout-tasks" min={1} error={fe('tasks')} />
        <NumberField label="Samples per task" value={samples} onChange={setSamples} testId="rollout-samples" min={1} error={fe('samplesPerTask')} />
        <NumberField label="Seed" value={seed} onChange={setSeed} testId="rollout-seed" error={fe('seed')} />
        <NumberField label="In parallel" value={concurrency} onChange={setConcurrency} testId="rollout-concurrency" min={1} error={fe('concurrency')} />
        <NumberField label="History turns in prompt" value={history} onChange={setHistory} testId="rollout-history" error={fe('historyTurns')} />
      </Box>
      <TextField
        label="Game settings (JSON, optional)"
        size="small"
        value={settingsText}
        onChange={(e) => setSettingsText(e.target.value)}
        placeholder={game === 'sokoban' ? '{"rows": 6, "cols": 6, "boxes": 1, "maxTurns": 15}' : '{"maxTurns": 15}'}
        error={Boolean(jsonError ?? fe('settings'))}
        helperText={jsonError ?? fe('settings') ?? "Empty: the game's defaults (Sokoban: 6×6 room, 1 box, 15 turns, search depth 30)."}
        slotProps={{ htmlInput: { 'data-testid': 'rollout-settings' } }}
      />
      <TextField
        select
        label="Who plays"
        size="small"
        value={policy}
        onChange={(e) => setPolicy(e.target.value as typeof policy)}
        slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'rollout-policy-select' } }}
        sx={{ alignSelf: 'flex-start', maxWidth: '100%' }}
      >
        <option value="expert">Built-in expert (optimal play, no model needed)</option>
        <option value="openai">A model behind an OpenAI-compatible endpoint</option>
        <option value="onnx">A local ONNX model (runs in the app, no server)</option>
        <option value="engine">The engine (a base model, + adapter)</option>
      </TextField>
      {policy === 'engine' && <EnginePolicyFields value={engine} onChange={setEngine} errors={fe} />}
      {(policy === 'onnx' || policy === 'engine') && (
        <>
          {policy === 'onnx' && <OnnxPolicyFields value={onnx} onChange={setOnnx} onError={setSettingsError} />}
          <Box sx={{ display: 'flex', gap: 1.5, flexWrap: 'wrap' }}>
            <NumberField label="Temperature (0 = greedy)" value={temperature} onChange={setTemperature} testId="rollout-temperature" step={0.1} error={fe('policy.temperature')} />
            <NumberField label="top_p" value={topP} onChange={setTopP} testId="rollout-top-p" step={0.05} error={fe('policy.topP')} />
            <NumberField label="Max new tokens" value={maxTokens} onChange={setMaxTokens} testId="rollout-max-tokens" min={1} error={fe('policy.maxTokens')} />
          </Box>
        </>
      )}
      {policy === 'openai' && (
        <Box sx={{ display: 'flex', gap: 1.5, flexWrap: 'wrap' }}>
          <TextField
            label="Base URL"
            size="small"
            value={baseUrl}
            onChange={(e) => setBaseUrl(e.target.value)}
            sx={{ minWidth: 280 }}
            error={Boolean(fe('policy.baseUrl'))}
            helperText={fe('policy.baseUrl')}
            slotProps={{ htmlInput: { 'data-testid': 'rollout-base-url' } }}
          />
          <TextField
            label="Model"
            size="small"
            value={model}
            onChange={(e) => setModel(e.target.value)}
            error={Boolean(fe('policy.model'))}
            helperText={fe('policy.model')}
            slotProps={{ htmlInput: { 'data-testid': 'rollout-model' } }}
          />
          <TextField label="API key (not stored)" size="small" type="password" value={apiKey} onChange={(e) => setApiKey(e.target.value)} autoComplete="off" />
          <NumberField label="Temperature" value={temperature} onChange={setTemperature} testId="rollout-temperature" step={0.1} error={fe('policy.temperature')} />
          <NumberField label="top_p" value={topP} onChange={setTopP} testId="rollout-top-p" step={0.05} error={fe('policy.topP')} />
          <NumberField label="Max new tokens" value={maxTokens} onChange={setMaxTokens} testId="rollout-max-tokens" min={1} error={fe('policy.maxTokens')} />
          <NumberField label="Retries" value={retries} onChange={setRetries} testId="rollout-retries" error={fe('policy.retries')} />
          <NumberField
            label="Timeout (s)"
            value={timeoutS}
            onChange={setTimeoutS}
            testId="rollout-timeout"
            min={1}
            error={fe('policy.timeoutMs') && 'must be from 1 to 3600 seconds'}
          />
          <Button variant="outlined" size="small" onClick={testConnection} disabled={probing || !baseUrl.trim() || !model.trim()} data-testid="rollout-test-connection">
            {probing ? 'Testing…' : 'Test connection'}
          </Button>
          {probe && (
            <Alert severity={probe.ok ? 'success' : 'error'} data-testid="rollout-test-result" sx={{ flexBasis: '100%', wordBreak: 'break-word' }}>
              {probe.message}
            </Alert>
          )}
        </Box>
      )}
      {(settingsError ?? error) && (
        <Alert severity="error" data-testid="rollout-error" sx={{ wordBreak: 'break-word' }}>
          {settingsError ?? error}
        </Alert>
      )}
      <Box>
        <Button type="submit" variant="contained" disabled={busy} data-testid="rollout-submit">
          Start rollout
        </Button>
      </Box>
    </Box>
  );
}
