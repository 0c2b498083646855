// Step 2 (Filter & review): filter rules and their preview, the review list and its decisions, saved
// filters and review state, the accepted set's export, and the step's requests.
import { z } from 'zod';
import { outputName } from './artifacts';
import { Histogram } from './histogram';

export const FilterRules = z
  .object({
    success: z.boolean().optional(),
    minTaskScore: z.number().optional(),
    minReturn: z.number().optional(),
    maxReturn: z.number().optional(),
    minLength: z.number().int().min(0).optional(),
    maxLength: z.number().int().min(0).optional(),
    minFormatValidRatio: z.number().min(0).max(1).optional(),
    maxInvalidActions: z.number().int().min(0).optional(),
    dropDuplicates: z.boolean().optional(), // same action sequence on the same level
    games: z.array(z.string()).optional(),
    rolloutIds: z.array(z.string()).optional(), // per run (a rollout, or one import)
  })
  .strict();
export type FilterRules = z.infer<typeof FilterRules>;

export const FilterPreview = z.object({
  total: z.number(),
  passing: z.number(), // by the rules alone
  accepted: z.number(), // after per-trajectory decisions
  histograms: z.object({ taskScore: Histogram, length: Histogram, return: Histogram }),
});
export type FilterPreview = z.infer<typeof FilterPreview>;

export const SavedFilter = z.object({ id: z.string(), name: z.string(), rules: FilterRules, updatedAt: z.string() });
export type SavedFilter = z.infer<typeof SavedFilter>;

export const Decision = z.enum(['accept', 'reject']);
export const TrajectorySummary = z.object({
  id: z.string(),
  rolloutId: z.string(),
  source: z.enum(['rollout', 'import']),
  sourceFile: z.string().nullable(),
  sourceIndex: z.number().nullable(),
  game: z.string(),
  seed: z.number().nullable(),
  taskIndex: z.number(),
  sampleIndex: z.number(),
  success: z.boolean(),
  taskScore: z.number().nullable(),
  return: z.number(),
  length: z.number(),
  invalidActions: z.number(),
  formatValidTurns: z.number(),
  passes: z.boolean(),
  decision: Decision.nullable(),
  note: z.string().nullable(),
  /** The rules this trajectory fails, in words (empty when it passes). */
  failedRules: z.array(z.string()),
});
export type TrajectorySummary = z.infer<typeof TrajectorySummary>;

export const TurnView = z.object({
  idx: z.number(),
  prompt: z.string(),
  textObs: z.string().nullable(),
  frameId: z.number().nullable(),
  reply: z.string(),
  think: z.string().nullable(),
  action: z.string().nullable(),
  actionValid: z.boolean(),
  formatValid: z.boolean(),
  reward: z.number(),
  done: z.boolean(),
  won: z.boolean(),
});
export type TurnView = z.infer<typeof TurnView>;

// Review beyond one decision at a time: sort and search, bulk decisions and their undo, the
// rollouts and imports to filter by, and the review state kept per project.
export const ReviewView = z.enum(['all', 'accepted', 'rejected', 'undecided']);
export type ReviewView = z.infer<typeof ReviewView>;
export const ReviewSort = z.enum(['order', 'return', 'length', 'score']);
export const ReviewQuery = z.object({ sort: ReviewSort.optional(), descending: z.boolean().optional(), search: z.string().max(500).optional() }).strict();
export type ReviewQuery = z.infer<typeof ReviewQuery>;

export const DecisionState = z.object({ id: z.string().min(1), decision: z.enum(['accept', 'reject']).nullable(), note: z.string().nullable() });
export type DecisionState = z.infer<typeof DecisionState>;

export const ReviewSource = z.object({ rolloutId: z.string(), source: z.enum(['rollout', 'import']), label: z.string(), count: z.number(), createdAt: z.string() });
export type ReviewSource = z.infer<typeof ReviewSource>;

export const ReviewState = z.object({ rules: FilterRules, view: ReviewView, query: ReviewQuery }).strict();
export type ReviewState = z.infer<typeof ReviewState>;

export const ExportDatasetConfig = z.object({
  name: outputName('a dataset name is required'),
  rules: FilterRules.default({}),
  filterId: z.string().optional(),
  // jsonl: our documented format (every turn with its own frame); arlarena: the JSON the ARLArena scripts read.
  format: z.enum(['jsonl', 'arlarena']).default('jsonl'),
});

const none = z.object({}).strict();

export const filterMethods = {
  'review.preview': { params: z.object({ rules: FilterRules }).strict(), result: FilterPreview },
  'review.list': {
    params: z
      .object({
        rules: FilterRules,
        view: ReviewView.default('all'),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(100),
        query: ReviewQuery.optional(),
      })
      .strict(),
    result: z.object({ total: z.number(), items: z.array(TrajectorySummary) }),
  },
  'review.trajectory': {
    params: z.object({ id: z.string().min(1), rules: FilterRules.optional() }).strict(),
    result: z.object({ trajectory: TrajectorySummary, turns: z.array(TurnView) }),
  },
  'review.frame': { params: z.object({ id: z.number().int() }).strict(), result: z.object({ png: z.string(), width: z.number(), height: z.number() }) },
  'review.decide': {
    params: z.object({ id: z.string().min(1), decision: Decision.nullable(), note: z.string().max(4000).nullable().optional() }).strict(),
    result: z.object({ ok: z.literal(true) }),
  },
  // Bulk: one decision (null clears) for everything the list shows; previous is what undo restores.
  'review.decideMany': {
    params: z.object({ rules: FilterRules, view: ReviewView, query: ReviewQuery.optional(), decision: Decision.nullable() }).strict(),
    result: z.object({ count: z.number(), previous: z.array(DecisionState) }),
  },
  'review.restore': { params: z.object({ items: z.array(DecisionState).max(1_000_000) }).strict(), result: z.object({ ok: z.literal(true) }) },
  'review.sources': { params: none, result: z.array(ReviewSource) },
  'review.state': { params: none, result: ReviewState.nullable() },
  'review.setState': { params: ReviewState, result: ReviewState },
  'review.filters': { params: none, result: z.array(SavedFilter) },
  'review.saveFilter': { params: z.object({ name: z.string().trim().min(1, 'a filter name is required').max(120), rules: FilterRules }).strict(), result: SavedFilter },
} as const;
