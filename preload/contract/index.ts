// The contract as one module: the app's shared shapes, each wizard step's file, and the request table.
export * from './app';
export * from './artifacts';
export * from './runs';
export * from './histogram';
export * from './games';
export * from './enginePolicy';
export * from './localModels';
export * from './rollout';
export * from './filter';
export * from './convert';
export * from './train';
export * from './upload';
export * from './merge';
export * from './rl';
export * from './evaluate';
export * from './jobs';
export * from './methods';
export * from './envelope';

/** What the Electron preload exposes as window.studio, and what the WebSocket client mimics. */
export interface StudioBridge {
  call(method: string, params?: unknown): Promise<unknown>;
  on(listener: (event: string, payload: unknown) => void): () => void;
}
