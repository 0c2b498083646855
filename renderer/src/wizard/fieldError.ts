// A form field's error props from useStartJob's fieldErrors (by the config path the contract
// names): drawn red with the message under it, else the field's own helper text, if any.
import type { ReactNode } from 'react';

export function fieldError(errors: Record<string, string>, path: string, helper?: ReactNode): { error: boolean; helperText?: ReactNode } {
  const message = errors[path];
  if (message) return { error: true, helperText: message };
  return helper === undefined || helper === null ? { error: false } : { error: false, helperText: helper };
}

/** A number as typed; NaN for empty or non-numeric text, so the contract's check names the field. */
export function num(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}
