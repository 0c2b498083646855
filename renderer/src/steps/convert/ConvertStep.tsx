// Step: Convert — turn the accepted JSON set into Parquet for training.
import Typography from '@mui/material/Typography';
import { StepPage, type StepPageProps } from '../../wizard/StepPage';
import { ConvertForm } from './ConvertForm';

export function ConvertStep(props: StepPageProps) {
  return (
    <StepPage
      {...props}
      actions={
        <>
          <Typography variant="subtitle2">Convert an accepted dataset to Parquet</Typography>
          <ConvertForm />
        </>
      }
    />
  );
}
