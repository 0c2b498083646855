// The Electron preload: exposes window.studio, the same StudioBridge the
// browser client builds over WebSocket. Requests are checked here before they
// leave the renderer, and results and events are checked when they come back.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { parseEvent, parseParams, parseResult, type MethodName, type StudioBridge } from './contract';

type Reply = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

const bridge: StudioBridge = {
  async call(method: string, params?: unknown) {
    const req = parseParams(method, params);
    const reply = (await ipcRenderer.invoke('studio:call', req.method, req.params)) as Reply;
    if (!reply.ok) throw new Error(reply.error.message);
    return parseResult(req.method as MethodName, reply.result);
  },
  on(listener) {
    const handler = (_e: IpcRendererEvent, envelope: unknown): void => {
      try {
        const { event, payload } = parseEvent(envelope);
        listener(event, payload);
      } catch (err) {
        console.error(err);
      }
    };
    ipcRenderer.on('studio:event', handler);
    return () => ipcRenderer.removeListener('studio:event', handler);
  },
};

contextBridge.exposeInMainWorld('studio', bridge);
