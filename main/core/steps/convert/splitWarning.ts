// A validation split that comes out empty (5 % of 4 episodes) trains fine but leaves nothing to
// evaluate and an empty eval curve: say so, in the preview and in the convert job's log.
export function emptySplitWarning(
  counts: { episodes: number; samples: number; train: number; validation: number },
  validationShare: number,
  values: readonly string[],
  files: 'split' | 'combined' = 'split',
): string | null {
  if (files !== 'split' || counts.samples === 0) return null;
  const wanted = validationShare > 0 || values.length > 0;
  if (wanted && counts.validation === 0) {
    const what = values.length
      ? `the validation ${values.length === 1 ? 'value' : 'values'} ${values.join(', ')} ${values.length === 1 ? 'matches' : 'match'} no episode`
      : `${Math.round(validationShare * 1000) / 10} % of ${counts.episodes} episode${counts.episodes === 1 ? '' : 's'} rounds to none`;
    return `The validation split is empty: ${what}. Training will report no validation loss; raise the share, pick validation games or seeds, or set 0 % on purpose.`;
  }
  if (counts.train === 0) return 'The train split is empty: every episode went to validation. Lower the validation share or choose fewer validation games or seeds.';
  return null;
}
