// The wizard: step navigation beside the current step's page (or the System
// page). The chosen step is remembered by the core (app.setLastStep) so it
// comes back after a reload or a restart.
import { useEffect, useRef, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import CircularProgress from '@mui/material/CircularProgress';
import type { StepId } from '../../../preload/contract';
import { errorText, studio } from '../api/client';
import { useStudioQuery } from '../api/hooks';
import { useStudioApp } from '../shared/AppContext';
import { STEP_PAGES } from '../steps';
import { SystemPage } from '../system/SystemPage';
import { StepNav } from './StepNav';
import { GO_STEP } from '../steps/evaluate/mergeHandoff';

interface Props {
  showSystem: boolean;
  /** Called when a step is picked, so the shell can leave the System page. */
  onStepChosen: () => void;
}

export function Wizard({ showSystem, onStepChosen }: Props) {
  const app = useStudioApp();
  const stepsQuery = useStudioQuery('steps.list', {});
  const steps = stepsQuery.data ?? [];
  const [current, setCurrent] = useState<StepId | null>(app.state.lastStep);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const focusHeading = useRef(false);

  const active = steps.find((s) => s.id === current) ?? steps[0];

  const select = (id: StepId, byKeyboard = false) => {
    focusHeading.current = byKeyboard;
    setCurrent(id);
    onStepChosen();
    if (id !== app.state.lastStep) {
      studio.call('app.setLastStep', { step: id }).then(app.setState, (err: unknown) => setError(errorText(err)));
    }
  };

  // Keyboard: Alt+1..7 jump, Alt+←/→ previous/next (also stops the browser's back/forward).
  const selectRef = useRef(select);
  selectRef.current = select;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || steps.length === 0) return;
      const at = active ? steps.indexOf(active) : 0;
      let target: number | null = null;
      const digit = /^Digit([1-9])$/.exec(e.code);
      if (digit?.[1]) target = Number(digit[1]) - 1;
      else if (e.code === 'ArrowLeft') target = Math.max(0, at - 1);
      else if (e.code === 'ArrowRight') target = Math.min(steps.length - 1, at + 1);
      const step = target === null ? undefined : steps[target];
      if (!step) return;
      e.preventDefault();
      selectRef.current(step.id, true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [steps, active]);

  // A step asks for another (Evaluate's "Merge the best checkpoint").
  useEffect(() => {
    const on = (e: Event) => selectRef.current((e as CustomEvent<StepId>).detail);
    window.addEventListener(GO_STEP, on);
    return () => window.removeEventListener(GO_STEP, on);
  }, []);

  useEffect(() => {
    if (focusHeading.current) heading.current?.focus();
    focusHeading.current = false;
  }, [active?.id, showSystem]);

  const Page = active ? STEP_PAGES[active.id] : null;
  return (
    <Box sx={{ flex: 1, minWidth: 0, display: 'flex' }}>
      <StepNav steps={steps} current={showSystem ? null : (active?.id ?? null)} onSelect={(id) => select(id)} />
      <Box sx={{ flex: 1, minWidth: 0, overflow: 'auto' }}>
        {error && (
          <Alert severity="error" onClose={() => setError(null)} sx={{ m: 2 }}>
            {error}
          </Alert>
        )}
        {stepsQuery.error && (
          <Alert severity="error" sx={{ m: 2 }}>
            {stepsQuery.error}
          </Alert>
        )}
        {showSystem ? (
          <SystemPage />
        ) : Page && active ? (
          <Page key={active.id} step={active} steps={steps} headingRef={heading} />
        ) : (
          !stepsQuery.error && <CircularProgress size={24} sx={{ m: 3 }} aria-label="Loading steps" />
        )}
      </Box>
    </Box>
  );
}
