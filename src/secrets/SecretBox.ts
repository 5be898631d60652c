import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { HooklineError } from '../errors.js';

/** Marks an encrypted value: `hlenc:v1:<key id>:<base64url of iv | tag | ciphertext>`. */
const PREFIX = 'hlenc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

interface Key {
  id: string;
  bytes: Buffer;
}

/**
 * Encryption of secrets at rest: AES-256-GCM with a random 96-bit IV per value, the value's
 * place (webhook id and field) bound in as additional data so a ciphertext copied onto another
 * webhook or field does not decrypt. One current key encrypts; earlier keys still decrypt
 * during a rotation. Each value names its key by a short id (a hash, not the key), so a value
 * whose key is missing is reported as such. Without a key, values pass through as they are.
 */
export class SecretBox {
  private readonly byId = new Map<string, Key>();

  private constructor(
    private readonly current: Key | null,
    old: Key[],
  ) {
    for (const k of [...old, ...(current ? [current] : [])]) this.byId.set(k.id, k);
  }

  /** From HOOKLINE_ENCRYPTION_KEY and HOOKLINE_ENCRYPTION_KEYS_OLD (comma-separated). */
  static fromConfig(config: { encryptionKey: string | null; encryptionKeysOld: string | null }): SecretBox {
    const current = config.encryptionKey ? parseKey(config.encryptionKey, 'HOOKLINE_ENCRYPTION_KEY') : null;
    const old = (config.encryptionKeysOld ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter((k) => k !== '')
      .map((k) => parseKey(k, 'HOOKLINE_ENCRYPTION_KEYS_OLD'));
    return new SecretBox(current, old);
  }

  /** A fresh random key in the form HOOKLINE_ENCRYPTION_KEY takes (base64). */
  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }

  /** The id of the key new values are encrypted with; null when they are stored as given. */
  get keyId(): string | null {
    return this.current?.id ?? null;
  }

  /** The key id a stored value was encrypted with; null for a value stored as given. */
  static keyIdOf(stored: string): string | null {
    if (!stored.startsWith(PREFIX)) return null;
    return stored.slice(PREFIX.length, stored.indexOf(':', PREFIX.length));
  }

  seal(plain: string, context: string): string {
    if (!this.current) return plain;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.bytes, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${PREFIX}${this.current.id}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  /** The plain value; throws CONFIG_INVALID naming the key id when no configured key opens it. */
  open(stored: string, context: string): string {
    const keyId = SecretBox.keyIdOf(stored);
    if (keyId === null) return stored;
    const key = this.byId.get(keyId);
    if (!key) {
      throw new HooklineError(
        'CONFIG_INVALID',
        `A stored secret is encrypted with key ${keyId}, which is not configured; set HOOKLINE_ENCRYPTION_KEY (or HOOKLINE_ENCRYPTION_KEYS_OLD) to that key.`,
      );
    }
    const raw = Buffer.from(stored.slice(PREFIX.length + keyId.length + 1), 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.bytes, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      // Never the value or the key in the message: only where it failed.
      throw new HooklineError('CONFIG_INVALID', `A stored secret (${context}) does not decrypt with key ${keyId}: it was altered or belongs elsewhere.`);
    }
  }
}

/** 32 bytes given as base64 (standard or URL-safe) or as 64 hex digits. */
function parseKey(text: string, name: string): Key {
  const bytes = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (bytes.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(text) && !/^[A-Za-z0-9+/_-]{43}=?$/.test(text))) {
    // The value itself is a secret: never echo it.
    throw new HooklineError('CONFIG_INVALID', `${name} must be 32 random bytes as base64 (44 characters) or hex (64 digits); generate one with: openssl rand -base64 32`);
  }
  const id = createHash('sha256').update('hookline-encryption-key-id\0').update(bytes).digest('hex').slice(0, 12);
  return { id, bytes };
}
