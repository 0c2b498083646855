// The Electron shell: a window, the OS folder dialog and IPC to the core.
// Everything else lives in main/core and runs the same in plain Node.
import { app, BrowserWindow, dialog, ipcMain, safeStorage, session, shell, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { toWireError } from '../core/api/dispatch';
import { Studio } from '../core/studio';
import { hardenSession, hardenWindow } from './security';
import { restoreBounds, trackBounds } from './windowState';
import { appIconPath } from './appIcon';

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let win: BrowserWindow | null = null;
  let studio: Studio | null = null;

  const rendererUrl = process.env.ELECTRON_RENDERER_URL; // electron-vite dev server
  const indexHtml = join(__dirname, '../renderer/index.html');

  const isOurFrame = (e: IpcMainInvokeEvent): boolean => {
    const url = e.senderFrame?.url ?? '';
    return rendererUrl ? url.startsWith(rendererUrl) : url.startsWith('file://');
  };

  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  app.whenReady().then(() => {
    studio = new Studio({
      shell: 'electron',
      configDir: app.getPath('userData'),
      safeStorage, // the Hub token goes to the OS keychain
      pickFolder: async (title) => {
        const r = await dialog.showOpenDialog(win!, { title, properties: ['openDirectory', 'createDirectory'] });
        return r.canceled ? null : (r.filePaths[0] ?? null);
      },
    });
    hardenSession(session.defaultSession);

    ipcMain.handle('studio:call', async (e, method: unknown, params: unknown) => {
      if (!isOurFrame(e)) return { ok: false, error: { code: 'forbidden', message: 'request from an unknown frame' } };
      try {
        return { ok: true, result: await studio!.api.handle(String(method), params) };
      } catch (err) {
        return { ok: false, error: toWireError(err) };
      }
    });

    const bounds = restoreBounds(studio.appState);
    win = new BrowserWindow({
      ...bounds,
      minWidth: 900,
      minHeight: 600,
      show: false,
      title: 'VLM SFT Studio',
      icon: appIconPath(app.getAppPath()),
      webPreferences: {
        preload: join(__dirname, '../preload/index.js'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        spellcheck: false,
      },
    });
    if (bounds.maximized) win.maximize();
    hardenWindow(win, rendererUrl ?? `file://${indexHtml}`, (url) => void shell.openExternal(url));
    trackBounds(win, studio.appState);
    studio.events.subscribe((event, payload) => {
      if (win && !win.isDestroyed()) win.webContents.send('studio:event', { event, payload });
    });
    win.once('ready-to-show', () => win?.show());
    if (rendererUrl) void win.loadURL(rendererUrl);
    else void win.loadFile(indexHtml);
  });

  let quitting = false;
  app.on('before-quit', (e) => {
    if (quitting || !studio) return;
    // Let running jobs end as "interrupted" and close the database cleanly.
    e.preventDefault();
    quitting = true;
    void studio.dispose().finally(() => app.quit());
  });
  app.on('window-all-closed', () => app.quit());
}
