// RL handoff: a merged model and a game → a verl-agent GiGPO launch folder
// (rl.handoff). Only the settings people change most are shown; the rest keep
// the schema's defaults (ARLArena's GiGPO recipe).
import { useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { RL_GAMES, type Params } from '../../../../preload/contract';
import { ArtifactSelect } from '../../wizard/ArtifactSelect';
import { ModelPicker } from '../../wizard/ModelPicker';
import { useArtifacts } from '../../shared/ArtifactsContext';
import { useStartJob } from '../../wizard/useStartJob';
import { fieldError, num } from '../../wizard/fieldError';
import { GIGPO_DEFAULTS, NUMBER_FIELDS, type NumberKey } from './gigpoFields';
import { GameSelect } from '../../wizard/GameSelect';

type Config = Extract<Params<'jobs.start'>, { kind: 'rl.handoff' }>['config'];
type Game = (typeof RL_GAMES)[number];
type Engine = 'vllm' | 'sglang';

const native = (testId: string) => ({ select: { native: true }, htmlInput: { 'data-testid': testId }, inputLabel: { shrink: true } });
const testIdOf = (key: NumberKey) => `rl-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}-input`;
const initialNumbers = () => Object.fromEntries(NUMBER_FIELDS.map(({ key }) => [key, String(GIGPO_DEFAULTS[key])])) as Record<NumberKey, string>;

export function RlForm() {
  const merged = useArtifacts(['merged-model']).artifacts;
  const [model, setModel] = useState('');
  const [game, setGame] = useState<Game>('sokoban');
  const [engine, setEngine] = useState<Engine>(GIGPO_DEFAULTS.rolloutEngine);
  const [numbers, setNumbers] = useState(initialNumbers);
  const { busy, error, fieldErrors, start } = useStartJob();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    // Numbers go as typed: the contract refuses what is out of range (or fails with another setting, as
    // tensor parallelism with the GPUs), naming the field, which is marked below.
    const values = Object.fromEntries(NUMBER_FIELDS.map(({ key }) => [key, num(numbers[key])])) as Record<NumberKey, number>;
    const config: Config = { mergedArtifactId: model, game, rolloutEngine: engine, ...values };
    start({ kind: 'rl.handoff', step: 'rl', config });
  };

  return (
    <Box component="form" onSubmit={submit} noValidate sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr', md: '1fr 1fr 1fr' }, gap: 1.5 }}>
      <Box sx={{ gridColumn: { xs: '1 / -1', md: 'span 2' } }}>
        <ModelPicker
          id="rl-model"
          label="Merged model"
          artifacts={merged}
          value={model}
          onChange={setModel}
          testId="rl-model-select"
          importKind="merged-model"
          error={fieldErrors.mergedArtifactId}
        />
      </Box>
      <GameSelect games={RL_GAMES} value={game} onChange={setGame} testId="rl-game-select" />
      <Typography variant="caption" color="text.secondary" sx={{ gridColumn: '1 / -1' }}>
        Group size: episodes played per level, compared with each other (GiGPO). Env groups per step: levels per training step. Everything else keeps ARLArena's GiGPO defaults,
        written into run_gigpo.sh (which also takes extra key=value overrides).
      </Typography>
      {NUMBER_FIELDS.map(({ key, label }) => (
        <TextField
          key={key}
          label={label}
          size="small"
          value={numbers[key]}
          onChange={(e) => setNumbers({ ...numbers, [key]: e.target.value })}
          {...fieldError(fieldErrors, key)}
          slotProps={{ htmlInput: { inputMode: 'decimal', 'data-testid': testIdOf(key) } }}
        />
      ))}
      <TextField select label="Rollout engine" size="small" value={engine} onChange={(e) => setEngine(e.target.value as Engine)} slotProps={native('rl-engine-select')}>
        <option value="vllm">vLLM</option>
        <option value="sglang">SGLang</option>
      </TextField>
      {error && (
        <Alert severity="error" data-testid="rl-error" sx={{ gridColumn: '1 / -1', wordBreak: 'break-word' }}>
          {error}
        </Alert>
      )}
      <Box sx={{ gridColumn: '1 / -1' }}>
        <Button type="submit" variant="contained" disabled={busy || !model} data-testid="rl-submit">
          Write launch folder
        </Button>
      </Box>
    </Box>
  );
}
