// Qwen3-VL's 3-D position ids (t, h, w) for a mixed text/image sequence, as
// get_rope_index defines them: text advances all three together; an image's
// tokens take (0, row, column) of its merged grid offset by the position after
// the preceding text; the text after an image resumes at max + 1. Padding
// (attention 0) keeps position 1.

/** positions[axis][i] for one sequence; grids are (t, h, w) per image in order of appearance. */
export function ropeIndex(
  ids: ArrayLike<number>,
  grids: [number, number, number][],
  imageTokenId: number,
  mergeSize: number,
  attention?: ArrayLike<number>,
): [Int32Array, Int32Array, Int32Array] {
  const n = ids.length;
  const out: [Int32Array, Int32Array, Int32Array] = [new Int32Array(n).fill(1), new Int32Array(n).fill(1), new Int32Array(n).fill(1)];
  const real: number[] = [];
  for (let i = 0; i < n; i++) if (!attention || attention[i]) real.push(i);
  let next = 0; // position of the next text token
  let g = 0;
  let k = 0;
  while (k < real.length) {
    const i = real[k]!;
    if (ids[i] !== imageTokenId) {
      out[0][i] = out[1][i] = out[2][i] = next++;
      k++;
      continue;
    }
    const grid = grids[g++];
    if (!grid) throw new Error(`image token at position ${i} has no image grid (only ${grids.length} grids given)`);
    const [t, h, w] = grid;
    const lh = h / mergeSize;
    const lw = w / mergeSize;
    const count = t * lh * lw;
    let max = next;
    for (let j = 0; j < count; j++) {
      const at = real[k + j];
      if (at === undefined || ids[at] !== imageTokenId) throw new Error(`image ${g - 1} needs ${count} image tokens from position ${i}`);
      const tt = Math.floor(j / (lh * lw));
      const hh = Math.floor((j % (lh * lw)) / lw);
      const ww = j % lw;
      out[0][at] = next + tt;
      out[1][at] = next + hh;
      out[2][at] = next + ww;
      max = Math.max(max, next + tt, next + hh, next + ww);
    }
    next = max + 1;
    k += count;
  }
  if (g !== grids.length) throw new Error(`${grids.length} image grids for ${g} images in the sequence`);
  return out;
}
