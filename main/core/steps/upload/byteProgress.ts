// Bytes sent per file, so the progress bar counts bytes across files, parts
// and retries (a failed attempt is taken back, a finished file counts whole).
export class ByteProgress {
  private readonly sent = new Map<string, number>();
  private readonly finished = new Set<string>();

  constructor(private readonly sizes: ReadonlyMap<string, number>) {}

  get total(): number {
    let t = 0;
    for (const s of this.sizes.values()) t += s;
    return t;
  }

  get done(): number {
    let d = 0;
    for (const [path, size] of this.sizes) d += this.finished.has(path) ? size : Math.min(size, Math.max(0, this.sent.get(path) ?? 0));
    return d;
  }

  add(path: string, delta: number): void {
    this.sent.set(path, (this.sent.get(path) ?? 0) + delta);
  }

  finish(path: string): void {
    if (this.sizes.has(path)) this.finished.add(path);
  }

  finishAll(): void {
    for (const p of this.sizes.keys()) this.finished.add(p);
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}
