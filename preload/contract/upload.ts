// Step 5 (Upload): Hub sign-in, the upload's settings and the record of what went where, and the
// step's requests. HubModelId is also what an imported model may be given as its Hub id.
import { z } from 'zod';

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

// A mirror or enterprise hub; credentials belong in sign-in, never in the URL (it is stored with the job).
export const HubEndpoint = z
  .string()
  .trim()
  .url('endpoint must be a URL such as https://huggingface.co')
  .refine((u) => /^https?:\/\//i.test(u), 'endpoint must start with http:// or https://')
  .refine((u) => !/^https?:\/\/[^/]*@/i.test(u), 'endpoint must not carry a user name or password; sign in with a token instead');

export const HubSignInParams = z.object({
  token: z
    .string()
    .trim()
    .min(1, 'token is required')
    .regex(/^hf_[A-Za-z0-9]+$/, 'token must be a Hugging Face access token (it starts with hf_)'),
  endpoint: HubEndpoint.optional(),
});
export type HubSignInParams = z.infer<typeof HubSignInParams>;

/** Who the stored token belongs to; never the token itself. */
export const HubAccount = z.object({
  name: z.string(),
  type: z.enum(['user', 'org', 'app']),
  orgs: z.array(z.string()),
  endpoint: z.string(),
  // env: HF_TOKEN; file: encrypted file; keychain: the OS keychain (Electron safeStorage).
  source: z.enum(['env', 'file', 'keychain']),
});
export type HubAccount = z.infer<typeof HubAccount>;

export const HubStatus = z.object({ signedIn: z.boolean(), account: HubAccount.nullable() });
export type HubStatus = z.infer<typeof HubStatus>;

/** One recorded upload (project table hub_uploads). */
export const HubUpload = z.object({
  id: z.string(),
  artifactId: z.string().nullable(),
  runId: z.string().nullable(),
  endpoint: z.string(),
  repo: z.string(),
  revision: z.string(),
  commitOid: z.string().nullable(),
  commitUrl: z.string(),
  private: z.boolean(),
  files: z.number().int(),
  bytes: z.number(),
  createdAt: z.string(),
});
export type HubUpload = z.infer<typeof HubUpload>;

const REPO_PART = /^[A-Za-z0-9](?:[\w.-]{0,94}[A-Za-z0-9])?$/;

export const HubRepoName = z
  .string()
  .trim()
  .min(1, 'repo is required')
  .refine((r) => {
    const parts = r.split('/');
    return parts.length <= 2 && parts.every((p) => REPO_PART.test(p) && !p.includes('--') && !p.includes('..'));
  }, 'repo must be "name" or "namespace/name" (letters, digits, "-", "_", "."; at most 96 characters each)');

// A model's id on the Hub ("Qwen/Qwen3-VL-4B-Instruct"; a legacy one-part id such as "gpt2"):
// what adapter_config.json's base_model_name_or_path and a card's base_model must hold, never a local path.
export const HubModelId = z
  .string()
  .trim()
  .min(1, 'a Hub id is required')
  .refine((r) => {
    const parts = r.split('/');
    return parts.length <= 2 && parts.every((p) => REPO_PART.test(p) && !p.includes('--') && !p.includes('..'));
  }, 'a Hub model id is "namespace/name", e.g. Qwen/Qwen3-VL-4B-Instruct (not a folder path)');

export const UploadConfig = z.object({
  artifactId: z.string().min(1, 'choose an adapter or a merged model'),
  // "name" uploads under the signed-in account; "org/name" under an organisation.
  repo: HubRepoName,
  private: z.boolean().default(true),
  // Create the repo when it does not exist (an existing one is reused as it is).
  create: z.boolean().default(true),
  endpoint: HubEndpoint.optional(),
  commitMessage: z.string().trim().min(1).max(500).optional(),
  // The adapter's base model on the Hub, when the project cannot tell (a base imported from a plain
  // folder): written into the uploaded adapter_config.json and remembered on the base artifact.
  baseModelId: HubModelId.optional(),
});
export type UploadConfig = z.infer<typeof UploadConfig>;

const none = z.object({}).strict();

export const uploadMethods = {
  'hub.status': { params: z.object({ verify: z.boolean().optional() }).strict(), result: HubStatus },
  'hub.signIn': { params: HubSignInParams.strict(), result: HubAccount },
  'hub.signOut': { params: none, result: HubStatus },
  'hub.uploads': { params: z.object({ artifactId: z.string().optional() }).strict(), result: z.array(HubUpload) },
} as const;
