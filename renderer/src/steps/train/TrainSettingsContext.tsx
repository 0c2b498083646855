// The Train form's state, held once for the Train step: the Train form edits it and the cluster
// export reads it, so "Export training job" sends the settings the form shows. Field errors of an
// export refused for a train.* setting are kept here too, so the Train form marks that field.
import { createContext, useContext, useState, type ReactNode } from 'react';
import { PRESETS, type TrainPreset } from './presets';
import { fieldsOf, type TrainFields } from './trainSettings';

interface TrainSettingsState {
  base: string;
  setBase: (id: string) => void;
  dataset: string;
  setDataset: (id: string) => void;
  preset: TrainPreset;
  setPreset: (p: TrainPreset) => void;
  fields: TrainFields;
  setFields: (f: TrainFields) => void;
  /** Messages by path inside the Train settings (lora.r, lr, …) from a refused cluster export. */
  exportErrors: Record<string, string>;
  setExportErrors: (e: Record<string, string>) => void;
}

const Ctx = createContext<TrainSettingsState | null>(null);

export function TrainSettingsProvider({ children }: { children: ReactNode }) {
  const [base, setBase] = useState('');
  const [dataset, setDataset] = useState('');
  const [preset, setPreset] = useState<TrainPreset>(PRESETS[0]!);
  const [fields, setFields] = useState<TrainFields>(() => fieldsOf(PRESETS[0]!));
  const [exportErrors, setExportErrors] = useState<Record<string, string>>({});
  return <Ctx.Provider value={{ base, setBase, dataset, setDataset, preset, setPreset, fields, setFields, exportErrors, setExportErrors }}>{children}</Ctx.Provider>;
}

export function useTrainSettings(): TrainSettingsState {
  const s = useContext(Ctx);
  if (!s) throw new Error('useTrainSettings outside TrainSettingsProvider');
  return s;
}
