// The jobs every project has, whatever the step: importing, verifying and recovering artifacts.
import type { JobDefinition } from '../types';
import { importArtifactJob } from './importArtifact';
import { recoverLeftoversJob } from './recoverLeftovers';
import { verifyArtifactsJob } from './verifyArtifacts';

// any: each job has its own config type.
export const builtinJobs: readonly JobDefinition<any>[] = [importArtifactJob, verifyArtifactsJob, recoverLeftoversJob];
