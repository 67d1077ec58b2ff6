// A shared room's fenced serial writer (server/writers/serialWriter.ts) as the cores see it: a port
// that runs a decided step once per (actor, id), in its turn, with its writes in the writer's
// fenced transaction (`T`) and its `apply` after the commit. The cores hand it steps; they never
// open a transaction or reach a room themselves.
import type { Ack, Nack } from '../../shared/protocol.ts';
import type { DomainEvent } from '../domain/player.ts';

/** The writer's answer to a command (the wire's ack or nack). */
export type Answer = { ack: Ack } | { nack: Nack };

/** What a command decided (SharedDecision in serialWriter.ts); `P` its share of a group's writes. */
export type WriterStep<T, P = never> = {
  result: unknown;
  events: DomainEvent[];
  /** Before the transaction opens (a call to another room, which commits on its own). */
  prepare?: () => Promise<void>;
  write?: (trx: T) => Promise<void>;
  part?: P;
  apply?: () => void;
};

/** How a command runs: alone, in groups (`independent`, their parts written by `writeAll`), or as the room's own. */
export type RunMode<T, P> = { independent?: boolean; own?: boolean; writeAll?: (trx: T, parts: P[]) => Promise<void> };

export type WriterPort<T> = {
  run<P>(actor: string, id: string, hash: string, decide: () => WriterStep<T, P>, mode?: RunMode<T, P>): Promise<Answer>;
};
