// The MUI theme for both modes. System fonts only: the app works offline and
// ships no web fonts.
import { createTheme, type Theme } from '@mui/material/styles';

export type ResolvedMode = 'light' | 'dark';

export function createStudioTheme(mode: ResolvedMode): Theme {
  const theme = createTheme({
    palette: {
      mode,
      primary: { main: mode === 'light' ? '#3f51b5' : '#9fa8da' },
      secondary: { main: mode === 'light' ? '#00897b' : '#80cbc4' },
      background: mode === 'light' ? { default: '#f5f6fa', paper: '#ffffff' } : { default: '#121318', paper: '#1c1d24' },
    },
    shape: { borderRadius: 8 },
    typography: {
      fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
      button: { textTransform: 'none', fontWeight: 600 },
    },
  });
  const ring = `2px solid ${theme.palette.primary.main}`;
  return createTheme(theme, {
    components: {
      // Keyboard users get a clear ring on everything focusable, not only the ripple.
      MuiButtonBase: {
        styleOverrides: { root: { '&.Mui-focusVisible': { outline: ring, outlineOffset: 2 } } },
      },
      MuiCssBaseline: {
        styleOverrides: {
          'a:focus-visible, select:focus-visible, [tabindex]:focus-visible': { outline: ring, outlineOffset: 2 },
          code: { fontFamily: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace', fontSize: '0.85em' },
        },
      },
      // List rows fill their container: draw the ring inside so it is not clipped.
      MuiListItemButton: {
        styleOverrides: { root: { '&.Mui-focusVisible': { outlineOffset: -2 } } },
      },
      MuiPaper: { defaultProps: { elevation: 0 } },
      MuiCard: { defaultProps: { variant: 'outlined' } },
    },
  });
}
