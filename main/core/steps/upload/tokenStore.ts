// Where the Hub token lives between sessions. Never in the project database,
// the logs or a job's config: the OS keychain (Electron safeStorage), an
// AES-256-GCM file for CLI/server mode, or HF_TOKEN in the environment.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_HUB_ENDPOINT } from '../../../../preload/contract/upload';
import { StudioError } from '../../util/errors';

export interface HubCredential {
  token: string;
  endpoint: string;
  /** The account name whoami returned at sign-in, for display. */
  name?: string;
}

export interface TokenStore {
  readonly source: 'env' | 'file' | 'keychain';
  get(): Promise<HubCredential | null>;
  set(credential: HubCredential): Promise<void>;
  clear(): Promise<void>;
}

/** Owner-only from the first byte, and whole or absent after a crash. */
function writePrivate(file: string, data: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, file);
}

function parseCredential(text: string, where: string): HubCredential {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new StudioError('token_store', `${where} does not hold a readable credential; sign in again`);
  }
  const c = v as Partial<HubCredential>;
  if (typeof c.token !== 'string' || typeof c.endpoint !== 'string') throw new StudioError('token_store', `${where} does not hold a readable credential; sign in again`);
  return { token: c.token, endpoint: c.endpoint, ...(typeof c.name === 'string' ? { name: c.name } : {}) };
}

/** HF_TOKEN (and HF_ENDPOINT) of the process: set and clear change this process only. */
export class EnvTokenStore implements TokenStore {
  readonly source = 'env' as const;
  // The account name is known only after a sign-in in this process.
  private signedIn: { token: string; name?: string } | null = null;
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async get(): Promise<HubCredential | null> {
    const token = this.env.HF_TOKEN?.trim();
    if (!token) return null;
    const name = this.signedIn?.token === token ? this.signedIn.name : undefined;
    return { token, endpoint: this.env.HF_ENDPOINT?.trim() || DEFAULT_HUB_ENDPOINT, ...(name ? { name } : {}) };
  }
  async set(c: HubCredential): Promise<void> {
    this.env.HF_TOKEN = c.token;
    this.env.HF_ENDPOINT = c.endpoint;
    this.signedIn = { token: c.token, name: c.name };
  }
  async clear(): Promise<void> {
    delete this.env.HF_TOKEN;
    delete this.env.HF_ENDPOINT;
    this.signedIn = null;
  }
}

const KEY_FILE = 'hub-token.key';
const TOKEN_FILE = 'hub-token.enc';
const AAD = Buffer.from('vlm-sft-studio hub token v1');

/**
 * AES-256-GCM file under `dir`. The key is derived (HKDF-SHA256) from a random
 * machine-local secret beside it, readable by its owner only, so copying the
 * token file alone to another machine reveals nothing.
 */
export class EncryptedFileTokenStore implements TokenStore {
  readonly source = 'file' as const;
  constructor(readonly dir: string) {}

  get tokenFile(): string {
    return join(this.dir, TOKEN_FILE);
  }
  get keyFile(): string {
    return join(this.dir, KEY_FILE);
  }

