// Embedded mode invents missing secrets once and keeps them under DATA_DIR, so a restart keeps
// tokens valid and the admin password stable. The admin password is printed only when created.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
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
  // Only invented secrets are kept on disk; values from the environment stay where they came from.
  const invented = {
    jwtSecret: stored.jwtSecret ?? randomBytes(32).toString('base64url'),
    adminPassword: stored.adminPassword ?? randomBytes(12).toString('base64url'),
  };
  const keep = { ...(config.jwtSecret ? {} : { jwtSecret: invented.jwtSecret }), ...(config.adminPassword ? {} : { adminPassword: invented.adminPassword }) };
  if (keep.jwtSecret !== stored.jwtSecret || keep.adminPassword !== stored.adminPassword) {
    await mkdir(config.dataDir, { recursive: true });
    // Write then rename, so a crash mid-write never leaves a half file that stops the next start.
    await writeFile(`${file}.tmp`, JSON.stringify({ ...stored, ...keep }, null, 2), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  }
  return {
    jwtSecret: config.jwtSecret ?? invented.jwtSecret,
    adminPassword: config.adminPassword ?? invented.adminPassword,
    createdAdminPassword: !config.adminPassword && !stored.adminPassword,
  };
}
