// Step: Rollout — play games with the expert or a model, many trajectories per task;
// evaluate a project model that has an ONNX export.
import Divider from '@mui/material/Divider';
import { StepPage, type StepPageProps } from '../../wizard/StepPage';
import { OnnxEvaluate } from './OnnxEvaluate';
import { ResumeList } from './ResumeList';
import { RolloutForm } from './RolloutForm';

export function RolloutStep(props: StepPageProps) {
  return (
    <StepPage
      {...props}
      actions={
        <>
          <RolloutForm />
          <Divider />
          <OnnxEvaluate />
          <Divider />
          <ResumeList />
        </>
      }
    />
  );
}
