// Sokoban settings, defaulting to what ARLArena users train on today
// (dim_room [6, 6], num_boxes 1, search_depth 30, max_steps 15).
import { z } from 'zod';

export const SokobanSettings = z
  .object({
    rows: z.number().int().min(4).max(16).default(6),
    cols: z.number().int().min(4).max(16).default(6),
    boxes: z.number().int().min(1).max(6).default(1),
    maxTurns: z.number().int().min(1).max(500).default(15),
    /** Reverse-play depth of the level generator (gym_sokoban's ttl). */
    searchDepth: z.number().int().min(2).max(300).default(30),
    /**
     * Reject levels whose optimal solution needs more moves than maxTurns, so
     * every level can be won in time (the reference generator does not check).
     */
    fitTurnLimit: z.boolean().default(true),
    /** Node limit of the optimal solver (expert and fitTurnLimit). */
    solverNodeLimit: z.number().int().min(1000).max(20_000_000).default(2_000_000),
  })
  .strict();
export type SokobanSettings = z.infer<typeof SokobanSettings>;
