import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSeedFromFileName, formatIssue, frameForTurn, parseArlarenaTrajectories, readArlarenaTrajectoryFile } from '../../../../main/core/formats/arlarena/arlarena';
import { locateJsonError } from '../../../../main/core/formats/arlarena/jsonLocate';
import { checkPng, decodeBase64Strict } from '../../../../main/core/formats/pngCheck';
import { encodePngRgb } from '../../../../main/core/util/png';

const dir = join(__dirname, '../../../fixtures/arlarena');
const fixture = (n: number): string => join(dir, `high_score_multiturn_texts_seed${n}.json`);

describe('ARLArena trajectory import', () => {
  it('imports the good episodes of a file with broken samples and names every problem by JSON path', async () => {
    const r = await readArlarenaTrajectoryFile(fixture(2));
    expect(r.file).toBe('high_score_multiturn_texts_seed2.json');
    expect(r.episodes.map((e) => e.sampleIdx)).toEqual([0, 1, 2, 8, 9, 11]);
    const messages = r.errors.map(formatIssue);
    expect(messages).toEqual([
      'high_score_multiturn_texts_seed2.json: [2].images: image data is not valid base64',
      'high_score_multiturn_texts_seed2.json: [3].turns[1].outputs: expected a string, got number',
      'high_score_multiturn_texts_seed2.json: [4]: missing "turns"',
      'high_score_multiturn_texts_seed2.json: [5].sample_idx: expected an integer, got "5"',
      'high_score_multiturn_texts_seed2.json: [6].sample_idx: duplicate sample_idx 0 (first at [0])',
      'high_score_multiturn_texts_seed2.json: [7]: expected an episode object, got number',
      'high_score_multiturn_texts_seed2.json: [8].task_score: expected a number, got "high"',
      'high_score_multiturn_texts_seed2.json: [9].image: image data: corrupt PNG (CRC mismatch in IDAT)',
      'high_score_multiturn_texts_seed2.json: [10].turns[0].inputs: expected a list of messages, got a string',
    ]);
    expect(r.errors.filter((e) => e.episodeSkipped).map((e) => e.path)).toEqual(['[3].turns[1].outputs', '[4]', '[5].sample_idx', '[6].sample_idx', '[7]', '[10].turns[0].inputs']);
  });

  it('keys episodes by (file, sample_idx) and keeps turns, prompts, replies and the seed from the name', async () => {
    const a = await readArlarenaTrajectoryFile(fixture(2));
    const b = await readArlarenaTrajectoryFile(fixture(5));
    const ep0 = a.episodes[0]!;
    expect(ep0.key).toBe('high_score_multiturn_texts_seed2.json#0');
    expect(b.episodes[0]!.key).toBe('high_score_multiturn_texts_seed5.json#0');
    expect(ep0).toMatchObject({ index: 0, sampleIdx: 0, taskScore: 1, envSeed: 2 });
    expect(ep0.turns.map((t) => t.step)).toEqual([0, 1]);
    expect(ep0.turns[0]!.prompt).toContain('<image>');
    expect(ep0.turns[0]!.messages).toEqual([{ role: 'user', content: expect.stringContaining('admissible actions') }]);
    expect(ep0.turns[0]!.reply).toBe('<think>The box is left of the target.</think>\n<action> right </action>');
    expect(a.episodes.find((e) => e.sampleIdx === 8)!.taskScore).toBeNull();
    expect(envSeedFromFileName('high_score_multiturn_texts_seed65535.json')).toBe(65535);
    expect(envSeedFromFileName('trajectories.json')).toBeNull();
  });

  it('decodes images per episode or per turn, checks them and reads their size', async () => {
    const r = await readArlarenaTrajectoryFile(fixture(2));
    const ep0 = r.episodes[0]!;
    expect(ep0.image).toMatchObject({ width: 8, height: 6 });
    expect(frameForTurn(ep0, 0)).toMatchObject({ source: 'episode', image: { width: 8 } });
    expect(frameForTurn(ep0, 1)).toEqual({ image: null, source: null }); // the episode image is the first board only
    const ep1 = r.episodes[1]!; // per-turn image under "messages"
    expect(ep1.turns[0]!.image).toMatchObject({ width: 2, height: 2 });
    expect(frameForTurn(ep1, 0).source).toBe('turn');
    expect(ep1.turns[1]!.image).toBeNull();
    expect(r.episodes.find((e) => e.sampleIdx === 9)!.image).toBeNull(); // corrupt PNG dropped, episode kept
  });

  it('re-parses every reply with the strict parser', async () => {
    const r = await readArlarenaTrajectoryFile(fixture(2));
    expect(r.episodes[0]!.turns[0]!.parsed).toEqual({ action: 'right', actionValid: true, formatValid: true, think: 'The box is left of the target.' });
    const odd = r.episodes.find((e) => e.sampleIdx === 11)!.turns.map((t) => t.parsed);
    expect(odd[0]).toMatchObject({ action: 'up', actionValid: false, formatValid: false }); // no think block
    expect(odd[1]).toMatchObject({ action: 'down', actionValid: false, formatValid: false }); // CJK
    expect(odd[2]).toMatchObject({ action: null, actionValid: false, formatValid: false }); // no tags
  });

  it('a top level that is not a list, or a file that is not JSON, is one clear error', async () => {
    const notList = await readArlarenaTrajectoryFile(fixture(3));
    expect(notList.episodes).toEqual([]);
    expect(notList.errors.map(formatIssue)).toEqual(['high_score_multiturn_texts_seed3.json: (top level): expected a list of episodes, got an object']);
    const broken = await readArlarenaTrajectoryFile(fixture(4));
    expect(broken.episodes).toEqual([]);
    expect(broken.errors).toHaveLength(1);
    expect(formatIssue(broken.errors[0]!)).toBe('high_score_multiturn_texts_seed4.json: line 6, column 68: not valid JSON: expected a property name, found character ","');
    const missing = await readArlarenaTrajectoryFile(join(dir, 'nope.json'));
    expect(missing.errors[0]!.message).toMatch(/cannot read/);
    expect(parseArlarenaTrajectories('x.json', 'hello').errors[0]!.path).toBe('line 1, column 1');
    expect(parseArlarenaTrajectories('x.json', '').errors[0]!.message).toMatch(/end of input/);
  });

  it('accepts a byte-order mark, "image" with an "images" data key, and OpenAI-style content parts', () => {
    const png = encodePngRgb(3, 3, new Uint8Array(27));
    const file = [
      {
        sample_idx: 4,
        task_score: 1.0,
        turns: [{ step: 0, inputs: [{ role: 'user', content: [{ type: 'text', text: 'look ' }, { type: 'image' }] }], outputs: '<think>a</think><action>up</action>' }],
        image: { format: 'png_base64', images: png.toString('base64') },
      },
    ];
    const r = parseArlarenaTrajectories('f.json', Buffer.from('\uFEFF' + JSON.stringify(file)));
    expect(r.errors).toEqual([]);
    expect(r.episodes[0]!.turns[0]!.prompt).toBe('look <image>');
    expect(r.episodes[0]!.image).toMatchObject({ width: 3, height: 3 });
  });

  it('never throws, whatever the JSON holds', () => {
    const nasty = [
      '[]',
      '[null]',
      '[[]]',
      '[{"sample_idx": 1.5}]',
      '[{"sample_idx": 1, "turns": [null]}]',
      '[{"sample_idx": 1, "turns": [{"inputs": [{"role": 1}], "outputs": "x"}]}]',
      '[{"sample_idx": 1, "turns": [{"inputs": [], "outputs": "x", "step": -1}]}]',
      '"just a string"',
      '{"a": ' + '['.repeat(100000),
    ];
    for (const n of nasty) expect(() => parseArlarenaTrajectories('n.json', n)).not.toThrow();
    expect(parseArlarenaTrajectories('n.json', '[{"sample_idx": 1, "turns": [{"inputs": [], "outputs": "x", "step": -1}]}]').errors[0]!.path).toBe('[0].turns[0].step');
  });
});

