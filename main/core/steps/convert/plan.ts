// One episode's samples as both the Convert job and its preview see them:
// its split, each sample with its token budget, and whether it is over the
// limit (and so dropped, when the settings drop over-long samples).
import type { z } from 'zod';
import type { ConvertSettings } from '../../../../preload/contract';
import type { TextSide } from '../../model/templateAndTokenizer';
import { type SampleBudget, sampleBudget } from './budget';
import type { SourceEpisode } from './episodes';
import { episodeSamples, type Sample } from './samples';
import { assignSplit, type SplitName } from './split';

export interface PlannedSample {
  sample: Sample;
  budget: SampleBudget;
  over: boolean;
  kept: boolean;
}

type PlanSettings = Pick<z.output<typeof ConvertSettings>, 'target' | 'history' | 'historyTurns' | 'labels' | 'split' | 'maxTokens' | 'overLength'>;

/** `onNoFrame(turn)` hears of turns whose <image> placeholder had no frame. */
export function planEpisode(ep: SourceEpisode, s: PlanSettings, text: TextSide, onNoFrame: (turn: number) => void): { split: SplitName; samples: PlannedSample[] } {
  // ARLArena rows are whole episodes whatever the history setting.
  const history = s.target === 'arlarena' ? { history: 'full' as const, historyTurns: 0 } : s;
  const samples = episodeSamples(ep, history, onNoFrame).map((sample) => {
    const budget = sampleBudget(sample, text, s.labels);
    const over = budget.tokens > s.maxTokens;
    return { sample, budget, over, kept: !(over && s.overLength === 'drop') };
  });
  return { split: assignSplit(ep, s.split), samples };
}
