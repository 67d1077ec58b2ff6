// The admin room: grants (idempotent, live in the player's tab, never below zero),
// announcements to every player, user lookup, the audit (and a corrupted transfer it must catch),
// kick, the audit trail of admin actions, and admin state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdminCommandType, type AuditResult, type UserView } from '../shared/adminCommands.ts';
import { CommandType } from '../shared/commands.ts';
import { CloseCode, RoomName } from '../shared/protocol.ts';
import { AdminState } from '../shared/state.ts';
import { expectAck, expectNack, joinPlayerRoom, joinRoom, newId, refusalOf, signInAdmin, signInGuest, type PlayerConnection } from './support/client.ts';
import { serverFixture } from './support/fixture.ts';
import { queryRows } from './support/ledger.ts';
import { TEST_ADMIN_PASSWORD } from './support/server.ts';
import { waitFor } from './support/wait.ts';

const fx = serverFixture('coffer_admin');

async function admin(): Promise<PlayerConnection<AdminState>> {
  const session = await signInAdmin(fx.server.url, TEST_ADMIN_PASSWORD);
  return joinRoom(fx.server.url, session.token, RoomName.admin, AdminState);
}

async function audit(adminTab: PlayerConnection<AdminState>): Promise<AuditResult> {
  return expectAck(await adminTab.send(AdminCommandType.audit));
}

test('a grant with a retried id applies once and appears live in the player tab with one event', async () => {
  const adminTab = await admin();
  const me = await signInGuest(fx.server.url);
  const tab = await joinPlayerRoom(fx.server.url, me.token);
  const id = newId();
  const first = expectAck(await adminTab.send(AdminCommandType.grant, { userId: me.userId, amount: 500, reason: 'welcome gift' }, id));
  const retried = expectAck(await adminTab.send(AdminCommandType.grant, { userId: me.userId, amount: 500, reason: 'welcome gift' }, id));
  assert.deepEqual(first, { balance: 500, currency: 'gold' });
  assert.deepEqual(retried, first);
  await tab.waitForState((s) => s.balance === 500);
  const changes = tab.events.filter((e) => e.type === 'balance.changed');
  assert.deepEqual(changes.map((e) => e.data), [{ delta: 500, balance: 500, currency: 'gold', reason: 'admin.grant', ref: 'welcome gift' }]);
  const mismatch = expectNack(await adminTab.send(AdminCommandType.grant, { userId: me.userId, amount: 501, reason: 'welcome gift' }, id));
  assert.equal(mismatch.code, 'IDEMPOTENCY_MISMATCH');

  const debit = expectAck(await adminTab.send(AdminCommandType.grant, { userId: me.userId, amount: -200, reason: 'refund reversal' }));
  assert.deepEqual(debit, { balance: 300, currency: 'gold' });
  const tooMuch = expectNack(await adminTab.send(AdminCommandType.grant, { userId: me.userId, amount: -301, reason: 'too much' }));
  assert.equal(tooMuch.code, 'INSUFFICIENT_FUNDS');
  for (const [fields, field] of [
    [{ userId: me.userId, amount: 0, reason: 'zero' }, 'amount'],
    [{ userId: me.userId, amount: 1.5, reason: 'fraction' }, 'amount'],
    [{ userId: me.userId, amount: 5, reason: '' }, 'reason'],
    [{ userId: me.userId, amount: 5, reason: 'x'.repeat(201) }, 'reason'],
    [{ userId: 'bad id!', amount: 5, reason: 'x' }, 'userId'],
    [{ userId: me.userId, amount: 5, currency: 'Gold!', reason: 'x' }, 'currency'],
  ] as const) {
    const refused = expectNack(await adminTab.send(AdminCommandType.grant, fields));
    assert.equal(refused.code, 'INVALID_INPUT');
    assert.match(refused.message, new RegExp(field));
  }
  assert.equal(refusalOf(await adminTab.send(AdminCommandType.grant, { userId: 'never-played-user', amount: 5, reason: 'x' })), 'NOT_FOUND/UNKNOWN_USER');
  // The default economy has gold only: another currency is refused by the player's room, naming the field, and nothing moves.
  const unknown = expectNack(await adminTab.send(AdminCommandType.grant, { userId: me.userId, amount: 5, currency: 'gems', reason: 'x' }));
  assert.deepEqual([unknown.code, unknown.reason, unknown.message], ['INVALID_INPUT', 'UNKNOWN_CURRENCY', 'currency gems is not a currency of the economy']);
  assert.deepEqual(await queryRows(fx.db.url, `SELECT 1 FROM balances WHERE account = $1 AND currency = 'gems'`, [me.userId]), []);
  const ledger = await queryRows<{ reason: string; amount: string }>(fx.db.url, `SELECT reason, amount FROM transfers WHERE from_account = $1 OR to_account = $1 ORDER BY id`, [me.userId]);
  assert.deepEqual(ledger.map((t) => [t.reason, Number(t.amount)]), [['admin.grant', 500], ['admin.debit', 200]]);
  const report = await audit(adminTab);
  assert.equal(report.ok, true);
  assert.ok(report.minted >= 500 && report.burned >= 200);
  assert.equal(report.circulating, report.minted - report.burned - (await systemHoldings()));
  await Promise.all([tab.leave(), adminTab.leave()]);
});

