// Step: Merge & export — fold the adapter into the base model and export a checkpoint.
import Divider from '@mui/material/Divider';
import Typography from '@mui/material/Typography';
import { StepPage, type StepPageProps } from '../../wizard/StepPage';
import { ExportForm } from './ExportForm';
import { MergeForm } from './MergeForm';
import { EvaluateCard } from '../evaluate/EvaluateCard';

export function MergeStep(props: StepPageProps) {
  return (
    <StepPage
      {...props}
      actions={
        <>
          <Typography variant="subtitle2">Merge an adapter into its base</Typography>
          <MergeForm />
          <Divider />
          <Typography variant="subtitle2">Export a merged model</Typography>
          <ExportForm />
          <Divider />
          <Typography variant="subtitle2">Evaluate checkpoints on the games</Typography>
          <EvaluateCard step="merge" />
        </>
      }
    />
  );
}
