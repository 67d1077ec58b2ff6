// Server-owned shared rooms in embedded mode (PGlite, one serialized connection): the crash table
// `main` exists without anyone creating it, a client's create cannot replace it, and a bet in a
// round that ran comes out the same whether the room that ran the round settles it or a successor
// does after kill -9 (here: lost to the house, never refunded). Then the ledger holds.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CommandType } from '../shared/commands.ts';
import { CrashCommandType } from '../shared/crashCommands.ts';
import { PROTOCOL_VERSION, RoomName } from '../shared/protocol.ts';
import { CrashState } from '../shared/state.ts';
import { startEmbeddedPostgres } from '../server/db/embedded.ts';
import { expectAck, joinPlayerRoom, joinRoom, signInGuest } from './support/client.ts';
import { assertLedgerHolds, queryRows } from './support/ledger.ts';
import { matchmake } from './support/rawRoom.ts';
import { startServer, type RunningServer } from './support/server.ts';

let dataDir: string;
let server: RunningServer | undefined;
// Secrets passed as '' count as unset: embedded mode invents and keeps them under DATA_DIR.
const env = () => ({ DATA_DIR: dataDir, JWT_SECRET: '', ADMIN_PASSWORD: '', CRASH_BETTING_MS: '800', CRASH_PAUSE_MS: '100', CRASH_GROWTH_PER_SECOND: '0.5', EFFECT_SWEEP_SECONDS: '1' });

before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'coffer-embedded-crash-'));
});
after(async () => {
  await server?.kill();
  await rm(dataDir, { recursive: true, force: true });
});

test('embedded: the table is the server\'s, and a bet in a round that ran is played whoever settles it', async () => {
  server = await startServer(env());
  const me = await signInGuest(server.url);
  const wallet = await joinPlayerRoom(server.url, me.token);
  const funds = expectAck(await wallet.send(CommandType.streakClaim)).balance as number;
  const table = await joinRoom(server.url, me.token, RoomName.crash, CrashState);
  table.room.reconnection.enabled = false;

  const created = await matchmake(server.url, RoomName.crash, { method: 'create', token: me.token, options: { protocol: PROTOCOL_VERSION, table: 'main' } });
  assert.equal(created.status, 403);
  const madeUp = await matchmake(server.url, RoomName.crash, { token: me.token, options: { protocol: PROTOCOL_VERSION, table: 'mine' } });
  assert.equal(madeUp.status, 404);

  await table.waitForState((s) => s.phase === 'betting' && s.seedHash !== '');
  const bet = expectAck(await table.send(CrashCommandType.bet, { amount: 30 }));
  await table.waitForState((s) => s.phase !== 'betting' || s.roundId !== bet.roundId);
  // Killed while the round runs (or just after it crashed: the outcome must be the same).
  await server.kill();

  server = await startServer(env());
  const again = await joinRoom(server.url, me.token, RoomName.crash, CrashState);
  await again.waitForState((s) => s.roundId > bet.roundId);
  const back = await joinPlayerRoom(server.url, me.token);
  assert.equal(back.state.balance, funds - 30, 'the stake was played (lost to the house), not refunded');
  await Promise.all([again.leave(), back.leave()]);
  await server.kill();
  server = undefined;

  const pg = await startEmbeddedPostgres(dataDir);
  try {
    const moved = await queryRows<{ reason: string; amount: string }>(pg.url, `SELECT reason, amount FROM transfers WHERE ref = $1 ORDER BY id`, [`crash:main:${bet.roundId}`]);
    assert.deepEqual(moved.map((t) => [t.reason, Number(t.amount)]), [['crash.bet', 30], ['crash.settle', 30]]);
    const [escrow] = await queryRows<{ balance: string }>(pg.url, `SELECT coalesce((SELECT balance FROM balances WHERE account = 'escrow' AND currency = 'gold'), 0) AS balance`);
    assert.equal(Number(escrow.balance), 0);
    await assertLedgerHolds(pg.url);
  } finally {
    await pg.close();
  }
});