/** Gold held by system accounts other than the mint (house winnings, shop takings, ...). */
async function systemHoldings(): Promise<number> {
  const [row] = await queryRows<{ sum: string | null }>(fx.db.url, `SELECT sum(balance) AS sum FROM balances WHERE kind = 'system' AND account <> 'mint' AND currency = 'gold'`);
  return Number(row.sum ?? 0);
}

test('a grant to an offline player loads their room; user.get shows balance, inventory and transfers', async () => {
  const adminTab = await admin();
  const me = await signInGuest(fx.server.url);
  const tab = await joinPlayerRoom(fx.server.url, me.token);
  await tab.leave();
  expectAck(await adminTab.send(AdminCommandType.grant, { userId: me.userId, amount: 120, reason: 'offline grant' }));
  const back = await joinPlayerRoom(fx.server.url, me.token);
  assert.equal(back.state.balance, 120);
  expectAck(await back.send(CommandType.shopBuy, { itemId: 'health-potion', qty: 2 }));
  const user: UserView = expectAck(await adminTab.send(AdminCommandType.userGet, { userId: me.userId }));
  assert.equal(user.balance, 20);
  assert.deepEqual(user.inventory, { 'health-potion': 2 });
  assert.deepEqual(user.ledger.map((t) => [t.from, t.to, t.amount, t.reason]), [
    [me.userId, 'shop', 100, 'shop.buy'],
    ['mint', me.userId, 120, 'admin.grant'],
  ]);
  assert.equal(refusalOf(await adminTab.send(AdminCommandType.userGet, { userId: 'nobody-here' })), 'NOT_FOUND/UNKNOWN_USER');
  await Promise.all([back.leave(), adminTab.leave()]);
});

test('an announcement reaches every open player tab once, on the gapless global stream', async () => {
  const adminTab = await admin();
  const players = await Promise.all([signInGuest(fx.server.url), signInGuest(fx.server.url)]);
  const tabs = await Promise.all(players.map((p) => joinPlayerRoom(fx.server.url, p.token)));
  const first = expectAck(await adminTab.send(AdminCommandType.announce, { text: 'Double XP this weekend' }));
  const second = expectAck(await adminTab.send(AdminCommandType.announce, { text: 'Maintenance at noon' }));
  assert.equal(second.seq, first.seq + 1);
  for (const tab of tabs) {
    await tab.waitForEvents((events) => events.filter((e) => e.stream === 'global').length === 2);
    assert.deepEqual(tab.events.filter((e) => e.stream === 'global').map((e) => [e.seq, e.type, e.data]), [
      [first.seq, 'announcement', { text: 'Double XP this weekend' }],
      [second.seq, 'announcement', { text: 'Maintenance at noon' }],
    ]);
  }
  const rows = await queryRows<{ seq: string }>(fx.db.url, `SELECT seq FROM outbox WHERE stream = 'global' ORDER BY seq`);
  assert.deepEqual(rows.map((r) => Number(r.seq)), Array.from({ length: rows.length }, (_, i) => i + 1));
  assert.equal(expectNack(await adminTab.send(AdminCommandType.announce, { text: ' ' })).code, 'INVALID_INPUT');
  await Promise.all([...tabs.map((t) => t.leave()), adminTab.leave()]);
});

