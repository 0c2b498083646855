// FrozenLake settings: gym's random map (start top-left, goal bottom-right,
// each other square frozen with probability 0.8), not slippery by default.
import { z } from 'zod';

export const FrozenLakeSettings = z
  .object({
    size: z.number().int().min(3).max(12).default(4),
    /** Probability that a square is frozen (safe); the rest are holes. */
    frozenProbability: z.number().min(0.1).max(1).default(0.8),
    slippery: z.boolean().default(false),
    maxTurns: z.number().int().min(1).max(500).default(15),
  })
  .strict();
export type FrozenLakeSettings = z.infer<typeof FrozenLakeSettings>;
