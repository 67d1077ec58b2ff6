// Crash bets in the bank test (tests/support/bank.ts): players sit at the `crash` table
// too, bet while it takes bets and cash out while it runs, with the same retry rules as every
// other command. A bet's stake is debited by the player's own room into escrow
// (`stake:crash:<table>:<id>`, reason `crash.bet`, ref `crash:<table>:<round>`); the round's
// settlement moves escrow to the house, pays cash-outs from the house and refunds the stakes of a
// round cut short (server/rooms/CrashRoom.ts). After the load the checks here ask the ledger
// whether each acknowledged bet was staked once, each acknowledged cash-out paid once, and no
// stake is left in escrow.
import { crashStream } from '../../shared/protocol.ts';
import { CrashCommandType, DEFAULT_CRASH_TABLE, type CrashBetResult, type CrashCashoutResult } from '../../shared/crashCommands.ts';
import { EventType } from '../../shared/events.ts';
import type { CrashState } from '../../shared/state.ts';
import type { PlayerConnection, Reply } from './client.ts';
import { queryRows } from './ledger.ts';
import { waitFor } from './wait.ts';

export const CRASH_TABLE = DEFAULT_CRASH_TABLE;
export const CRASH_STREAM = crashStream(CRASH_TABLE);

/** Short rounds, so a 14 s run sees several: 0.8 s of bets, ~0.7 s median run, 0.2 s pause. */
export const CRASH_ENV = { CRASH_BETTING_MS: '800', CRASH_PAUSE_MS: '200', CRASH_GROWTH_PER_SECOND: '1' };

/** The record ids a crash command is stored under: the table's reply, and a bet's stake. */
export function crashRecordIds(type: string, id: string): string[] {
  // The table's writer stores replies under `<stream>:<id>` (server/writers/serialWriter.ts).
  if (type === CrashCommandType.bet) return [`${CRASH_STREAM}:${id}`, stakeRecordId(id)];
  return [`${CRASH_STREAM}:${id}`];
}

function stakeRecordId(id: string): string {
  return `stake:crash:${CRASH_TABLE}:${id}`;
}

function roundRef(roundId: number): string {
  return `crash:${CRASH_TABLE}:${roundId}`;
}

/** What a seat needs of the bank test's client (its `Sim`). */
export type TableClient = {
  live(kind: 'crash'): Promise<PlayerConnection<any>>;
  command(kind: 'crash', type: string, fields?: Record<string, unknown>): Promise<Reply>;
};

/** One player at the table: one bet a round while betting, one cash-out while its round runs. */
export class CrashSeat {
  readonly #client: TableClient;
  #triedRound = -1;
  #betRound = -1;
  #cashedRound = -1;

  constructor(client: TableClient) {
    this.#client = client;
  }

