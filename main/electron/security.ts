// Locks the renderer down: no permissions, no navigation, no new windows,
// no remote content. Links to the web open in the user's browser.
import type { BrowserWindow, Session } from 'electron';

export function hardenSession(s: Session): void {
  s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  s.setPermissionCheckHandler(() => false);
  // Nothing but our own files and the dev server may load.
  s.webRequest.onBeforeRequest((details, callback) => {
    const u = details.url;
    const ok =
      u.startsWith('file://') ||
      u.startsWith('devtools://') ||
      u.startsWith('data:') ||
      u.startsWith('blob:') ||
      (process.env.ELECTRON_RENDERER_URL !== undefined && (u.startsWith(process.env.ELECTRON_RENDERER_URL) || u.startsWith('ws://localhost') || u.startsWith('ws://127.0.0.1')));
    callback({ cancel: !ok });
  });
}

export function hardenWindow(win: BrowserWindow, appUrl: string, openExternal: (url: string) => void): void {
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e, url) => {
    if (url !== appUrl) e.preventDefault();
  });
  win.webContents.on('will-attach-webview', (e) => e.preventDefault());
}
