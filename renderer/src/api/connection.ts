// Connection state of the transport, for the "disconnected" banner and for
// refetching after a reconnect.
export type ConnectionStatus = 'connecting' | 'open' | 'down';

export interface ConnectionState {
  status: ConnectionStatus;
  /** Increases on every successful (re)connect after the first; data refetches on change. */
  epoch: number;
  /** Failed attempts since the connection was last open. */
  failures: number;
  /** When the next reconnect attempt is due (ms since epoch), while down. */
  nextRetryAt: number | null;
}

export const ALWAYS_CONNECTED: ConnectionState = { status: 'open', epoch: 0, failures: 0, nextRetryAt: null };

/** A StudioBridge-like transport that can also tell whether it is connected. */
export interface ConnectionSource {
  getConnection(): ConnectionState;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  retryNow(): void;
}
