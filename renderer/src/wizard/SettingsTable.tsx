// A step's settings as the core reports them; read-only until the step's own
// actions arrive.
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { StepInfo } from '../../../preload/contract';

export function SettingsTable({ settings }: { settings: StepInfo['settings'] }) {
  if (settings.length === 0)
    return (
      <Typography variant="body2" color="text.secondary">
        This step has no settings yet.
      </Typography>
    );
  // The container scrolls sideways rather than pushing the page wider in narrow windows.
  return (
    <TableContainer>
      <Table size="small" aria-label="Settings" sx={{ '& code': { wordBreak: 'break-word' } }}>
        <TableHead>
          <TableRow>
            <TableCell scope="col">Setting</TableCell>
            <TableCell scope="col">Value</TableCell>
            <TableCell scope="col">Note</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {settings.map((s) => (
            <TableRow key={s.name}>
              <TableCell component="th" scope="row">
                {s.name}
              </TableCell>
              <TableCell>
                <code>{s.value}</code>
              </TableCell>
              <TableCell sx={{ color: 'text.secondary' }}>{s.note ?? ''}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
