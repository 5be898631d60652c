import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Issued {
  cert: string;
  key: string;
}

export interface TestPki {
  ca: Issued;
  /** A certificate signed by this CA; `days` may be negative for one that has already expired. */
  issue(name: string, opts?: { days?: number; server?: boolean }): Issued;
  remove(): void;
}

/**
 * A certificate authority made for one test with Debian's openssl (P-256 keys: fast to make),
 * and the certificates it signs. Server certificates name 127.0.0.1 and localhost.
 */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-pki-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=Hookline test CA');
  let serial = 1;
  return {
    ca: { cert: read('ca.pem'), key: read('ca.key') },
    issue(name, { days = 30, server = false } = {}) {
      const base = `${name}-${serial}`;
      run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${name}`);
      writeFileSync(join(dir, `${base}.ext`), server ? 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' : 'extendedKeyUsage=clientAuth\n');
      run('x509', '-req', '-in', `${base}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', String(serial++), '-days', String(days), '-extfile', `${base}.ext`, '-out', `${base}.pem`);
      return { cert: read(`${base}.pem`), key: read(`${base}.key`) };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
