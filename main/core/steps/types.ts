// A wizard step as the core describes it: what it consumes, what it makes,
// which jobs it can start today, and (honestly) what is not built yet.
import type { StepInfo } from '../../../preload/contract';
import type { JobDefinition } from '../jobs/types';

export type StepDefinition = Omit<StepInfo, 'index'>;

/** The job kinds a step declares, made from the studio services they need (each step names its own; any: each job has its own config type). */
export type StepJobs<S = unknown> = (services: S) => JobDefinition<any>[];
