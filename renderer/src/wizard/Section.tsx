// One titled section of a step page.
import type { ReactNode } from 'react';
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';

interface Props {
  id: string;
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  testId?: string;
}

export function Section({ id, title, subtitle, children, testId }: Props) {
  return (
    <Paper component="section" variant="outlined" aria-labelledby={`${id}-title`} data-testid={testId} sx={{ p: 2 }}>
      <Box sx={{ mb: 1.5 }}>
        <Typography id={`${id}-title`} variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>
          {title}
        </Typography>
        {subtitle && (
          <Typography variant="body2" color="text.secondary">
            {subtitle}
          </Typography>
        )}
      </Box>
      {children}
    </Paper>
  );
}
