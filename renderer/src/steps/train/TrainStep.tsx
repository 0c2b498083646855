// Step: Train — LoRA SFT of the base model on the converted dataset, with live charts and resume,
// or an exported TRL + accelerate project for a cluster.
import Divider from '@mui/material/Divider';
import Typography from '@mui/material/Typography';
import { StepPage, type StepPageProps } from '../../wizard/StepPage';
import { TrainExportForm } from './TrainExportForm';
import { TrainForm } from './TrainForm';
import { TrainRuns } from './TrainRuns';
import { TrainSettingsProvider } from './TrainSettingsContext';
import { EvaluateCard } from '../evaluate/EvaluateCard';

export function TrainStep(props: StepPageProps) {
  return (
    <StepPage
      {...props}
      actions={
        // One settings state for the Train form and the cluster export (which sends those same settings).
        <TrainSettingsProvider>
          <Typography variant="subtitle2">Train a LoRA adapter</Typography>
          <TrainForm />
          <Divider />
          <Typography variant="subtitle2">Runs</Typography>
          <TrainRuns />
          <Divider />
          <Typography variant="subtitle2">Evaluate checkpoints on the games</Typography>
          <EvaluateCard step="train" />
          <Divider />
          <Typography variant="subtitle2">Export training job for a cluster</Typography>
          <TrainExportForm />
        </TrainSettingsProvider>
      }
    />
  );
}
