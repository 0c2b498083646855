// Finds a formula (as action tokens) that uses every card once and evaluates
// to the target exactly under Python's float arithmetic, e.g. 8/(3-8/3) is 24
// on paper but 23.999999999999996 in eval, so it is rejected.
import { evaluateFormula } from './formula';

interface Expr {
  tokens: string[];
  prec: number; // 1: + -, 2: * /, 3: a number or a bracketed group
  value: number;
}

const PREC: Record<string, number> = { '+': 1, '-': 1, '*': 2, '/': 2 };

function wrap(e: Expr): string[] {
  return ['(', ...e.tokens, ')'];
}

function combine(a: Expr, op: string, b: Expr): Expr | null {
  const p = PREC[op]!;
  const left = a.prec < p ? wrap(a) : a.tokens;
  const right = b.prec < p || (b.prec === p && (op === '-' || op === '/' || b.tokens.length > 1)) ? wrap(b) : b.tokens;
  if (op === '/' && b.value === 0) return null;
  const value = op === '+' ? a.value + b.value : op === '-' ? a.value - b.value : op === '*' ? a.value * b.value : a.value / b.value;
  return { tokens: [...left, op, ...right], prec: p, value };
}

/**
 * Tokens such as ["8","*","3","*","(","2","-","1",")"], or null when no
 * formula reaches the target. Of all solutions the shortest (fewest brackets)
 * wins, the first found on ties, so the expert writes natural formulas.
 */
export function solvePoints(values: readonly number[], target: number, ops: readonly string[]): string[] | null {
  const seen = new Set<string>();
  let best: string[] | null = null;
  const search = (items: Expr[]): void => {
    if (items.length === 1) {
      const only = items[0]!;
      if ((!best || only.tokens.length < best.length) && evaluateFormula(only.tokens.join('')) === target) best = only.tokens;
      return;
    }
    const sig = items
      .map((e) => e.tokens.join(''))
      .sort()
      .join('|');
    if (seen.has(sig)) return;
    seen.add(sig);
    for (let i = 0; i < items.length; i++)
      for (let j = 0; j < items.length; j++) {
        if (i === j) continue;
        const rest = items.filter((_, k) => k !== i && k !== j);
        for (const op of ops) {
          const c = combine(items[i]!, op, items[j]!);
          if (!c) continue;
          search([...rest, c]);
        }
      }
  };
  search(values.map((v) => ({ tokens: [String(v)], prec: 3, value: v })));
  return best;
}
