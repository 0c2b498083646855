// Step: RL handoff — a verl-agent launch folder pointing at the merged model.
// Uses the common StepPage layout; this step's own actions go in `actions`.
import { StepPage, type StepPageProps } from '../../wizard/StepPage';

export function RlStep(props: StepPageProps) {
  return <StepPage {...props} />;
}
