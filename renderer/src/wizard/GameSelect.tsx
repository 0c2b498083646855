// The game picker of every form that plays or trains on a game (Rollout, Evaluate, the ONNX evaluation,
// RL hand-off): one list of names a user reads, the ids as the values the contract takes.
import TextField from '@mui/material/TextField';
import type { SxProps, Theme } from '@mui/material/styles';
import type { GAME_IDS } from '../../../preload/contract';

type GameId = (typeof GAME_IDS)[number];

const GAME_LABEL: Record<GameId, string> = {
  sokoban: 'Sokoban (visual)',
  frozenlake: 'FrozenLake',
  points24: 'Points24',
  ezpoints: 'EZPoints',
  numberline: 'NumberLine',
  blackjack: 'Blackjack',
};

interface Props<G extends GameId> {
  games: readonly G[];
  value: G;
  onChange: (game: G) => void;
  testId?: string;
  sx?: SxProps<Theme>;
}

export function GameSelect<G extends GameId>({ games, value, onChange, testId, sx }: Props<G>) {
  return (
    <TextField
      select
      label="Game"
      size="small"
      value={value}
      onChange={(e) => onChange(e.target.value as G)}
      slotProps={{ select: { native: true }, htmlInput: testId ? { 'data-testid': testId } : {}, inputLabel: { shrink: true } }}
      sx={{ minWidth: 200, ...sx }}
    >
      {games.map((g) => (
        <option key={g} value={g}>
          {GAME_LABEL[g]}
        </option>
      ))}
    </TextField>
  );
}
