// A boolean UI preference (e.g. "jobs panel open") kept across reloads.
import { useCallback, useState } from 'react';

export function useLocalFlag(key: string, initial: boolean): [boolean, (next: boolean | ((v: boolean) => boolean)) => void] {
  const [value, setValue] = useState<boolean>(() => {
    const stored = localStorage.getItem(key);
    return stored === null ? initial : stored === '1';
  });
  const set = useCallback(
    (next: boolean | ((v: boolean) => boolean)) => {
      setValue((prev) => {
        const v = typeof next === 'function' ? next(prev) : next;
        localStorage.setItem(key, v ? '1' : '0');
        return v;
      });
    },
    [key],
  );
  return [value, set];
}
