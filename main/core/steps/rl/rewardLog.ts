// Reads verl's console logger lines ("step:12 - critic/score/mean:0.41 - …")
// for the reward curve; everything else in the log is left to the log view.
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
const STEP_LINE = /(?:^|\s)step:(\d+)\s+-\s+(.*)$/;
// Rewards, scores and success rates make the curve; losses and timings stay in the log.
const KEEP = /reward|score|success/i;

export interface StepMetrics {
  step: number;
  values: { name: string; value: number }[];
}

export function parseStepLine(raw: string): StepMetrics | null {
  const m = STEP_LINE.exec(raw.replace(ANSI, '').trim());
  if (!m) return null;
  const values: { name: string; value: number }[] = [];
  for (const pair of m[2]!.split(' - ')) {
    const i = pair.lastIndexOf(':');
    if (i <= 0) continue;
    const name = pair.slice(0, i).trim();
    const value = Number(pair.slice(i + 1).trim());
    if (KEEP.test(name) && Number.isFinite(value)) values.push({ name, value });
  }
  return { step: Number(m[1]), values };
}
