// Step: Upload — push an adapter or merged model to the Hugging Face Hub.
// The sign-in state is read once here: the panel changes it, the form needs it.
import Divider from '@mui/material/Divider';
import Typography from '@mui/material/Typography';
import { useStudioQuery } from '../../api/hooks';
import { StepPage, type StepPageProps } from '../../wizard/StepPage';
import { HubSignIn } from './HubSignIn';
import { UploadForm } from './UploadForm';
import { UploadList } from './UploadList';

export function UploadStep(props: StepPageProps) {
  const status = useStudioQuery('hub.status', {});
  // Unknown (still loading or unreadable) does not block the form: the job says so if it must.
  const signedIn = status.data?.signedIn ?? true;
  return (
    <StepPage
      {...props}
      actions={
        <>
          <Typography variant="subtitle2">Hugging Face Hub account</Typography>
          <HubSignIn status={status} />
          <Divider />
          <Typography variant="subtitle2">Upload an adapter or a merged model</Typography>
          <UploadForm signedIn={signedIn} />
          <Divider />
          <Typography variant="subtitle2">Uploads</Typography>
          <UploadList />
        </>
      }
    />
  );
}
