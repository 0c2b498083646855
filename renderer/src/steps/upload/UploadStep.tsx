// Step: Upload — push an adapter or merged model to the Hugging Face Hub.
// Uses the common StepPage layout; this step's own actions go in `actions`.
import { StepPage, type StepPageProps } from '../../wizard/StepPage';

export function UploadStep(props: StepPageProps) {
  return <StepPage {...props} />;
}
