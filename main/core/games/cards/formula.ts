// Evaluates a point-game formula the way Gym-Cards does: the tokens are joined
// with no separator and handed to Python's eval. So we read Python's syntax:
// "1","0" becomes 10, "*","*" is a power, "/","/" floor division, unary signs
// are allowed, '/' is true division. Anything Python would reject is null.

type Tok = { kind: 'num'; value: number } | { kind: 'op'; op: string };

function tokenize(src: string): Tok[] | null {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === ' ' || ch === '\t') {
      i++;
      continue;
    }
    if (ch >= '0' && ch <= '9') {
      let j = i;
      while (j < src.length && src[j]! >= '0' && src[j]! <= '9') j++;
      const digits = src.slice(i, j);
      if (digits.length > 1 && digits[0] === '0' && /[1-9]/.test(digits)) return null; // Python: leading zeros are a syntax error
      if (out.at(-1)?.kind === 'num') return null; // "1 2": two numbers in a row
      out.push({ kind: 'num', value: Number(digits) });
      i = j;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '**' || two === '//') {
      out.push({ kind: 'op', op: two });
      i += 2;
      continue;
    }
    if ('+-*/()'.includes(ch)) {
      out.push({ kind: 'op', op: ch });
      i++;
      continue;
    }
    return null;
  }
  return out;
}

class Fail extends Error {}

export function evaluateFormula(src: string): number | null {
  const toks = tokenize(src);
  if (!toks || toks.length === 0) return null;
  let p = 0;
  const peekOp = (): string | null => {
    const t = toks[p];
    return t && t.kind === 'op' ? t.op : null;
  };
  const expr = (): number => {
    let v = term();
    for (let op = peekOp(); op === '+' || op === '-'; op = peekOp()) {
      p++;
      const r = term();
      v = op === '+' ? v + r : v - r;
    }
    return v;
  };
  const term = (): number => {
    let v = factor();
    for (let op = peekOp(); op === '*' || op === '/' || op === '//'; op = peekOp()) {
      p++;
      const r = factor();
      if (op === '*') v *= r;
      else {
        if (r === 0) throw new Fail('division by zero');
        v = op === '/' ? v / r : Math.floor(v / r);
      }
    }
    return v;
  };
  const factor = (): number => {
    const op = peekOp();
    if (op === '+' || op === '-') {
      p++;
      const v = factor();
      return op === '-' ? -v : v;
    }
    return power();
  };
  const power = (): number => {
    const base = atom();
    if (peekOp() === '**') {
      p++;
      const e = factor();
      if (base === 0 && e < 0) throw new Fail('zero to a negative power');
      return base ** e;
    }
    return base;
  };
  const atom = (): number => {
    const t = toks[p];
    if (!t) throw new Fail('unexpected end');
    if (t.kind === 'num') {
      p++;
      return t.value;
    }
    if (t.op === '(') {
      p++;
      const v = expr();
      if (peekOp() !== ')') throw new Fail('missing )');
      p++;
      return v;
    }
    throw new Fail(`unexpected ${t.op}`);
  };
  try {
    const v = expr();
    if (p !== toks.length) return null;
    return Number.isNaN(v) ? null : v;
  } catch (e) {
    if (e instanceof Fail) return null;
    throw e;
  }
}
