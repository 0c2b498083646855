// Which page component renders each wizard step.
import type { ComponentType } from 'react';
import type { StepId } from '../../../preload/contract';
import type { StepPageProps } from '../wizard/StepPage';
import { ConvertStep } from './convert/ConvertStep';
import { FilterStep } from './filter/FilterStep';
import { MergeStep } from './merge/MergeStep';
import { RlStep } from './rl/RlStep';
import { RolloutStep } from './rollout/RolloutStep';
import { TrainStep } from './train/TrainStep';
import { UploadStep } from './upload/UploadStep';

export const STEP_PAGES: Record<StepId, ComponentType<StepPageProps>> = {
  rollout: RolloutStep,
  filter: FilterStep,
  convert: ConvertStep,
  train: TrainStep,
  upload: UploadStep,
  merge: MergeStep,
  rl: RlStep,
};
