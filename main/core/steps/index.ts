// The seven steps in wizard order, and the job kinds the steps declare.
import type { OnnxProviderChoice, StepInfo } from '../../../preload/contract';
import type { JobDefinition } from '../jobs/types';
import { convertJobs, convertStep } from './convert/step';
import { evaluateJobs } from './evaluate/step';
import { filterJobs, filterStep } from './filter/step';
import { mergeJobs, mergeStep } from './merge/step';
import { rlJobs, rlStep } from './rl/step';
import { rolloutJobs, rolloutStep } from './rollout/step';
import { trainJobs, trainStep } from './train/step';
import type { TokenStore } from './upload/tokenStore';
import { uploadJobs, uploadStep } from './upload/step';
import type { StepDefinition } from './types';

const ORDER: StepDefinition[] = [rolloutStep, filterStep, convertStep, trainStep, uploadStep, mergeStep, rlStep];

export function listSteps(): StepInfo[] {
  return ORDER.map((s, index) => ({ ...s, index }));
}

/** What the steps' jobs take from the studio. */
export interface StepServices {
  /** The Hub token (Upload). */
  tokenStore: TokenStore;
  /** The ONNX provider chosen on the System page, read when a rollout starts. */
  onnxProvider(): OnnxProviderChoice;
}

/** Every job kind the steps declare (evaluate's too: Train and Merge start it), for the studio to register. */
export function stepJobs(services: StepServices): JobDefinition<any>[] {
  return [rolloutJobs, filterJobs, convertJobs, trainJobs, evaluateJobs, uploadJobs, mergeJobs, rlJobs].flatMap((jobs) => jobs(services));
}
