// Structured logs: one line per event with ids, never secrets (docs/ARCHITECTURE.md "Conventions").
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ level, base: { pid: process.pid }, redact: ['token', 'password', '*.token', '*.password'] });
}
