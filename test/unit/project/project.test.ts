import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Studio } from '../../../main/core/studio';
import { tempDir } from '../../helpers/tmp';

const newStudio = (): Studio => new Studio({ shell: 'server', configDir: tempDir('studio-home-') });

describe('projects', () => {
  it('creates a project folder with studio.db and an artifacts tree, and remembers it', async () => {
    const studio = newStudio();
    const dir = join(tempDir(), 'my-project');
    const info = studio.createProject(dir, 'Sokoban SFT');
    expect(info.name).toBe('Sokoban SFT');
    expect(existsSync(join(dir, 'studio.db'))).toBe(true);
    expect(readdirSync(join(dir, 'artifacts')).sort()).toEqual(['checkpoints', 'datasets', 'files', 'merged', 'models', 'onnx', 'rl', 'trajectories']);
    expect(studio.appState.snapshot().recentProjects[0]).toMatchObject({ dir, name: 'Sokoban SFT' });
    await studio.closeProject();
    // Reopening in a new app instance with the same config dir finds it in recents.
    const again = new Studio({ shell: 'server', configDir: studio.appState.file.replace(/\/state\.json$/, '') });
    expect(again.appState.snapshot().recentProjects.map((p) => p.dir)).toContain(dir);
    expect(again.openProject(dir).id).toBe(info.id);
    await again.dispose();
  });

  it('refuses to create a project in a non-empty folder and leaves it alone', () => {
    const studio = newStudio();
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(() => studio.createProject(dir, 'x')).toThrow(/is not empty/);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('says clearly that a folder is not a project, and creates nothing', () => {
    const studio = newStudio();
    const dir = tempDir();
    mkdirSync(join(dir, 'data'));
    expect(() => studio.openProject(dir)).toThrow(/is not a studio project \(it has no studio\.db\)/);
    expect(readdirSync(dir)).toEqual(['data']);
    expect(() => studio.openProject(join(dir, 'missing'))).toThrow(/does not exist/);
    expect(studio.project).toBeNull();
  });

  it('keeps the current project open when opening another fails', async () => {
    const studio = newStudio();
    const good = join(tempDir(), 'p');
    studio.createProject(good, 'good');
    expect(() => studio.openProject(tempDir())).toThrow(/not a studio project/);
    expect(studio.project?.dir).toBe(good);
    await studio.dispose();
  });

  it('moves an unreadable app state file aside instead of refusing to start', () => {
    const home = tempDir();
    writeFileSync(join(home, 'state.json'), '{ not json');
    const studio = new Studio({ shell: 'server', configDir: home });
    expect(studio.appState.snapshot().recentProjects).toEqual([]);
    expect(studio.appState.warnings[0]).toMatch(/could not be read/);
    expect(readdirSync(home).some((f) => f.startsWith('state.json.unreadable-'))).toBe(true);
  });
});
