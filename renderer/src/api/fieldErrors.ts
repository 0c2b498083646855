// The contract's validation errors ("invalid params for jobs.start: config.policy.model: Invalid
// input: expected string, received undefined") turned into what a user reads ("Policy › model:
// required") and a map from field path to message, so forms can highlight the field.
export interface FieldError {
  /** The path inside the request, without the method's wrapper (config., params.). */
  path: string;
  label: string;
  message: string;
}

// The contract's check of a request, or the job runner's check of a job's config (paths without config.).
const PREFIX = /^invalid (?:params|config) for [\w.]+: /;

// The artifact ids the forms pick, by the names their fields carry.
const NAMED: Record<string, string> = {
  // The Train settings the cluster export carries, and a few short names the forms spell out.
  train: 'Train form',
  lora: 'LoRA',
  r: 'rank r',
  lr: 'Learning rate',
  gradAccum: 'Gradient accumulation',
  baseUrl: 'Endpoint URL',
  topP: 'Top-p',
  gpus: 'GPUs per machine',
  nodes: 'Machines',
  repoId: 'Repository',
  baseModel: 'Base model',
  baseArtifactId: 'Base model',
  mergedArtifactId: 'Merged model',
  adapterArtifactId: 'LoRA adapter',
  datasetArtifactId: 'Dataset',
  modelArtifactId: 'Model',
  initAdapterArtifactId: 'Start-from adapter',
  artifactId: 'Artifact',
};

function words(segment: string): string {
  if (NAMED[segment]) return NAMED[segment]!;
  if (/^\d+$/.test(segment)) return `#${Number(segment) + 1}`;
  const spaced = segment
    .replace(/ArtifactId$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function plain(message: string): string {
  if (/received undefined/.test(message)) return 'required';
  if (/^Invalid input: expected number, received NaN/.test(message)) return 'must be a number';
  if (/^Invalid input: expected int, received number/.test(message)) return 'must be a whole number';
  let m = /^Too small: expected (?:number|string|array) to (?:be|have) (>=?)\s*(\S+)/.exec(message);
  if (m) return m[1] === '>' ? `must be more than ${m[2]}` : `must be at least ${m[2]}`;
  m = /^Too big: expected (?:number|string|array) to (?:be|have) (<=?)\s*(\S+)/.exec(message);
  if (m) return m[1] === '<' ? `must be less than ${m[2]}` : `must be at most ${m[2]}`;
  m = /^Invalid input: expected (\w+), received (\w+)/.exec(message);
  if (m) return `must be a ${m[1]}, not a ${m[2]}`;
  m = /^Invalid option: expected one of (.+)$/.exec(message);
  if (m) return `must be one of ${m[1]!.replace(/"/g, '')}`;
  if (/^Unrecognized key/.test(message)) return message.replace(/^Unrecognized keys?/, 'unknown setting');
  return message.charAt(0).toLowerCase() + message.slice(1);
}

// A schema message that starts with the field's own code name ("baseUrl must be a URL …", "model is
// required") reads, under that field, without it.
function withoutOwnName(message: string, path: string): string {
  const own = path.split('.').pop() ?? '';
  if (!own || !message.toLowerCase().startsWith(`${own.toLowerCase()} `)) return message;
  const rest = message.slice(own.length + 1);
  return /^is required\b/.test(rest) ? 'required' : rest;
}

/** One refused field: its path inside the request (config. and params. dropped), words for it, and the reason in plain words. */
export function fieldErrorOf(rawPath: string, message: string): FieldError {
  const path = rawPath === '(root)' ? '' : rawPath.replace(/^(config|params)\./, '');
  const label = path ? path.split('.').map(words).join(' › ') : 'Request';
  return { path, label, message: withoutOwnName(plain(message), path) };
}

/** Null when the message is not a validation error (then it is shown as it is). */
export function parseFieldErrors(message: string): FieldError[] | null {
  if (!PREFIX.test(message)) return null;
  return message
    .replace(PREFIX, '')
    .split('; ')
    .map((part) => {
      const i = part.indexOf(': ');
      return fieldErrorOf(i < 0 ? '' : part.slice(0, i), i < 0 ? part : part.slice(i + 2));
    });
}

/** What a user reads for refused fields. */
export function describeFields(fields: FieldError[]): string {
  return `Check ${fields.length === 1 ? 'this field' : 'these fields'}: ${fields.map((f) => `${f.label}: ${f.message}`).join('; ')}.`;
}

export function readableError(message: string): string {
  const fields = parseFieldErrors(message);
  return fields ? describeFields(fields) : message;
}
