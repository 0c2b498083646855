// A wizard step as the core describes it: what it consumes, what it makes,
// which jobs it can start today, and (honestly) what is not built yet.
import type { StepInfo } from '../../../preload/contract';

export type StepDefinition = Omit<StepInfo, 'index'>;
