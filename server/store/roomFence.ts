// The fence of a shared room (schema/entities/roomWriter.ts): taken by bumping the epoch when the
// room loads, checked (and the row locked) first in every transaction the room commits. Also the
// read of many writers' epochs at once, for the fence watch (server/jobs/fenceWatch.ts).
import { Account } from '../../schema/entities/account.ts';
import { RoomWriter } from '../../schema/entities/roomWriter.ts';
import { DomainError } from '../domain/errors.ts';
import { namesOf, perMapping } from './entityNames.ts';
import { CommitFailed } from './mutation.ts';
import { preparedEach, isTransient, type Queryable, type Sql } from './sql.ts';

/** Where a writer's epoch lives: its account row (a player room) or its room_writers row. */
export type FenceKind = 'account' | 'roomWriter';
export const FENCE_KINDS = ['account', 'roomWriter'] as const satisfies ReadonlyArray<FenceKind>;

const statements = perMapping((metadata) => {
  const w = namesOf(metadata, RoomWriter);
  const epochs = (n: { table: string; col(property: 'id' | 'epoch'): string }) => `SELECT ${n.col('id')} AS id, ${n.col('epoch')} AS epoch FROM ${n.table} WHERE ${n.col('id')} = ANY($1)`;
  return preparedEach({
    epochs: { account: epochs(namesOf(metadata, Account)), roomWriter: epochs(w) } satisfies Record<FenceKind, string>,
    take: `INSERT INTO ${w.table} AS w (${w.cols(['id', 'epoch'])}) VALUES ($1, 1)
     ON CONFLICT (${w.col('id')}) DO UPDATE SET ${w.col('epoch')} = w.${w.col('epoch')} + 1 RETURNING ${w.select(['epoch'])}`,
    check: `UPDATE ${w.table} SET ${w.col('epoch')} = ${w.col('epoch')} WHERE ${w.col('id')} = $1 AND ${w.col('epoch')} = $2 RETURNING ${w.col('id')}`,
  });
});

export async function takeRoomFence(sql: Sql, writerId: string, trx?: Queryable): Promise<number> {
  const [row] = await sql.query<{ epoch: string }>(statements(sql.metadata).take, [writerId], trx);
  return Number(row.epoch);
}

/** Runs `work` in one transaction that commits only while `epoch` still holds the fence. */
export async function commitFenced<T>(sql: Sql, writerId: string, epoch: number, work: (trx: Queryable) => Promise<T>): Promise<T> {
  try {
    return await sql.transaction(
      async (trx) => {
        const held = await sql.query(statements(sql.metadata).check, [writerId, epoch], trx);
        if (held.length === 0) throw new CommitFailed('fenced', `${writerId} is written by a newer room`);
        return await work(trx);
      },
      { commits: true },
    );
  } catch (error) {
    // A domain refusal found inside the transaction (e.g. nothing to remove) rolled it back.
    if (error instanceof CommitFailed || error instanceof DomainError) throw error;
    if (isTransient(error)) throw new CommitFailed('unavailable', 'storage is unavailable', { cause: error });
    throw new CommitFailed('rejected', 'the command could not be committed', { cause: error });
  }
}

/** The epoch each of `ids` holds now, for fences of one kind (a writer with no row is left out). */
export async function fenceEpochs(sql: Sql, kind: FenceKind, ids: string[]): Promise<Map<string, number>> {
  const rows = await sql.query<{ id: string; epoch: string }>(statements(sql.metadata).epochs[kind], [ids]);
  return new Map(rows.map((r) => [r.id, Number(r.epoch)]));
}
