// Evaluate (Train and Merge steps): checkpoints of runs, the base and the expert on the same held-out
// levels of one game, played by the native engine in one job; below, an evaluation's comparison.
import { useMemo, useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { GAME_IDS, type EvaluationResult, type StepId } from '../../../../preload/contract';
import { useArtifacts } from '../../shared/ArtifactsContext';
import { useStartJob } from '../../wizard/useStartJob';
import { ModelPicker } from '../../wizard/ModelPicker';
import { ArtifactSelect } from '../../wizard/ArtifactSelect';
import { EvaluationTable } from './EvaluationTable';
import { evaluateConfig } from './evaluateConfig';
import { GameSelect } from '../../wizard/GameSelect';

export function EvaluateCard({ step }: { step: StepId }) {
  const bases = useArtifacts(['base-model', 'merged-model']).artifacts;
  const adapters = useArtifacts(['adapter']).artifacts;
  const files = useArtifacts(['file']).artifacts;
  const evaluations = useMemo(() => files.filter((a) => a.meta.evaluation).sort((a, b) => b.createdAt.localeCompare(a.createdAt)), [files]);
  const [base, setBase] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [includeBase, setIncludeBase] = useState(true);
  const [includeExpert, setIncludeExpert] = useState(false);
  const [game, setGame] = useState<(typeof GAME_IDS)[number]>('sokoban');
  const [levels, setLevels] = useState(20);
  const [seed, setSeed] = useState(100_000);
  const [maxTurns, setMaxTurns] = useState('');
  const [maxTokens, setMaxTokens] = useState(500);
  const [shown, setShown] = useState('');
  const { busy, error, fieldErrors, start } = useStartJob();
  const toggle = (id: string) => setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    start({ kind: 'evaluate.run', step, config: evaluateConfig({ base, checkpoints: chosen, includeBase, includeExpert, game, levels, seed, maxTurns, maxTokens }) });
  };
  const result = (evaluations.find((a) => a.id === shown) ?? evaluations[0])?.meta.evaluation as EvaluationResult | undefined;
  return (
    <Box sx={{ display: 'grid', gap: 1.5 }} data-testid={`evaluate-card-${step}`}>
      <Box component="form" onSubmit={submit} noValidate sx={{ display: 'grid', gap: 1.5 }}>
        <ModelPicker id={`evaluate-base-${step}`} label="Base model" artifacts={bases} value={base} onChange={setBase} testId="evaluate-base" error={fieldErrors.baseArtifactId} />
        <Box>
          <Typography variant="caption" color="text.secondary">
            Checkpoints (LoRA adapters played on the base)
          </Typography>
          {adapters.length === 0 && (
            <Typography variant="body2" color="text.secondary">
              No adapters in this project yet: train a run, or import a PEFT adapter.
            </Typography>
          )}
          <Box sx={{ display: 'flex', flexWrap: 'wrap', columnGap: 2 }}>
            {adapters.map((a) => (
              <FormControlLabel
                key={a.id}
                label={a.name}
                control={
                  <Checkbox
                    size="small"
                    checked={chosen.includes(a.id)}
                    onChange={() => toggle(a.id)}
                    slotProps={{ input: { 'data-testid': `evaluate-checkpoint-${a.name}` } as object }}
                  />
                }
              />
            ))}
          </Box>
          <Box sx={{ display: 'flex', flexWrap: 'wrap', columnGap: 2 }}>
            <FormControlLabel label="the base model alone" control={<Checkbox size="small" checked={includeBase} onChange={(e) => setIncludeBase(e.target.checked)} />} />
            <FormControlLabel
              label="the expert (reference)"
              control={
                <Checkbox
                  size="small"
                  checked={includeExpert}
                  onChange={(e) => setIncludeExpert(e.target.checked)}
                  slotProps={{ input: { 'data-testid': 'evaluate-expert' } as object }}
                />
              }
            />
          </Box>
          {fieldErrors.checkpoints && (
            <Typography variant="body2" color="error">
              {fieldErrors.checkpoints}
            </Typography>
          )}
        </Box>
        <Box sx={{ display: 'flex', gap: 1.5, flexWrap: 'wrap' }}>
          <GameSelect games={GAME_IDS} value={game} onChange={setGame} />
          <TextField
            label="Levels"
            type="number"
            size="small"
            value={levels}
            onChange={(e) => setLevels(Number(e.target.value))}
            slotProps={{ htmlInput: { min: 1, 'data-testid': 'evaluate-levels' } }}
          />
          <TextField
            label="Turn limit"
            size="small"
            value={maxTurns}
            onChange={(e) => setMaxTurns(e.target.value)}
            placeholder="the game's"
            slotProps={{ htmlInput: { inputMode: 'numeric', 'data-testid': 'evaluate-max-turns' }, inputLabel: { shrink: true } }}
          />
          <TextField
            label="Max tokens per reply"
            type="number"
            size="small"
            value={maxTokens}
            onChange={(e) => setMaxTokens(Number(e.target.value))}
            slotProps={{ htmlInput: { min: 1, 'data-testid': 'evaluate-max-tokens' } }}
          />
          <TextField
            label="First level seed"
            type="number"
            size="small"
            value={seed}
            onChange={(e) => setSeed(Number(e.target.value))}
            helperText="levels are seeds from here on; rollouts start at 0"
            slotProps={{ htmlInput: { min: 0, 'data-testid': 'evaluate-seed' } }}
          />
        </Box>
        {error && (
          <Alert severity="error" sx={{ wordBreak: 'break-word' }}>
            {error}
          </Alert>
        )}
        <Box>
          <Button type="submit" variant="contained" disabled={busy || !base || (!chosen.length && !includeBase && !includeExpert)} data-testid="evaluate-submit">
            Evaluate (greedy, native engine)
          </Button>
        </Box>
      </Box>
      {evaluations.length > 1 && (
        <ArtifactSelect
          id={`evaluation-shown-${step}`}
          label="Evaluation shown"
          artifacts={evaluations}
          value={shown || evaluations[0]!.id}
          onChange={setShown}
          testId="evaluation-shown"
        />
      )}
      {result && <EvaluationTable result={result} />}
    </Box>
  );
}
