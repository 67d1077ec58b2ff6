// shared/registry.ts: a command's fields are what its schema accepts, its result and an event's
// payload are inferred from the type name. The `@ts-expect-error` lines are checked by
// `npm run typecheck` (a line that stopped being an error fails it); the runtime part checks that
// values typed by the registry pass the very schemas the server validates with.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adminCommands } from './adminCommands.ts';
import { boardCommands } from './boardCommands.ts';
import { gameCommands } from '../server/games/commands.ts';
import { CommandType, playerCommands } from './commands.ts';
import { crashCommands } from './crashCommands.ts';
import { EventType } from './events.ts';
import type { CommandFields, CommandResult, TypedEvent } from './registry.ts';

test('fields typed by the registry are what the server schemas accept', () => {
  const rps: CommandFields<'game.rps'> = { bet: 5, hand: 'rock' };
  const grant: CommandFields<'admin.grant'> = { userId: 'u1', amount: -3, reason: 'refund' };
  const accept: CommandFields<'task.accept'> = { taskId: 't1' };
  const bet: CommandFields<'crash.bet'> = { amount: 2 };
  const claim: CommandFields<'streak.claim'> = {};
  const id = 'registry-test-1';
  assert.equal(gameCommands['game.rps'].safeParse({ id, ...rps }).success, true);
  assert.equal(adminCommands['admin.grant'].safeParse({ id, ...grant }).success, true);
  assert.equal(boardCommands['task.accept'].safeParse({ id, ...accept }).success, true);
  assert.equal(crashCommands['crash.bet'].safeParse({ id, ...bet }).success, true);
  assert.equal(playerCommands['streak.claim'].safeParse({ id, ...claim }).success, true);

  // @ts-expect-error: `hand` is one of rock, paper, scissors
  const badHand: CommandFields<'game.rps'> = { bet: 5, hand: 'lizard' };
  // @ts-expect-error: `bet` is required
  const noBet: CommandFields<'game.slot'> = {};
  // @ts-expect-error: not a command of any room
  type Unknown = CommandFields<'game.poker'>;
  // The schemas refuse what the types refuse.
  assert.equal(gameCommands['game.rps'].safeParse({ id, ...badHand }).success, false);
  assert.equal(gameCommands['game.slot'].safeParse({ id, ...noBet }).success, false);
  assert.equal('game.rps', 'game.rps');
  void (undefined as unknown as Unknown);
});

test('results and event payloads are inferred from the type name', () => {
  const result = { serverHand: 'paper', outcome: 'lose', payout: 0, currency: 'gold', balance: 95, proof: null } satisfies CommandResult<'game.rps'>;
  // @ts-expect-error: an rps result has no reels
  void result.reels;
  const events: TypedEvent[] = [
    { stream: 'crash:main', seq: 1, type: EventType.crashRound, at: '2026-01-01T00:00:00.000Z', data: { phase: 'running', roundId: 7 } },
    { stream: 'global', seq: 1, type: EventType.announcement, at: '2026-01-01T00:00:00.000Z', data: { text: 'hello' } },
  ];
  const seen: string[] = [];
  for (const event of events) {
    // Narrowing on `type` types `data`: no casts.
    if (event.type === EventType.crashRound) seen.push(`round ${event.data.roundId} ${event.data.phase}`);
    else if (event.type === EventType.announcement) seen.push(event.data.text);
  }
  assert.deepEqual(seen, ['round 7 running', 'hello']);
  // @ts-expect-error: an announcement's payload is { text }
  const wrong: TypedEvent = { stream: 'global', seq: 2, type: EventType.announcement, at: '', data: { phase: 'running' } };
  void wrong;
});
