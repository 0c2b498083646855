import { readFileSync, statSync, existsSync, writeFileSync, chmodSync } from 'node:fs';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hubStatus, signIn, signOut } from '../../../../main/core/steps/upload/hubAuth';
import {
  defaultTokenStore,
  EncryptedFileTokenStore,
  EnvTokenStore,
  SafeStorageTokenStore,
  type SafeStorageLike,
  type TokenStore,
} from '../../../../main/core/steps/upload/tokenStore';
import { startFakeHub, type FakeHub } from '../../../helpers/fakeHub';
import { tempDir } from '../../../helpers/tmp';

const TOKEN = 'hf_SignInTestToken9876543210abcdef';

/** Stands in for Electron's safeStorage: AES with a key held in memory, like a keychain would. */
function fakeSafeStorage(available = true, backend = 'gnome_libsecret'): SafeStorageLike {
  const key = randomBytes(32);
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (s) => {
      const iv = randomBytes(16);
      const c = createCipheriv('aes-256-cbc', key, iv);
      return Buffer.concat([iv, c.update(s, 'utf8'), c.final()]);
    },
    decryptString: (b) => {
      const d = createDecipheriv('aes-256-cbc', key, b.subarray(0, 16));
      return Buffer.concat([d.update(b.subarray(16)), d.final()]).toString('utf8');
    },
  };
}

let hub: FakeHub | null = null;
afterEach(async () => {
  await hub?.close();
  hub = null;
});

const stores = (): [string, TokenStore, () => Buffer][] => {
  const dir = tempDir();
  const file = new EncryptedFileTokenStore(dir);
  const keychainFile = join(tempDir(), 'hub-token.bin');
  return [
    ['env', new EnvTokenStore({}), () => Buffer.alloc(0)],
    ['file', file, () => (existsSync(file.tokenFile) ? readFileSync(file.tokenFile) : Buffer.alloc(0))],
    ['keychain', new SafeStorageTokenStore(fakeSafeStorage(), keychainFile), () => (existsSync(keychainFile) ? readFileSync(keychainFile) : Buffer.alloc(0))],
  ];
};

describe('Hub sign-in', () => {
  it.each(stores())('signs in and out with the %s store; the token is checked by whoami and never stored in the clear', async (_name, store, stored) => {
    hub = await startFakeHub({ token: TOKEN });
    const account = await signIn(store, { token: TOKEN, endpoint: `${hub.url}/` });
    expect(account).toMatchObject({ name: 'tester', type: 'user', orgs: ['studio-org'], endpoint: hub.url, source: store.source });
    expect(JSON.stringify(account)).not.toContain(TOKEN);
    expect(hub.requests.map((r) => [r.path, r.authorization])).toEqual([['/api/whoami-v2', `Bearer ${TOKEN}`]]);
    expect(await store.get()).toEqual({ token: TOKEN, endpoint: hub.url, name: 'tester' });
    expect(stored().includes(Buffer.from(TOKEN))).toBe(false);
    expect(await hubStatus(store)).toMatchObject({ signedIn: true, account: { name: 'tester', endpoint: hub.url } });
    expect(await hubStatus(store, { verify: true })).toMatchObject({ signedIn: true, account: { orgs: ['studio-org'] } });
    await signOut(store);
    expect(await store.get()).toBeNull();
    expect(await hubStatus(store)).toEqual({ signedIn: false, account: null });
  });

  it('a rejected token and an unreachable hub are clear errors that leave the stored token as it was', async () => {
    hub = await startFakeHub({ token: TOKEN });
    const store = new EncryptedFileTokenStore(tempDir());
    await signIn(store, { token: TOKEN, endpoint: hub.url });
    await expect(signIn(store, { token: 'hf_wrongwrongwrong', endpoint: hub.url })).rejects.toThrow(`token rejected by ${hub.url}`);
    const dead = `http://127.0.0.1:${new URL(hub.url).port}`;
    await hub.close();
    hub = null;
    await expect(signIn(store, { token: 'hf_another', endpoint: dead })).rejects.toThrow(`cannot reach the Hub at ${dead}`);
    expect(await store.get()).toMatchObject({ token: TOKEN });
    await expect(signIn(store, { token: 'not-a-token' })).rejects.toThrow(/sign-in: token: token must be a Hugging Face access token/);
    await expect(signIn(store, { token: TOKEN, endpoint: 'ftp://x' })).rejects.toThrow(/endpoint/);
  });

  it('the encrypted file store keeps its key owner-only, refuses a key others can read, and needs the key to decrypt', async () => {
    const dir = tempDir();
    const store = new EncryptedFileTokenStore(dir);
    await store.set({ token: TOKEN, endpoint: 'https://huggingface.co' });
    expect(statSync(store.keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(store.tokenFile).mode & 0o777).toBe(0o600);
    expect(await new EncryptedFileTokenStore(dir).get()).toMatchObject({ token: TOKEN });
    chmodSync(store.keyFile, 0o644);
    await expect(store.get()).rejects.toThrow(/readable by other users \(mode 644\); run chmod 600/);
    chmodSync(store.keyFile, 0o600);
    // Another machine's key cannot open this file.
    writeFileSync(store.keyFile, randomBytes(32), { mode: 0o600 });
    await expect(store.get()).rejects.toThrow(/cannot be decrypted/);
    expect(createHash('sha256').update(readFileSync(store.tokenFile)).digest('hex')).toHaveLength(64);
  });

  it('the keychain store says plainly when no keychain is available', async () => {
    const file = join(tempDir(), 't.bin');
    await expect(new SafeStorageTokenStore(fakeSafeStorage(false), file).set({ token: TOKEN, endpoint: 'https://huggingface.co' })).rejects.toThrow(/OS keychain is not available/);
    await expect(new SafeStorageTokenStore(fakeSafeStorage(true, 'basic_text'), file).set({ token: TOKEN, endpoint: 'https://huggingface.co' })).rejects.toThrow(
      /no OS keychain is running/,
    );
    expect(existsSync(file)).toBe(false);
  });

  it('the env store reads HF_TOKEN and HF_ENDPOINT', async () => {
    const env: NodeJS.ProcessEnv = { HF_TOKEN: TOKEN, HF_ENDPOINT: 'https://hub.example.org' };
    const store = new EnvTokenStore(env);
    expect(await store.get()).toEqual({ token: TOKEN, endpoint: 'https://hub.example.org' });
    await store.clear();
    expect(env).toEqual({});
  });

  it('picks HF_TOKEN first, then the keychain, then the encrypted file', () => {
    const dir = tempDir();
    expect(defaultTokenStore({ configDir: dir, env: { HF_TOKEN: TOKEN }, safeStorage: fakeSafeStorage() }).source).toBe('env');
    expect(defaultTokenStore({ configDir: dir, env: {}, safeStorage: fakeSafeStorage() }).source).toBe('keychain');
    expect(defaultTokenStore({ configDir: dir, env: {}, safeStorage: fakeSafeStorage(true, 'basic_text') }).source).toBe('file');
    expect(defaultTokenStore({ configDir: dir, env: {} }).source).toBe('file');
  });
});