  /** Bets or cashes out if the phase allows it; false when there was nothing to do at the table. */
  async turn(): Promise<boolean> {
    const table = (await this.#client.live('crash')).state as CrashState;
    if (table.phase === 'betting' && table.roundId !== this.#triedRound) {
      this.#triedRound = table.roundId;
      const reply = await this.#client.command('crash', CrashCommandType.bet, { amount: 1 + Math.floor(Math.random() * 5) });
      // A bet retried across a reconnect may land in a later round; the ack says which.
      if ('ack' in reply) this.#triedRound = this.#betRound = (reply.ack.result as CrashBetResult).roundId;
      return true;
    }
    if (table.phase === 'running' && table.roundId === this.#betRound && this.#cashedRound !== this.#betRound) {
      this.#cashedRound = this.#betRound;
      await this.#client.command('crash', CrashCommandType.cashout);
      return true;
    }
    return false;
  }
}

export type AckedCrashCommand = { id: string; type: string; userId: string; result: unknown };

export type CrashReport = {
  /** Acknowledged crash.bet / crash.cashout. */
  bets: number;
  cashouts: number;
  /** Rounds settled, and of those the ones settled as interrupted (their table's room went away). */
  rounds: number;
  interruptedRounds: number;
  /** crash.refund transfers (stakes of interrupted rounds, or of bets the table never recorded). */
  refunds: number;
  /** Acknowledged bets whose stake is not one `crash.bet` debit of the acked amount into the acked round (ids). */
  stakesNotOnce: string[];
  /** Acknowledged cash-outs not paid exactly once, by the acked amount (ids). */
  payoutsNotOnce: string[];
  /** Stakes still in escrow after the load: by round ref, and whether that round is marked settled. */
  escrowHeld: Array<{ ref: string; amount: number; settled: boolean }>;
  /** Whether the table started another round after the load (a stalled table never does). */
  wentOn: boolean;
};

/** Whether the table shown by `tab` starts another round within `ms`. */
export function tableGoesOn(tab: PlayerConnection<any>, ms: number): Promise<boolean> {
  const from = (tab.state as CrashState).roundId;
  return waitFor(async () => (tab.state as CrashState).roundId > from, ms, 100).then(
    () => true,
    () => false,
  );
}

/** Escrow holds nothing once every round with a stake is settled and its refunds are applied. */
export async function escrowBalance(databaseUrl: string): Promise<number> {
  const [row] = await queryRows<{ balance: string }>(databaseUrl, `SELECT coalesce((SELECT coalesce((SELECT balance FROM balances WHERE account = 'escrow' AND currency = 'gold'), 0) AS balance), 0) AS balance`);
  return Number(row.balance);
}

export async function crashReport(databaseUrl: string, acked: AckedCrashCommand[], wentOn: boolean, log: (line: string) => void): Promise<CrashReport> {
  const bets = acked.filter((a) => a.type === CrashCommandType.bet);
  const cashouts = acked.filter((a) => a.type === CrashCommandType.cashout);

  const stakes = new Map<string, Array<{ from_account: string; amount: string; ref: string }>>();
  for (const row of await queryRows<{ command_id: string; from_account: string; amount: string; ref: string }>(
    databaseUrl,
    `SELECT command_id, from_account, amount, ref FROM transfers WHERE command_id = ANY($1) AND reason = 'crash.bet' AND to_account = 'escrow'`,
    [bets.map((b) => stakeRecordId(b.id))],
  )) {
    stakes.set(row.command_id, [...(stakes.get(row.command_id) ?? []), row]);
  }
  const stakesNotOnce = bets
    .filter((b) => {
      const rows = stakes.get(stakeRecordId(b.id)) ?? [];
      const result = b.result as CrashBetResult;
      return rows.length !== 1 || rows[0].from_account !== b.userId || Number(rows[0].amount) !== result.amount || rows[0].ref !== roundRef(result.roundId);
    })
    .map((b) => b.id);

  const payouts = new Map<string, number[]>();
  for (const row of await queryRows<{ to_account: string; ref: string; amount: string }>(
    databaseUrl,
    `SELECT to_account, ref, amount FROM transfers WHERE reason = 'crash.payout' AND ref LIKE $1`,
    [`crash:${CRASH_TABLE}:%`],
  )) {
    const key = `${row.to_account}/${row.ref}`;
    payouts.set(key, [...(payouts.get(key) ?? []), Number(row.amount)]);
  }
  const payoutsNotOnce: string[] = [];
  for (const c of cashouts) {
    const result = c.result as CrashCashoutResult;
    const paid = payouts.get(`${c.userId}/${roundRef(result.roundId)}`) ?? [];
    if (paid.length === 1 && paid[0] === result.payout) continue;
    payoutsNotOnce.push(c.id);
    const [round] = await queryRows<{ bets: Record<string, unknown>; settled_at: Date | null }>(databaseUrl, 'SELECT bets, settled_at FROM crash_rounds WHERE table_id = $1 AND round_id = $2', [CRASH_TABLE, result.roundId]);
    const moved = await queryRows<{ reason: string; from_account: string; to_account: string; amount: string }>(databaseUrl, 'SELECT reason, from_account, to_account, amount FROM transfers WHERE ref = $1 ORDER BY id', [roundRef(result.roundId)]);
    log(
      `cash-out ${c.id} of ${c.userId} in round ${result.roundId} acked at ${result.multiplier}x for ${result.payout}, paid [${paid.join(', ')}]; ` +
        `the round's stored bet ${JSON.stringify(round?.bets[c.userId])}, settled ${round?.settled_at ? 'yes' : 'no'}; its transfers ${moved.map((t) => `${t.reason} ${t.from_account}->${t.to_account} ${t.amount}`).join(', ')}`,
    );
  }

  const escrowHeld = (
    await queryRows<{ ref: string; held: string; settled: boolean }>(
      databaseUrl,
      `SELECT t.ref, t.held, EXISTS (SELECT 1 FROM crash_rounds r WHERE 'crash:' || r.table_id || ':' || r.round_id = t.ref AND r.settled_at IS NOT NULL) AS settled
         FROM (SELECT ref, sum(CASE WHEN to_account = 'escrow' THEN amount ELSE -amount END) AS held
                 FROM transfers WHERE 'escrow' IN (from_account, to_account) GROUP BY ref) t
        WHERE t.held <> 0 ORDER BY t.ref`,
    )
  ).map((r) => ({ ref: r.ref, amount: Number(r.held), settled: r.settled }));

  const [rounds] = await queryRows<{ settled: string; interrupted: string }>(
    databaseUrl,
    `SELECT count(*) AS settled, count(*) FILTER (WHERE (payload->>'interrupted')::boolean) AS interrupted
       FROM outbox WHERE stream = $1 AND type = $2 AND payload->>'phase' = 'crashed'`,
    [CRASH_STREAM, EventType.crashRound],
  );
  const [refunds] = await queryRows<{ n: string }>(databaseUrl, `SELECT count(*) AS n FROM transfers WHERE reason = 'crash.refund'`);
  return {
    bets: bets.length,
    cashouts: cashouts.length,
    rounds: Number(rounds.settled),
    interruptedRounds: Number(rounds.interrupted),
    refunds: Number(refunds.n),
    stakesNotOnce,
    payoutsNotOnce,
    escrowHeld,
    wentOn,
  };
}