describe('import helpers', () => {
  it('locates the first JSON error by line and column', () => {
    expect(locateJsonError('[1, 2]')).toBeNull();
    expect(locateJsonError('[1,\n 2,,]')).toMatchObject({ line: 2, column: 4 });
    expect(locateJsonError('{"a" 1}')).toMatchObject({ line: 1, column: 6, message: expect.stringContaining("expected ':'") });
    expect(locateJsonError('"abc')).toMatchObject({ message: 'unterminated string' });
    expect(readFileSync(fixture(4), 'utf8').length).toBeGreaterThan(0);
  });

  it('checks PNG structure and strict base64', () => {
    const png = encodePngRgb(5, 4, new Uint8Array(60));
    expect(checkPng(png)).toMatchObject({ ok: true, width: 5, height: 4, colorType: 2, bitDepth: 8 });
    expect(checkPng(png.subarray(0, png.length - 5))).toMatchObject({ ok: false, reason: expect.stringContaining('truncated') });
    expect(checkPng(Buffer.from('GIF89a...'))).toMatchObject({ ok: false });
    expect(decodeBase64Strict(png.toString('base64'))!.equals(png)).toBe(true);
    expect(decodeBase64Strict(`data:image/png;base64,${png.toString('base64')}`)!.equals(png)).toBe(true);
    expect(decodeBase64Strict('abc$')).toBeNull();
    expect(decodeBase64Strict('a')).toBeNull();
    expect(decodeBase64Strict('')).toBeNull();
  });
});
