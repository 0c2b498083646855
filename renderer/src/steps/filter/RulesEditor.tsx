// The filter rules as a form; every change re-counts what passes (debounced
// by the caller). Empty fields mean "no rule".
import Box from '@mui/material/Box';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import TextField from '@mui/material/TextField';
import type { FilterRules } from '../../../../preload/contract';

type NumKey = 'minTaskScore' | 'minReturn' | 'maxReturn' | 'minLength' | 'maxLength' | 'minFormatValidRatio' | 'maxInvalidActions';
const NUMBERS: [NumKey, string][] = [
  ['minTaskScore', 'Task score ≥'],
  ['minReturn', 'Return ≥'],
  ['maxReturn', 'Return ≤'],
  ['minLength', 'Turns ≥'],
  ['maxLength', 'Turns ≤'],
  ['minFormatValidRatio', 'Format-valid ratio ≥'],
  ['maxInvalidActions', 'Invalid actions ≤'],
];

export function RulesEditor({ rules, onChange }: { rules: FilterRules; onChange: (r: FilterRules) => void }) {
  const setNum = (k: NumKey, text: string): void => {
    const next = { ...rules };
    if (text.trim() === '' || !Number.isFinite(Number(text))) delete next[k];
    else next[k] = Number(text);
    onChange(next);
  };
  return (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1.5, alignItems: 'center' }}>
      <FormControlLabel
        control={
          <Checkbox
            checked={rules.success === true}
            onChange={(e) => onChange({ ...rules, success: e.target.checked ? true : undefined })}
            slotProps={{ input: { 'data-testid': 'rule-success' } as object }}
          />
        }
        label="Succeeded"
      />
      <FormControlLabel
        control={
          <Checkbox
            checked={rules.dropDuplicates === true}
            onChange={(e) => onChange({ ...rules, dropDuplicates: e.target.checked ? true : undefined })}
            slotProps={{ input: { 'data-testid': 'rule-dedup' } as object }}
          />
        }
        label="Drop duplicates (same actions, same level)"
      />
      {NUMBERS.map(([k, label]) => (
        <TextField
          key={k}
          label={label}
          size="small"
          type="number"
          sx={{ width: 190 }}
          value={rules[k] ?? ''}
          onChange={(e) => setNum(k, e.target.value)}
          slotProps={{ htmlInput: { 'data-testid': `rule-${k}`, step: k === 'minFormatValidRatio' ? 0.05 : 1 } }}
        />
      ))}
      <TextField
        label="Games (comma-separated)"
        size="small"
        sx={{ width: 270 }}
        value={(rules.games ?? []).join(', ')}
        onChange={(e) => {
          const games = e.target.value
            .split(',')
            .map((g) => g.trim())
            .filter(Boolean);
          onChange({ ...rules, games: games.length ? games : undefined });
        }}
      />
    </Box>
  );
}
