// Evaluate is no wizard step of its own: the Train and Merge steps start its job
// (both list 'evaluate.run'), so this folder declares the job and nothing else.
import type { StepJobs } from '../types';
import { evaluateJob } from './evaluateJob';

export const evaluateJobs: StepJobs = () => [evaluateJob];