  async get(): Promise<HubCredential | null> {
    if (!existsSync(this.tokenFile)) return null;
    if (!existsSync(this.keyFile)) throw new StudioError('token_store', `${this.keyFile} is missing, so ${this.tokenFile} cannot be read; sign in again`);
    const box = JSON.parse(readFileSync(this.tokenFile, 'utf8')) as { v?: number; salt?: string; iv?: string; tag?: string; data?: string };
    if (box.v !== 1 || !box.salt || !box.iv || !box.tag || !box.data) throw new StudioError('token_store', `${this.tokenFile} is not a studio token file; sign in again`);
    const key = this.key(Buffer.from(box.salt, 'base64'));
    try {
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(box.iv, 'base64'));
      d.setAAD(AAD);
      d.setAuthTag(Buffer.from(box.tag, 'base64'));
      const plain = Buffer.concat([d.update(Buffer.from(box.data, 'base64')), d.final()]).toString('utf8');
      return parseCredential(plain, this.tokenFile);
    } catch (err) {
      if (err instanceof StudioError) throw err;
      throw new StudioError('token_store', `${this.tokenFile} cannot be decrypted with ${this.keyFile} (written on another machine, or changed); sign in again`);
    }
  }

  async set(c: HubCredential): Promise<void> {
    this.ensureSecret();
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key(salt), iv);
    cipher.setAAD(AAD);
    const data = Buffer.concat([cipher.update(JSON.stringify(c), 'utf8'), cipher.final()]);
    const box = { v: 1, salt: salt.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
    writePrivate(this.tokenFile, JSON.stringify(box));
  }

  async clear(): Promise<void> {
    rmSync(this.tokenFile, { force: true });
  }

  private ensureSecret(): void {
    if (existsSync(this.keyFile)) return;
    writePrivate(this.keyFile, randomBytes(32));
  }

  private key(salt: Buffer): Buffer {
    // Windows has no POSIX modes; there the user profile folder is the boundary.
    if (process.platform !== 'win32') {
      const mode = statSync(this.keyFile).mode & 0o777;
      if (mode & 0o077)
        throw new StudioError('token_store', `${this.keyFile} is readable by other users (mode ${mode.toString(8)}); run chmod 600 on it, or delete it and sign in again`);
    }
    const secret = readFileSync(this.keyFile);
    if (secret.length !== 32) throw new StudioError('token_store', `${this.keyFile} is not a 32-byte key; delete it and sign in again`);
    return Buffer.from(hkdfSync('sha256', secret, salt, AAD, 32));
  }
}

/** The subset of Electron's safeStorage the store needs; injected so the core never imports electron. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means no keychain is in use (the text is only obfuscated). */
  getSelectedStorageBackend?(): string;
}

/** The OS keychain through Electron's safeStorage; the encrypted blob is kept in `file`. */
export class SafeStorageTokenStore implements TokenStore {
  readonly source = 'keychain' as const;
  constructor(
    private readonly safe: SafeStorageLike,
    readonly file: string,
  ) {}

  async get(): Promise<HubCredential | null> {
    if (!existsSync(this.file)) return null;
    this.requireKeychain();
    let plain: string;
    try {
      plain = this.safe.decryptString(readFileSync(this.file));
    } catch (err) {
      throw new StudioError('token_store', `the OS keychain cannot decrypt ${this.file} (${(err as Error).message}); sign in again`);
    }
    return parseCredential(plain, this.file);
  }

  async set(c: HubCredential): Promise<void> {
    this.requireKeychain();
    writePrivate(this.file, this.safe.encryptString(JSON.stringify(c)));
  }

  async clear(): Promise<void> {
    rmSync(this.file, { force: true });
  }

  private requireKeychain(): void {
    if (!this.safe.isEncryptionAvailable()) throw new StudioError('no_keychain', 'the OS keychain is not available on this machine; use HF_TOKEN or the encrypted file store');
    if (this.safe.getSelectedStorageBackend?.() === 'basic_text')
      throw new StudioError(
        'no_keychain',
        'no OS keychain is running (safeStorage would only obfuscate the token); start a keyring such as gnome-keyring or kwallet, or use HF_TOKEN',
      );
  }
}

export interface TokenStoreChoice {
  /** The app's config folder: the encrypted file store and the keychain blob live here. */
  configDir: string;
  /** Electron's safeStorage, when running in Electron. */
  safeStorage?: SafeStorageLike;
  env?: NodeJS.ProcessEnv;
}

/** HF_TOKEN when it is set; else the OS keychain when Electron has one; else the encrypted file. */
export function defaultTokenStore(c: TokenStoreChoice): TokenStore {
  const env = c.env ?? process.env;
  if (env.HF_TOKEN?.trim()) return new EnvTokenStore(env);
  const s = c.safeStorage;
  if (s && s.isEncryptionAvailable() && s.getSelectedStorageBackend?.() !== 'basic_text') return new SafeStorageTokenStore(s, join(c.configDir, 'hub-token.bin'));
  return new EncryptedFileTokenStore(c.configDir);
}
