// The seven steps in order, as a vertical navigation list.
import Box from '@mui/material/Box';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import type { StepId, StepInfo } from '../../../preload/contract';

interface Props {
  steps: StepInfo[];
  current: StepId | null;
  onSelect: (id: StepId) => void;
}

export function StepNav({ steps, current, onSelect }: Props) {
  return (
    <Box
      component="nav"
      aria-label="Wizard steps"
      sx={{ width: { xs: 196, lg: 232 }, flexShrink: 0, borderRight: 1, borderColor: 'divider', overflow: 'auto', bgcolor: 'background.paper' }}
    >
      <Typography variant="overline" color="text.secondary" sx={{ display: 'block', px: 2, pt: 1.5 }}>
        Pipeline
      </Typography>
      <List dense>
        {steps.map((s) => {
          const selected = s.id === current;
          return (
            <ListItemButton
              key={s.id}
              selected={selected}
              aria-current={selected ? 'step' : undefined}
              aria-keyshortcuts={`Alt+${s.index + 1}`}
              onClick={() => onSelect(s.id)}
              data-testid={`step-${s.id}`}
              title={`${s.summary} (Alt+${s.index + 1})`}
              sx={{ gap: 1.25, py: 1 }}
            >
              <Box
                aria-hidden
                sx={{
                  width: 24,
                  height: 24,
                  borderRadius: '50%',
                  flexShrink: 0,
                  display: 'grid',
                  placeItems: 'center',
                  fontSize: 12,
                  fontWeight: 700,
                  bgcolor: selected ? 'primary.main' : 'action.selected',
                  color: selected ? 'primary.contrastText' : 'text.primary',
                }}
              >
                {s.index + 1}
              </Box>
              <ListItemText primary={s.title} slotProps={{ primary: { sx: { fontWeight: selected ? 700 : 500 } } }} />
            </ListItemButton>
          );
        })}
      </List>
      <Typography variant="caption" color="text.secondary" sx={{ display: 'block', px: 2, pb: 2 }}>
        Alt+1…7 jump to a step, Alt+←/→ previous/next, Alt+J jobs.
      </Typography>
    </Box>
  );
}
