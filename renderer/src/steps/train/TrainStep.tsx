// Step: Train — LoRA SFT of the base model on the converted dataset.
// Uses the common StepPage layout; this step's own actions go in `actions`.
import { StepPage, type StepPageProps } from '../../wizard/StepPage';

export function TrainStep(props: StepPageProps) {
  return <StepPage {...props} />;
}
