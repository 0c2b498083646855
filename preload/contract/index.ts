export * from './models';
export * from './jobs';
export * from './convert';
export * from './train';
export * from './evaluate';
export * from './handoff';
export * from './localModels';
export * from './review';
export * from './methods';
export * from './envelope';

/** What the Electron preload exposes as window.studio, and what the WebSocket client mimics. */
export interface StudioBridge {
  call(method: string, params?: unknown): Promise<unknown>;
  on(listener: (event: string, payload: unknown) => void): () => void;
}
