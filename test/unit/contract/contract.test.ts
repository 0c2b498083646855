import { describe, expect, it } from 'vitest';
import { ContractError, parseEvent, parseParams, parseResult } from '../../../preload/contract';
import { Studio } from '../../../main/core/studio';
import { tempDir } from '../../helpers/tmp';

describe('contract validation', () => {
  it('rejects unknown methods by name', () => {
    expect(() => parseParams('project.delete', {})).toThrow("unknown method 'project.delete'");
  });

  it('rejects bad params with the method and the field that is wrong', () => {
    expect(() => parseParams('project.create', { dir: '/tmp/x' })).toThrow(/invalid params for project\.create: name:/);
    expect(() => parseParams('project.create', { dir: '', name: 'n' })).toThrow(/dir: a folder path is required/);
    expect(() => parseParams('jobs.list', { limit: 0 })).toThrow(/invalid params for jobs\.list: limit:/);
    expect(() => parseParams('app.setTheme', { theme: 'neon' })).toThrow(/theme:/);
    // Extra fields are refused, not silently dropped.
    expect(() => parseParams('project.open', { dir: '/x', evil: true })).toThrow(/invalid params for project\.open/);
  });

  it('checks job configs per job kind', () => {
    expect(() => parseParams('jobs.start', { kind: 'artifact.import', config: { kind: 'base-model' } })).toThrow(/config\.path/);
    expect(() => parseParams('jobs.start', { kind: 'format.disk', config: {} })).toThrow(/invalid params for jobs\.start: kind/);
    const ok = parseParams('jobs.start', { kind: 'artifact.import', config: { path: '/m', kind: 'base-model' } });
    expect(ok.params).toEqual({ kind: 'artifact.import', config: { path: '/m', kind: 'base-model', mode: 'reference' } });
  });

  it('rejects malformed results and events', () => {
    expect(() => parseResult('project.current', { id: 1 })).toThrow(ContractError);
    expect(() => parseEvent({ event: 'run.updated', payload: { id: 'x' } })).toThrow(/invalid payload for event run\.updated/);
    expect(() => parseEvent({ event: 'nope', payload: null })).toThrow("unknown event 'nope'");
    expect(parseEvent({ event: 'project.changed', payload: null })).toEqual({ event: 'project.changed', payload: null });
  });

  it('the core validates every call through handle()', async () => {
    const studio = new Studio({ shell: 'server', configDir: tempDir() });
    await expect(studio.api.handle('project.create', { dir: 42 })).rejects.toThrow(/invalid params for project\.create: dir/);
    await expect(studio.api.handle('artifacts.list', {})).rejects.toThrow(/no project is open/);
    expect(await studio.api.handle('project.current', {})).toBeNull();
  });
});
