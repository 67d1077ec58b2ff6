// The load kit's runner B (Node) against a real server: the Colyseus 0.18 frame codec and session
// (sign in, matchmaker seat, handshake, command, ack) and each scenario, bounded by a number of
// commands per VU (COMMANDS), not by time.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CommandType } from '../shared/commands.ts';
import { CloseCode, ErrorCode, RoomName } from '../shared/protocol.ts';
import { NodeRuntime } from '../load/node/runtime.ts';
import { runScenario } from '../load/node/runScenario.ts';
import { scenarios } from '../load/scenario/index.ts';
import { readOptions } from '../load/scenario/options.ts';
import { command, Seat, type VuContext } from '../load/scenario/scenario.ts';
import { RoomConnection, signInGuest } from '../load/scenario/session.ts';
import type { LoadSummary } from '../load/scenario/summary.ts';
import { serverFixture } from './support/fixture.ts';
import { queryRows } from './support/ledger.ts';
import { TEST_ADMIN_PASSWORD } from './support/server.ts';

// Short crash rounds so the crash scenario sees several within its command budget.
const fx = serverFixture('coffer_load_node', { BOARDS: 'main,loadtest', CRASH_BETTING_MS: '400', CRASH_PAUSE_MS: '100', CRASH_GROWTH_PER_SECOND: '1' });

test('the load session joins a player room over the real protocol and gets an ack for a command', async () => {
  const rt = new NodeRuntime({});
  const session = await signInGuest(rt, fx.server.url);
  const room = await RoomConnection.join(rt, fx.server.url, session.token, RoomName.player);
  const events: string[] = [];
  room.onEvent = (event) => events.push(event.type);
  const claim = await room.send(CommandType.streakClaim, {});
  assert.ok('ack' in claim, JSON.stringify(claim));
  assert.equal(claim.ack.result.reward, 100);
  assert.equal(claim.ack.result.balance, 100);
  // The same id again: the stored reply, no second effect.
  const id = 'load-retry-0001';
  const first = await room.send('game.rps', { bet: 10, hand: 'rock' }, id);
  const again = await room.send('game.rps', { bet: 10, hand: 'rock' }, id);
  assert.ok('ack' in first && 'ack' in again);
  assert.deepEqual(again.ack.result, first.ack.result);
  const refused = await room.send('game.rps', { bet: 0, hand: 'rock' });
  assert.ok('nack' in refused);
  assert.equal(refused.nack.code, ErrorCode.INVALID_INPUT);
  assert.match(refused.nack.message, /bet/);
  assert.ok(events.includes('balance.changed'), `events seen: ${events.join(', ')}`);
  assert.equal(rt.trends.get('coffer_ack_ms')?.length, 4);
  room.close();
});

test('a refused join surfaces the server refusal', async () => {
  const rt = new NodeRuntime({});
  const session = await signInGuest(rt, fx.server.url);
  await assert.rejects(RoomConnection.join(rt, fx.server.url, session.token, RoomName.admin), /403|FORBIDDEN/);
});

async function runBounded(name: keyof typeof scenarios, extra: Record<string, string> = {}): Promise<LoadSummary> {
  const dir = await mkdtemp(path.join(tmpdir(), 'coffer-load-'));
  try {
    const file = path.join(dir, 'summary.json');
    const logged: string[] = [];
    const summary = await runScenario(
      scenarios[name],
      { BASE_URL: fx.server.url, VUS: '3', DURATION: '5m', THINK_MS: '0', ADMIN_PASSWORD: TEST_ADMIN_PASSWORD, SUMMARY_FILE: file, ...extra },
      { log: (m) => logged.push(m) },
    );
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), JSON.parse(JSON.stringify(summary)), 'the JSON summary on disk is the returned one');
    assert.equal(summary.errors.failures, 0, `failures: ${logged.join('; ')}`);
    // Every ack and refusal had its latency recorded (and so had each retried attempt, if any).
    assert.ok(summary.ackMs.count >= summary.acks + summary.refusals);
    // Every command outcome is a check, counted as k6 counts them; none failed.
    const commandChecks = Object.entries(summary.checks.byName).filter(([name]) => name.endsWith(' acked or refused as expected'));
    assert.equal(commandChecks.reduce((n, [, c]) => n + c.passes, 0), summary.acks + summary.refusals);
    assert.equal(summary.checks.fails, 0, JSON.stringify(summary.checks.byName));
    assert.ok(summary.thresholds.some((t) => t.metric === 'coffer_acks' && t.condition.startsWith('count>=')));
    assert.ok(summary.thresholds.some((t) => t.metric === 'coffer_setup_errors' && t.condition === 'count<1'));
    assert.ok(summary.ok, JSON.stringify(summary.thresholds));
    return summary;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('players: every VU plays the mix until its command budget, funded by an admin grant', async () => {
  const summary = await runBounded('players', { COMMANDS: '12' });
  assert.deepEqual(summary.vus, { players: 3 });
  // 12 player commands per VU (the claim included) plus one admin grant each.
  assert.equal(summary.acks + summary.refusals, 3 * 12 + 3);
  assert.ok(summary.ackMsByType?.['game.rps'] || summary.ackMsByType?.['game.slot']);
  assert.ok(summary.ackMsByType?.['admin.grant']?.count === 3);
});

