// Step: Convert — turn the accepted JSON set into Parquet for training.
// Uses the common StepPage layout; this step's own actions go in `actions`.
import { StepPage, type StepPageProps } from '../../wizard/StepPage';

export function ConvertStep(props: StepPageProps) {
  return <StepPage {...props} />;
}
