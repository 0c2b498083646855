// Step: Filter & review — rules plus a review of every turn; export the accepted set.
// Uses the common StepPage layout; this step's own actions go in `actions`.
import { StepPage, type StepPageProps } from '../../wizard/StepPage';

export function FilterStep(props: StepPageProps) {
  return <StepPage {...props} />;
}
