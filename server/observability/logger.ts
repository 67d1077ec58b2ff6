// Structured logs: one line per event with ids, never secrets (STYLE.md rule 10).
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ level, base: { pid: process.pid }, redact: ['token', 'password', '*.token', '*.password'] });
}
