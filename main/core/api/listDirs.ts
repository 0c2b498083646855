// The in-app folder browser for server mode, where there is no native dialog.
import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { DirListing } from '../../../preload/contract';
import { looksLikeProject } from '../project/project';
import { StudioError } from '../util/errors';
import { isDir } from '../util/fileSystem';

export function listDirs(pathIn?: string, hidden = false): DirListing {
  const path = resolve(pathIn && pathIn.trim() ? pathIn : homedir());
  if (!isDir(path)) throw new StudioError('not_a_folder', `${path} is not a folder`);
  let names: string[];
  try {
    names = readdirSync(path, { withFileTypes: true })
      .filter((e) => (e.isDirectory() || (e.isSymbolicLink() && isDir(join(path, e.name)))) && (hidden || !e.name.startsWith('.')))
      .map((e) => e.name)
      // Dot-folders after the rest, so they do not crowd the top of a home folder.
      .sort((a, b) => Number(a.startsWith('.')) - Number(b.startsWith('.')) || a.localeCompare(b));
  } catch (err) {
    throw new StudioError('unreadable', `cannot list ${path}: ${(err as Error).message}`);
  }
  const parent = dirname(path);
  return {
    path,
    parent: parent === path ? null : parent,
    isProject: looksLikeProject(path),
    dirs: names.slice(0, 2000).map((name) => ({ name, path: join(path, name), isProject: looksLikeProject(join(path, name)) })),
  };
}
