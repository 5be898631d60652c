import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { usageError } from './CliError.js';

/** A saved server address and token, as `hookline login` stores them. */
export interface Profile {
  readonly url: string;
  readonly token: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** `$XDG_CONFIG_HOME/hookline/profiles.json`, else `~/.config/hookline/profiles.json`. */
export function profilesFile(env: Env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || env.USERPROFILE || '.', '.config');
  return join(base, 'hookline', 'profiles.json');
}

function readAll(env: Env): Record<string, Profile> {
  const file = profilesFile(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  try {
    return JSON.parse(text) as Record<string, Profile>;
  } catch {
    throw usageError(`${file} is not valid JSON; fix it or delete it and run \`hookline login\` again`);
  }
}

export function readProfile(env: Env, name: string): Profile | null {
  return readAll(env)[name] ?? null;
}

/** Saves a profile readable by its owner only: it holds a token. Returns the file's path. */
export function saveProfile(env: Env, name: string, profile: Profile): string {
  const file = profilesFile(env);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const all = { ...readAll(env), [name]: profile };
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  // writeFileSync keeps an existing file's mode; a file made before this version may be wider.
  chmodSync(file, 0o600);
  return file;
}
