// Remembers the window's size, position and maximised state between runs.
import { screen, type BrowserWindow } from 'electron';
import type { AppStateStore, WindowBounds } from '../core/project/appState';

const DEFAULT: WindowBounds = { width: 1280, height: 820, maximized: false };

export function restoreBounds(state: AppStateStore): WindowBounds {
  const saved = state.windowBounds();
  if (!saved) return DEFAULT;
  // Ignore a position that is now off every screen (a monitor was unplugged).
  if (saved.x !== undefined && saved.y !== undefined) {
    const visible = screen.getAllDisplays().some((d) => {
      const a = d.workArea;
      return saved.x! >= a.x - 50 && saved.y! >= a.y - 50 && saved.x! < a.x + a.width && saved.y! < a.y + a.height;
    });
    if (!visible) return { width: saved.width, height: saved.height, maximized: saved.maximized };
  }
  return saved;
}

export function trackBounds(win: BrowserWindow, state: AppStateStore): void {
  let timer: NodeJS.Timeout | null = null;
  const save = (): void => {
    if (win.isDestroyed()) return;
    const maximized = win.isMaximized();
    const b = maximized ? (state.windowBounds() ?? { ...win.getNormalBounds(), maximized }) : win.getBounds();
    state.setWindowBounds({ x: b.x, y: b.y, width: b.width, height: b.height, maximized });
  };
  const later = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 400);
  };
  win.on('resize', later);
  win.on('move', later);
  win.on('maximize', save);
  win.on('unmaximize', save);
  win.on('close', save);
}
