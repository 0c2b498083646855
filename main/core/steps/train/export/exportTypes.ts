// What a cluster export is made from: its settings and the dataset folder's facts.
import type { z } from 'zod';
import type { TrainExportConfig } from '../../../../../preload/contract/train';

export type ExportConfig = z.output<typeof TrainExportConfig>;

export interface DatasetFacts {
  name: string;
  train: { file: string; rows: number | null };
  validation: { file: string; rows: number | null } | null;
  info: Record<string, unknown> | null;
}
