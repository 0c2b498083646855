// "Evaluate": play a model of this project that has an ONNX export, greedily,
// on a fixed set of levels. The run is an ordinary rollout (its success rate
// is on the job; its trajectories can be reviewed), with the model recorded
// as its input.
import { useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { GAME_IDS } from '../../../../preload/contract';
import { useOnnxModels } from './useOnnxModels';
import { onnxEvaluateConfig } from './rolloutConfig';
import { useStartJob } from '../../wizard/useStartJob';
import { GameSelect } from '../../wizard/GameSelect';

export function OnnxEvaluate() {
  const models = useOnnxModels();
  const { busy, error, start } = useStartJob();
  const [game, setGame] = useState<(typeof GAME_IDS)[number]>('sokoban');
  const [tasks, setTasks] = useState(16);
  const list = models.data ?? [];
  const evaluate = (artifactId: string, name: string, modelDir: string) =>
    start({ kind: 'rollout.run', step: 'rollout', config: onnxEvaluateConfig(game, tasks, { artifactId, name, modelDir }) });
  return (
    <Box data-testid="onnx-evaluate" sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
      <Typography variant="subtitle2">Evaluate a model with an ONNX export</Typography>
      {list.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          No model of this project has an ONNX export. Import one in the Import card below (kind: ONNX model), or a model folder with an onnx/ sub-folder.
        </Typography>
      ) : (
        <>
          <Box sx={{ display: 'flex', gap: 1.5, flexWrap: 'wrap' }}>
            <GameSelect games={GAME_IDS} value={game} onChange={setGame} />
            <TextField
              label="Levels"
              type="number"
              size="small"
              value={tasks}
              onChange={(e) => setTasks(Number(e.target.value))}
              slotProps={{ htmlInput: { min: 1, 'data-testid': 'onnx-evaluate-tasks' } }}
            />
          </Box>
          {list.map((m) => (
            <Box key={m.artifact.id} sx={{ display: 'flex', gap: 1.5, alignItems: 'center', flexWrap: 'wrap' }}>
              <Typography variant="body2" sx={{ minWidth: 200 }}>
                {m.artifact.name}
              </Typography>
              {m.error ? (
                <Alert severity="warning" sx={{ flex: 1, wordBreak: 'break-word' }}>
                  {m.error}
                </Alert>
              ) : (
                <>
                  <Typography variant="body2" color="text.secondary">
                    {m.variants.join(', ')}
                  </Typography>
                  <Button
                    size="small"
                    variant="outlined"
                    disabled={busy}
                    data-testid={`onnx-evaluate-${m.artifact.name}`}
                    onClick={() => evaluate(m.artifact.id, m.artifact.name, m.artifact.path)}
                  >
                    Evaluate (greedy, seeds from 1 000 000)
                  </Button>
                </>
              )}
            </Box>
          ))}
        </>
      )}
      {(models.error ?? error) && <Alert severity="error">{models.error ?? error}</Alert>}
    </Box>
  );
}
