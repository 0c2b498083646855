// The seven steps in wizard order.
import type { StepInfo } from '../../../preload/contract';
import { convertStep } from './convert/step';
import { filterStep } from './filter/step';
import { mergeStep } from './merge/step';
import { rlStep } from './rl/step';
import { rolloutStep } from './rollout/step';
import { trainStep } from './train/step';
import { uploadStep } from './upload/step';
import type { StepDefinition } from './types';

const ORDER: StepDefinition[] = [rolloutStep, filterStep, convertStep, trainStep, uploadStep, mergeStep, rlStep];

export function listSteps(): StepInfo[] {
  return ORDER.map((s, index) => ({ ...s, index }));
}
