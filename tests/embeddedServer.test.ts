// Embedded mode end to end: no DATABASE_URL and no secrets given. The server invents the secrets
// once under DATA_DIR, keeps its data in PGlite there, and a restart keeps tokens, balances and
// stored replies.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CommandType } from '../shared/commands.ts';
import { expectAck, expectNack, joinPlayerRoom, newId, signInGuest, type Session } from './support/client.ts';
import { startEmbeddedPostgres } from '../server/db/embedded.ts';
import { assertLedgerHolds, queryRows } from './support/ledger.ts';
import { startServer, type RunningServer } from './support/server.ts';

const PASSWORD_LINE = /admin password \(kept in .*secrets\.json\): (\S+)/g;

let dataDir: string;
let server: RunningServer | undefined;

// Secrets passed as '' count as unset (config.ts), which overrides startServer's test defaults.
const embeddedEnv = () => ({ DATA_DIR: dataDir, JWT_SECRET: '', ADMIN_PASSWORD: '' });

before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'coffer-embedded-server-'));
});
after(async () => {
  await server?.kill();
  await rm(dataDir, { recursive: true, force: true });
});

async function adminStatus(url: string, password: string): Promise<number> {
  const res = await fetch(`${url}/auth/admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
  return res.status;
}

describe('embedded server across a restart', () => {
  let me: Session;
  let adminPassword: string;
  const claimId = newId();
  let claimResult: { day: number; reward: number; balance: number };
  let balance: number;

  test('first start: prints the invented admin password once, then serves claims and games', async () => {
    server = await startServer(embeddedEnv());
    const printed = [...server.output().matchAll(PASSWORD_LINE)];
    assert.equal(printed.length, 1, `the admin password is printed exactly once:\n${server.output()}`);
    adminPassword = printed[0][1];
    assert.equal(await adminStatus(server.url, adminPassword), 200, 'the printed password is the admin password');

    const health = await (await fetch(`${server.url}/health/ready`)).json();
    assert.deepEqual(health, { ok: true, components: { database: { ok: true } } }, 'embedded mode migrates at start');

    me = await signInGuest(server.url, 'dora');
    const tab = await joinPlayerRoom(server.url, me.token);
    claimResult = expectAck(await tab.send(CommandType.streakClaim, {}, claimId));
    assert.deepEqual(claimResult, { day: 1, reward: 100, currency: 'gold', balance: 100 });
    const game = expectAck(await tab.send('game.rps', { bet: 10, hand: 'rock' }));
    balance = game.balance;
    assert.equal(balance, 100 - 10 + game.payout);
    await tab.waitForState((s) => s.balance === balance && s.stats.get('rps')?.played === 1);
    await tab.leave();

    assert.equal(await server.stop(), 0, 'SIGTERM shuts down cleanly');
    server = undefined;
  });

  test('second start on the same DATA_DIR: same secrets, same state, same stored reply', async () => {
    assert.ok(me, 'the first start ran');
    server = await startServer(embeddedEnv());
    assert.doesNotMatch(server.output(), /admin password/i, 'the password is not printed again');
    assert.equal(await adminStatus(server.url, adminPassword), 200, 'the admin password was kept');

    // The token from before the restart still verifies: the JWT secret was kept.
    const tab = await joinPlayerRoom(server.url, me.token);
    assert.equal(tab.state.userId, me.userId);
    assert.equal(tab.state.balance, balance);
    assert.equal(tab.state.stats.get('rps')?.played, 1);
    assert.equal(tab.state.streak.day, 1);
    const seq = tab.state.seq;

    const retried = expectAck(await tab.send(CommandType.streakClaim, {}, claimId));
    assert.deepEqual(retried, claimResult, 'the original reply, not a second claim');
    const synced = expectAck(await tab.send(CommandType.eventsSync, { afterSeq: seq }));
    assert.deepEqual(synced, { events: [], seq }, 'the retry wrote no event');
    assert.equal(tab.state.balance, balance, 'the retry moved no gold');

    const again = expectNack(await tab.send(CommandType.streakClaim));
    assert.equal(again.code, 'CONFLICT');
    assert.equal(tab.state.balance, balance);
    await tab.leave();

    assert.equal(await server.stop(), 0);
    server = undefined;
  });

  test('the stopped data directory holds one claim transfer and a balanced ledger', async () => {
    assert.ok(me, 'the first start ran');
    const pg = await startEmbeddedPostgres(dataDir);
    try {
      const claims = await queryRows(pg.url, `SELECT amount FROM transfers WHERE to_account = $1 AND reason = 'streak.claim'`, [me.userId]);
      assert.equal(claims.length, 1);
      const [row] = await queryRows<{ balance: string }>(pg.url, `SELECT coalesce((SELECT balance FROM balances WHERE account = $1 AND currency = 'gold'), 0) AS balance`, [me.userId]);
      assert.equal(Number(row.balance), balance);
      await assertLedgerHolds(pg.url);
    } finally {
      await pg.close();
    }
  });
});
