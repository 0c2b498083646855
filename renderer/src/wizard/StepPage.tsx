// The common layout of every wizard step: what it does, its actions (or
// plainly what is not built yet), inputs, import, settings, jobs and outputs.
// Step folders (src/steps/<id>/) wrap this and pass their own actions.
import type { ReactNode, Ref } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { StepInfo } from '../../../preload/contract';
import { ArtifactsByKind } from './ArtifactsByKind';
import { ImportForm } from './ImportForm';
import { KIND_LABEL, whoProduces } from './kindLabels';
import { Section } from './Section';
import { SettingsTable } from './SettingsTable';
import { StepJobs } from './StepJobs';

export interface StepPageProps {
  step: StepInfo;
  /** All steps, to say which one produces a missing input. */
  steps: StepInfo[];
  /** Focused when the user jumps here by keyboard. */
  headingRef?: Ref<HTMLHeadingElement>;
}

interface LayoutProps extends StepPageProps {
  /** The step's own actions; none until its issue lands. */
  actions?: ReactNode;
}

export function StepPage({ step, steps, headingRef, actions }: LayoutProps) {
  const canImport = step.jobKinds.includes('artifact.import') && step.inputs.length > 0;
  const s = `step-${step.id}`;
  return (
    <Box data-testid={`step-page-${step.id}`} sx={{ p: { xs: 2, md: 3 }, maxWidth: 1100 }}>
      <Typography variant="overline" color="text.secondary">
        Step {step.index + 1} of {steps.length}
      </Typography>
      <Typography variant="h5" component="h2" ref={headingRef} tabIndex={-1} sx={{ outline: 'none', mb: 0.5 }}>
        {step.title}
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 2.5 }}>
        {step.summary}
      </Typography>
      <Stack spacing={2}>
        {(actions || step.pending) && (
          <Section id={`${s}-actions`} title="Actions">
            <Stack spacing={1.5}>
              {step.pending && (
                <Alert severity="info" data-testid="step-pending">
                  {step.pending}
                </Alert>
              )}
              {actions}
            </Stack>
          </Section>
        )}
        <Section id={`${s}-inputs`} title="Inputs" subtitle={step.inputs.length ? 'Artifacts of this project this step reads.' : undefined}>
          {step.inputs.length ? (
            <ArtifactsByKind groups={step.inputs.map((i) => ({ kind: i.kind, label: i.label, required: i.required, emptyText: whoProduces(i.kind, steps, canImport) }))} />
          ) : (
            <Typography variant="body2" color="text.secondary">
              This step starts the pipeline: it reads no artifacts from earlier steps.
            </Typography>
          )}
        </Section>
        {canImport && (
          <Section id={`${s}-import`} title="Import" subtitle="Register a file or folder you already have as an input of this step. It is checked and hashed by a job.">
            <ImportForm step={step} />
          </Section>
        )}
        <Section id={`${s}-settings`} title="Settings">
          <SettingsTable settings={step.settings} />
        </Section>
        <Section id={`${s}-jobs`} title="Jobs of this step">
          <StepJobs step={step.id} />
        </Section>
        <Section id={`${s}-outputs`} title="Outputs">
          {step.outputs.length ? (
            <ArtifactsByKind
              groups={step.outputs.map((k) => ({ kind: k, label: `Produced ${KIND_LABEL[k]}`, emptyText: `None yet: this step has not produced any ${KIND_LABEL[k]}.` }))}
            />
          ) : (
            <Typography variant="body2" color="text.secondary">
              This step adds no artifacts to the project; it works with ones you already have.
            </Typography>
          )}
        </Section>
      </Stack>
    </Box>
  );
}
