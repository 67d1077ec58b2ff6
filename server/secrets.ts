// Embedded mode invents missing secrets once and keeps them under DATA_DIR, so a restart keeps
// tokens valid and the admin password stable. The admin password is printed only when created.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config.ts';

export type Secrets = { jwtSecret: string; adminPassword: string; createdAdminPassword: boolean };

export async function resolveSecrets(config: Config): Promise<Secrets> {
  if (config.jwtSecret && config.adminPassword) {
    return { jwtSecret: config.jwtSecret, adminPassword: config.adminPassword, createdAdminPassword: false };
  }
  const file = path.join(config.dataDir, 'secrets.json');
  let stored: { jwtSecret?: string; adminPassword?: string } = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const jwtSecret = config.jwtSecret ?? stored.jwtSecret ?? randomBytes(32).toString('base64url');
  const createdAdminPassword = !config.adminPassword && !stored.adminPassword;
  const adminPassword = config.adminPassword ?? stored.adminPassword ?? randomBytes(12).toString('base64url');
  if (stored.jwtSecret !== jwtSecret || stored.adminPassword !== adminPassword) {
    await mkdir(config.dataDir, { recursive: true });
    await writeFile(file, JSON.stringify({ jwtSecret, adminPassword }, null, 2), { mode: 0o600 });
  }
  return { jwtSecret, adminPassword, createdAdminPassword };
}
