// Step: RL handoff — a verl-agent launch folder pointing at the merged model.
import Divider from '@mui/material/Divider';
import Typography from '@mui/material/Typography';
import { StepPage, type StepPageProps } from '../../wizard/StepPage';
import { RlForm } from './RlForm';
import { RlLaunchList } from './RlLaunchList';

export function RlStep(props: StepPageProps) {
  return (
    <StepPage
      {...props}
      actions={
        <>
          <Typography variant="subtitle2">Write a GiGPO launch folder for verl-agent</Typography>
          <RlForm />
          <Divider />
          <Typography variant="subtitle2">Launch folders</Typography>
          <RlLaunchList />
        </>
      }
    />
  );
}
