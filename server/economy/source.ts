// Where the server's deciders read the economy (shared/economy.ts): `current()` is the version in
// force, read once at the start of a command so that one command is decided under one version.
// The live, versioned source (published by admins, shared by every process) is
// server/economy/runtime.ts; `fixedEconomy` serves one version, for tests and tools.
import type { PublishedEconomy } from '../../shared/economy.ts';

export interface EconomySource {
  /** The version in force now. Synchronous: a decision never waits for it. */
  current(): PublishedEconomy;
}

export function fixedEconomy(published: PublishedEconomy): EconomySource {
  return { current: () => published };
}