test('kick closes every tab of the player with a reason; admin state shows supply and live counts', async () => {
  const adminTab = await admin();
  const me = await signInGuest(fx.server.url);
  const tabs = await Promise.all([joinPlayerRoom(fx.server.url, me.token), joinPlayerRoom(fx.server.url, me.token)]);
  const closed = tabs.map((t) => new Promise<number>((resolve) => t.room.onLeave((code) => resolve(code))));
  const result = expectAck(await adminTab.send(AdminCommandType.kick, { userId: me.userId, reason: 'spamming' }));
  assert.deepEqual(result, { kicked: 2 });
  assert.deepEqual(await Promise.all(closed), [CloseCode.KICKED, CloseCode.KICKED]);
  assert.deepEqual(expectAck(await adminTab.send(AdminCommandType.kick, { userId: me.userId, reason: 'again' })), { kicked: 0 });
  await adminTab.waitForState((s) => s.rooms >= 1 && s.supply.minted > 0);
  assert.equal(adminTab.state.supply.circulating, (await queryRows<{ sum: string }>(fx.db.url, `SELECT sum(balance) AS sum FROM balances WHERE kind = 'player' AND currency = 'gold'`)).map((r) => Number(r.sum))[0]);
  const trail = await queryRows<{ action: string; admin: string }>(fx.db.url, `SELECT action, admin FROM admin_audit WHERE action = 'admin.kick'`);
  assert.deepEqual(trail.map((t) => [t.action, t.admin]), [['admin.kick', 'admin'], ['admin.kick', 'admin']]);
  await adminTab.leave();
});

test('every admin action is in the audit table, and the audit catches a corrupted transfer', async () => {
  const adminTab = await admin();
  const before = await audit(adminTab);
  assert.equal(before.ok, true);
  assert.equal(before.sumOfBalances, 0);
  assert.deepEqual(before.mismatches, []);
  // Test-only corruption: one transfer's amount edited behind the ledger's back.
  const [victim] = await queryRows<{ id: string; to_account: string }>(fx.db.url, `SELECT id, to_account FROM transfers ORDER BY id LIMIT 1`);
  await queryRows(fx.db.url, `UPDATE transfers SET amount = amount + 7 WHERE id = $1`, [victim.id]);
  try {
    const broken = await audit(adminTab);
    assert.equal(broken.ok, false);
    assert.ok(broken.mismatches.some((m) => m.account === victim.to_account && m.fromTransfers === m.balance + 7), JSON.stringify(broken.mismatches));
  } finally {
    await queryRows(fx.db.url, `UPDATE transfers SET amount = amount - 7 WHERE id = $1`, [victim.id]);
  }
  assert.equal((await audit(adminTab)).ok, true);
  const task = expectAck(await adminTab.send(AdminCommandType.taskCreate, { board: 'audit-board', title: 'Audited', bountyGold: 5, bountyXp: 1 })).task;
  assert.equal(expectAck(await adminTab.send(AdminCommandType.taskCancel, { board: 'audit-board', taskId: task.id })).task.status, 'cancelled');
  const cancelledAgain = newId();
  assert.equal(refusalOf(await adminTab.send(AdminCommandType.taskCancel, { board: 'audit-board', taskId: task.id }, cancelledAgain)), 'NOT_FOUND/TASK_NOT_FOUND', 'a cancelled task is off the board');
  assert.deepEqual(expectAck(await adminTab.send(AdminCommandType.crashOpen, { table: 'audit-table' })), { table: 'audit-table', opened: true });
  assert.deepEqual(expectAck(await adminTab.send(AdminCommandType.crashOpen, { table: 'audit-table' })), { table: 'audit-table', opened: false }, 'opened once');
  expectAck(await adminTab.send(AdminCommandType.sessionsRevoke, { userId: 'audit-nobody', reason: 'audit trail' }));
  const { economy } = expectAck(await adminTab.send(AdminCommandType.economyGet));
  assert.deepEqual(expectAck(await adminTab.send(AdminCommandType.economyPublish, { economy, dryRun: true })), { valid: true });
  // The audit row is written after the reply, not awaited by it (AdminRoom #audited): wait for it.
  const audited = async () => (await queryRows<{ action: string }>(fx.db.url, `SELECT DISTINCT action FROM admin_audit`)).map((a) => a.action);
  const types = Object.values(AdminCommandType);
  // A timeout is not the failure to report: the assertions below name the action that is missing.
  await waitFor(async () => { const actions = await audited(); return types.every((type) => actions.includes(type)); }, 10_000).catch(() => undefined);
  const actions = await audited();
  for (const type of types) assert.ok(actions.includes(type), `${type} is in the audit trail`);
  const [refusal] = await queryRows<{ result: { nack: { code: string; reason?: string } } }>(fx.db.url, `SELECT result FROM admin_audit WHERE command_id = $1`, [cancelledAgain]);
  assert.deepEqual([refusal?.result.nack.code, refusal?.result.nack.reason], ['NOT_FOUND', 'TASK_NOT_FOUND'], 'a refusal is audited with its reason');
  await adminTab.leave();
});
