// "Merge this checkpoint" from an evaluation: the adapter to preselect in the Merge form, and a request
// to the wizard to show the Merge step (window events, so no step needs to know another's state).
export const GO_STEP = 'studio:go-step';
const KEY = 'studio.mergeAdapter';

export function handOffToMerge(adapterId: string): void {
  sessionStorage.setItem(KEY, adapterId);
  window.dispatchEvent(new CustomEvent(GO_STEP, { detail: 'merge' }));
}

/** The adapter an evaluation chose for merging, once (it is forgotten when read). */
export function takeMergeAdapter(): string | null {
  const id = sessionStorage.getItem(KEY);
  sessionStorage.removeItem(KEY);
  return id;
}
