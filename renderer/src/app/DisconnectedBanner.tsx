// A visible, polite notice while the WebSocket to the core is down. (The
// Electron bridge never disconnects, so it never shows there.)
import { useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import { studio } from '../api/client';
import { useConnection } from '../api/hooks';

export function DisconnectedBanner() {
  const conn = useConnection();
  const [now, setNow] = useState(() => Date.now());
  const down = conn.status === 'down' || (conn.status === 'connecting' && conn.failures > 0);

  useEffect(() => {
    if (!down) return;
    const t = window.setInterval(() => setNow(Date.now()), 500);
    return () => window.clearInterval(t);
  }, [down]);

  if (!down) return null;
  const seconds = conn.nextRetryAt ? Math.max(0, Math.ceil((conn.nextRetryAt - now) / 1000)) : 0;
  return (
    <Alert
      severity="warning"
      variant="filled"
      square
      data-testid="disconnected-banner"
      action={
        conn.status === 'down' ? (
          <Button color="inherit" size="small" onClick={() => studio.retryNow()}>
            Retry now
          </Button>
        ) : undefined
      }
    >
      Disconnected from the studio core. {conn.status === 'connecting' ? 'Reconnecting…' : `Reconnecting in ${seconds} s.`}
      {conn.failures >= 3 && ' If the core was restarted, open the new address it printed (the one ending in ?token=…).'}
    </Alert>
  );
}