test('board: players accept and complete the tasks an admin creates, and each bounty is paid once', async () => {
  // No board room exists before the run: the admin takes a seat in it (joinOrCreate) before its
  // first task.create, so the players' joins and the admin's tasks meet in one room. A player that
  // joined after some tasks were created catches up with events.sync; DURATION only bounds the
  // wait for more tasks, nothing below depends on how long the run took.
  const summary = await runBounded('board', { COMMANDS: '6', TASKS_PER_SECOND: '50', BOARD: 'loadtest', DURATION: '20s' });
  const completed = summary.counters.coffer_tasks_completed;
  assert.ok(completed > 0, JSON.stringify(summary.ackMsByType));
  assert.equal(completed, summary.ackMsByType?.['task.complete']?.count);
  // Each completed task's bounty showed exactly once in its winner's player stream.
  assert.deepEqual(summary.checks.byName['task bounty paid exactly once'], { passes: completed, fails: 0 });
  assert.equal(summary.counters.coffer_bounty_mismatches, 0);
  assert.deepEqual(
    summary.thresholds.filter((t) => t.metric === 'coffer_tasks_completed' || t.metric === 'coffer_bounty_mismatches'),
    [
      { metric: 'coffer_tasks_completed', condition: 'count>0', ok: true },
      { metric: 'coffer_bounty_mismatches', condition: 'count<1', ok: true },
    ],
  );
  // Exactly 6 tasks, even when a create was retried with its id.
  const [{ count }] = await queryRows<{ count: string }>(fx.db.url, `SELECT count(*) FROM tasks WHERE board = 'loadtest'`);
  assert.equal(Number(count), 6);
  // The bounty transfers in the ledger: one per completed task.
  const [{ paid }] = await queryRows<{ paid: string }>(fx.db.url, `SELECT count(*) AS paid FROM transfers WHERE reason = 'task.bounty' AND ref LIKE 'board:loadtest:%'`);
  assert.equal(Number(paid), completed);
});

test('a run that did no work crosses its thresholds: no acks, setup errors', async () => {
  // Nothing listens on this port: every sign-in fails.
  const logged: string[] = [];
  const summary = await runScenario(scenarios.players, { BASE_URL: 'http://127.0.0.1:9', VUS: '2', DURATION: '5s' }, { log: (m) => logged.push(m) });
  assert.equal(summary.acks, 0);
  assert.equal(summary.counters.coffer_setup_errors, 2);
  assert.deepEqual(summary.checks.byName['guest sign-in'], { passes: 0, fails: 2 });
  const crossed = summary.thresholds.filter((t) => !t.ok).map((t) => `${t.metric} ${t.condition}`);
  assert.deepEqual(crossed.sort(), ['coffer_ack_ms p(95)<250', 'coffer_ack_ms p(99)<500', 'coffer_acks count>=2', 'coffer_errors rate<0.01', 'coffer_setup_errors count<1']);
  assert.equal(summary.ok, false);
});

test('MIN_ACKS raises the floor: a run with fewer acks than asked fails', async () => {
  const summary = await runScenario(scenarios.players, { BASE_URL: fx.server.url, VUS: '1', COMMANDS: '2', THINK_MS: '0', MIN_ACKS: '1000' }, { log: () => {} });
  assert.ok(summary.acks >= 1 && summary.acks < 1000);
  assert.deepEqual(summary.thresholds.find((t) => t.metric === 'coffer_acks'), { metric: 'coffer_acks', condition: 'count>=1000', ok: false });
  assert.equal(summary.ok, false);
});

test('crash: players bet and cash out across rounds', async () => {
  const summary = await runBounded('crash', { COMMANDS: '5' });
  assert.ok((summary.ackMsByType?.['crash.bet']?.count ?? 0) >= 3, JSON.stringify(summary.ackMsByType));
});

test('admin: grants, debits, look-ups and audits while players play', async () => {
  const summary = await runBounded('admin', { COMMANDS: '12', TARGETS: '2', GRANTS_PER_SECOND: '200' });
  assert.deepEqual(summary.vus, { players: 3, admins: 1 });
  assert.ok((summary.ackMsByType?.['admin.grant']?.count ?? 0) > 3);
  assert.ok((summary.ackMsByType?.['admin.user.get']?.count ?? 0) >= 1);
});

test('a scenario that needs an admin refuses to start without ADMIN_PASSWORD', async () => {
  await assert.rejects(runScenario(scenarios.board, { BASE_URL: fx.server.url }), /ADMIN_PASSWORD/);
});

test('a VU joins again after the server closes its room with "join again" (4100)', async () => {
  const rt = new NodeRuntime({});
  const options = readOptions(() => undefined);
  const ctx: VuContext = { rt, options: { ...options, baseUrl: fx.server.url }, vu: 1, admin: undefined, deadline: Infinity };
  const session = await signInGuest(rt, fx.server.url);
  const seat = await Seat.open(ctx, 'player', () => RoomConnection.join(rt, fx.server.url, session.token, RoomName.player));
  assert.ok(seat);
  let closedWith: number | undefined;
  assert.ok('ack' in (await command(ctx, undefined, seat, CommandType.streakClaim, {})));
  const closed = new Promise<void>((resolve) => (seat.room.onClose = (code) => ((closedWith = code), resolve())));
  // SIGTERM: the server closes every client with 4100 (join again) before it exits.
  await fx.server.stop();
  await closed;
  assert.equal(closedWith, CloseCode.RECONNECT);
  const server = await fx.restart();
  ctx.options.baseUrl = server.url;
  const reply = await command(ctx, undefined, seat, CommandType.streakClaim, {}, [ErrorCode.CONFLICT]);
  assert.ok('nack' in reply && reply.nack.code === ErrorCode.CONFLICT, 'the claim of before the restart is durable: a second one today is refused');
  assert.equal(rt.counts.get('coffer_rejoins'), 1);
  assert.equal(rt.rates.get('coffer_errors')?.failed ?? 0, 0);
  seat.close();
});
