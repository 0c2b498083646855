// Sign in (a token checked against whoami, then kept by a TokenStore), sign
// out, and who is signed in. Nothing here returns or logs the token.
import { HubSignInParams, type HubAccount, type HubStatus } from '../../../../preload/contract/upload';
import { describeZodError } from '../../../../preload/contract';
import { StudioError } from '../../util/errors';
import { normalizeEndpoint, whoami } from './hubClient';
import type { TokenStore } from './tokenStore';

export async function signIn(store: TokenStore, raw: unknown, f?: typeof fetch): Promise<HubAccount> {
  const parsed = HubSignInParams.safeParse(raw);
  if (!parsed.success) throw new StudioError('invalid_params', `sign-in: ${describeZodError(parsed.error)}`);
  const endpoint = normalizeEndpoint(parsed.data.endpoint);
  // Validate first: a rejected or unreachable sign-in leaves the stored token as it was.
  const me = await whoami(endpoint, parsed.data.token, f);
  await store.set({ token: parsed.data.token, endpoint, name: me.name });
  return { ...me, endpoint, source: store.source };
}

export async function signOut(store: TokenStore): Promise<void> {
  await store.clear();
}

/** What is stored, without a network call; `verify` asks whoami as well. */
export async function hubStatus(store: TokenStore, opts: { verify?: boolean; fetch?: typeof fetch } = {}): Promise<HubStatus> {
  const c = await store.get();
  if (!c) return { signedIn: false, account: null };
  if (!opts.verify) return { signedIn: true, account: { name: c.name ?? '', type: 'user', orgs: [], endpoint: c.endpoint, source: store.source } };
  const me = await whoami(c.endpoint, c.token, opts.fetch);
  return { signedIn: true, account: { ...me, endpoint: c.endpoint, source: store.source } };
}
