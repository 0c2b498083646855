// Step: Rollout — play the game with a model and record multi-turn trajectories.
// Uses the common StepPage layout; this step's own actions go in `actions`.
import { StepPage, type StepPageProps } from '../../wizard/StepPage';

export function RolloutStep(props: StepPageProps) {
  return <StepPage {...props} />;
}
