// Dice, as a module and over the wire: the roll and the win rule, the payout and its edge (the
// params' edgePercent), the money through the ledger, the refusals that name their field (the
// schema's, the params' currencies and limits), and a proof that `npm run verify` accepts for the
// true roll only, under the economy version it names.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CommandType } from '../../shared/commands.ts';
import { outcomeFloats, seedHash } from '../../shared/fair.ts';
import { expectAck, expectNack, joinPlayerRoom, signInGuest } from '../../tests/support/client.ts';
import { serverFixture } from '../../tests/support/fixture.ts';
import { queryRows } from '../../tests/support/ledger.ts';
import { ROOT } from '../../tests/support/server.ts';
import { InsufficientFunds } from '../domain/errors.ts';
import { freshFairness } from '../domain/fairness.ts';
import type { Player } from '../domain/player.ts';
import { playerRoomCommands } from '../writers/playerWriter.ts';
import { validateCommand } from '../writers/validateCommand.ts';
import { dice, diceChance, dicePayout, diceWins, DICE_ROLLS } from './dice.ts';
import { defaultVersion, paramsIssues, refusalOf, savedVersion, under, versionWith } from '../../tests/support/gameEconomy.ts';
import { playGame } from './play.ts';
import { verifyProof } from './verify.ts';

const TODAY = under(dice);
const EDGE = TODAY.params.edgePercent;

function player(overrides: Partial<Player> = {}): Player {
  return { userId: 'u-dee', displayName: 'dee', wallet: { gold: 1_000 }, xp: 0, level: 1, stats: {}, inventory: {}, purchases: {}, streakDay: 0, lastClaimDay: null, seq: 0, fair: freshFairness('dice-server-seed', 'dice-client'), ...overrides };
}

describe('dice rules', () => {
  test('under wins below target × 100, over wins from target × 100 up', () => {
    assert.equal(diceWins(4999, 50, false), true);
    assert.equal(diceWins(5000, 50, false), false);
    assert.equal(diceWins(5000, 50, true), true);
    assert.equal(diceWins(4999, 50, true), false);
    assert.equal(diceWins(0, 1, false), true);
    assert.equal(diceWins(100, 1, false), false);
    assert.equal(diceWins(9799, 98, true), false);
    assert.equal(diceWins(9800, 98, true), true, 'over 98 is a 2 % chance: 9800 to 9999');
  });

  test('a win pays floor(bet × 99 / chance) under today’s 1 % edge: the return to player is 99 % at every target, less the rounding', () => {
    assert.equal(EDGE, 1);
    assert.equal(dice.rtp(TODAY.params), 0.99);
    assert.equal(dicePayout(EDGE, 100, 50, false), 198);
    assert.equal(dicePayout(EDGE, 100, 1, false), 9900);
    assert.equal(dicePayout(EDGE, 100, 98, true), 4950);
    assert.equal(dicePayout(EDGE, 10, 97, false), 10, 'floor(990 / 97)');
    for (const [target, over] of [[1, false], [33, true], [50, false], [98, true], [98, false]] as const) {
      let wins = 0;
      for (let roll = 0; roll < DICE_ROLLS; roll++) if (diceWins(roll, target, over)) wins++;
      assert.equal(wins, diceChance(target, over) * 100, `target ${target} over ${over}`);
      const rtp = (wins / DICE_ROLLS) * (dicePayout(EDGE, 1_000_000, target, over) / 1_000_000);
      assert.ok(rtp <= 0.99 && rtp > 0.9899, `rtp ${rtp} at target ${target}, over ${over}`);
    }
  });

  test('played: the roll is floor(f × 10000) of the first float, the bet and payout go through the house, stats and nonce follow', () => {
    const me = player({ fair: { ...freshFairness('dice-server-seed', 'dice-client'), nonce: 7 } });
    const { next, transfers, events, result } = playGame(dice, me, { id: 'cmd-dice-0001', bet: 10, target: 50, over: false, currency: 'gold' }, 0, TODAY);
    const roll = Math.floor(outcomeFloats('dice-server-seed', 'dice-client', 7, 1)[0] * 10_000);
    assert.equal(result.roll, roll);
    assert.equal(result.win, roll < 5000);
    assert.equal(result.payout, result.win ? 19 : 0);
    assert.equal(result.balance, 1_000 - 10 + result.payout);
    assert.deepEqual(transfers[0], { from: 'u-dee', to: 'house', amount: 10, currency: 'gold', reason: 'game.dice.bet', ref: 'cmd-dice-0001', commandId: 'cmd-dice-0001' });
    assert.equal(transfers.length, result.win ? 2 : 1);
    assert.deepEqual(next.stats.dice, { played: 1, won: result.win ? 1 : 0, wagered: 10, paidOut: result.payout });
    assert.equal(next.fair.nonce, 8);
    assert.deepEqual(result.proof, { game: 'dice', serverSeedHash: seedHash('dice-server-seed'), clientSeed: 'dice-client', nonce: 7, economyVersion: 1 });
    assert.equal(events[0].type, 'balance.changed');
    assert.equal(verifyProof(result.proof, 'dice-server-seed', defaultVersion, { roll }).ok, true);
    assert.equal(verifyProof(result.proof, 'dice-server-seed', defaultVersion, { roll: (roll + 1) % DICE_ROLLS }).ok, false);
  });

  test('a bet above the balance is INSUFFICIENT_FUNDS naming bet', () => {
    assert.throws(() => playGame(dice, player({ wallet: { gold: 5 } }), { id: 'cmd-dice-0002', bet: 6, target: 50, over: true, currency: 'gold' }, 0, TODAY), (e: unknown) => e instanceof InsufficientFunds && /^bet /.test(e.message));
  });

  test('malformed commands are INVALID_INPUT naming the field', () => {
    const id = 'cmd-dice-0003';
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ bet: 10, target: 0, over: false }, /target/],
      [{ bet: 10, target: 99, over: true }, /target/],
      [{ bet: 10, target: 50.5, over: true }, /target/],
      [{ bet: 10, target: 50 }, /over/],
      [{ bet: 10, target: 50, over: 'yes' }, /over/],
      [{ bet: 0, target: 50, over: false }, /bet/],
      [{ bet: 1.5, target: 50, over: false }, /bet/],
      [{ bet: 10, target: 50, over: false, edge: 0 }, /edge/],
      [{ bet: 10, target: 50, over: false, currency: 'Gold' }, /currency/],
      [{ bet: 10, target: 50, over: false, currency: 5 }, /currency/],
    ];
    for (const [fields, field] of cases) {
      const refused = validateCommand(playerRoomCommands, 'game.dice', { id, ...fields });
      assert.ok('nack' in refused, JSON.stringify(fields));
      assert.equal(refused.nack.code, 'INVALID_INPUT');
      assert.match(refused.nack.message, field);
    }
  });
});

describe('dice params', () => {
  const play = (economy: typeof TODAY, fields: { bet: number; target?: number; over?: boolean; currency?: string }, nonce = 0) =>
    playGame(dice, player({ wallet: { gold: 1_000_000, gems: 50 }, fair: { ...freshFairness('dice-server-seed', 'dice-client'), nonce } }), { id: 'cmd-dice-par1', target: 50, over: false, currency: 'gold', ...fields }, 0, economy);

  test('today’s section is valid; an edge out of range or with a third decimal is refused naming edgePercent', () => {
    assert.deepEqual(paramsIssues(dice, TODAY.params), []);
    for (const edgePercent of [-1, 50.01, 1.005, '1']) assert.match(paramsIssues(dice, { ...TODAY.params, edgePercent }).join('\n'), /^edgePercent: edgePercent must be a percentage from 0 to 50 with at most two decimals$/, String(edgePercent));
    assert.deepEqual(paramsIssues(dice, { ...TODAY.params, edgePercent: 2.5 }), []);
  });

  test('rtp is 1 − edge/100, and every target pays it (less the rounding down) under another edge too', () => {
    const params = { ...TODAY.params, edgePercent: 2.5 };
    assert.equal(dice.rtp(params), 0.975);
    for (const [target, over] of [[1, false], [50, true], [98, false]] as const) {
      const rtp = (diceChance(target, over) / 100) * (dicePayout(params.edgePercent, 1_000_000, target, over) / 1_000_000);
      assert.ok(rtp <= 0.975 && rtp > 0.9749, `rtp ${rtp} at ${target}`);
    }
  });

  test('a changed edge changes the payout of the same roll', () => {
    const richer = under(dice, versionWith(dice, 2, (p) => ({ ...p, edgePercent: 0 })));
    const nonce = [...Array(100).keys()].find((n) => outcomeFloats('dice-server-seed', 'dice-client', n, 1)[0] * DICE_ROLLS < 5000)!;
    const before = play(TODAY, { bet: 1000 }, nonce).result;
    const after = play(richer, { bet: 1000 }, nonce).result;
    assert.equal(after.roll, before.roll);
    assert.deepEqual([before.win, before.payout, after.payout], [true, 1980, 2000]);
  });

  test('a currency the params do not list is refused naming currency; a bet outside its limits naming bet, with the limits', () => {
    assert.deepEqual(refusalOf(() => play(TODAY, { bet: 10, currency: 'gems' })), { code: 'INVALID_INPUT', reason: 'CURRENCY_NOT_ACCEPTED', message: 'currency gems is not accepted by dice; it accepts gold' });
    const gems = under(dice, versionWith(dice, 3, (p) => ({ ...p, limits: { gold: { min: 100, max: 1000 }, gems: { min: 1, max: 10 } } })));
    assert.deepEqual(refusalOf(() => play(gems, { bet: 99 })), { code: 'INVALID_INPUT', reason: 'BET_OUT_OF_LIMITS', message: 'bet must be between 100 and 1000 gold for dice, not 99' });
    assert.deepEqual(refusalOf(() => play(gems, { bet: 11, currency: 'gems' })), { code: 'INVALID_INPUT', reason: 'BET_OUT_OF_LIMITS', message: 'bet must be between 1 and 10 gems for dice, not 11' });
    const inGems = play(gems, { bet: 10, currency: 'gems' });
    assert.deepEqual(inGems.transfers[0], { from: 'u-dee', to: 'house', amount: 10, currency: 'gems', reason: 'game.dice.bet', ref: 'cmd-dice-par1', commandId: 'cmd-dice-par1' });
    assert.equal(inGems.result.currency, 'gems');
    assert.deepEqual(Object.keys(inGems.next.stats), ['dice:gems']);
  });

  test('a proof verifies under the version it names only', () => {
    const v2 = versionWith(dice, 2, (p) => ({ ...p, edgePercent: 3 }));
    const { result } = play(under(dice, v2), { bet: 10 });
    assert.equal(result.proof.economyVersion, 2);
    assert.equal(verifyProof(result.proof, 'dice-server-seed', v2, { roll: result.roll }).ok, true);
    assert.match(verifyProof(result.proof, 'dice-server-seed', defaultVersion, { roll: result.roll }).reason, /decided under economy version 2, and these are the tables of version 1/);
  });
});

describe('game.dice over the wire', () => {
  const fx = serverFixture('coffer_dice');

  test('the ack carries roll, win, payout, balance and a proof that npm run verify accepts for the true roll only', async () => {
    const me = await signInGuest(fx.server.url);
    const tab = await joinPlayerRoom(fx.server.url, me.token);
    expectAck(await tab.send(CommandType.streakClaim));
    const rolls = [];
    for (let i = 0; i < 4; i++) rolls.push(expectAck(await tab.send('game.dice', { bet: 5, target: 50, over: i % 2 === 1 })));
    const last = rolls.at(-1)!;
    assert.ok(rolls.every((r) => r.currency === 'gold'));
    const staked = 5 * rolls.length;
    const paid = rolls.reduce((sum, r) => sum + r.payout, 0);
    assert.equal(last.balance, 100 - staked + paid);
    for (const r of rolls) assert.equal(r.payout, r.win ? 9 : 0, 'floor(5 × 99 / 50)');
    const ledger = await queryRows<{ reason: string; total: string }>(fx.db.url, "select reason, sum(amount)::text as total from transfers where reason like 'game.dice.%' group by reason order by reason");
    const expected = [{ reason: 'game.dice.bet', total: String(staked) }];
    if (paid > 0) expected.push({ reason: 'game.dice.payout', total: String(paid) });
    assert.deepEqual(ledger, expected);

    const malformed = expectNack(await tab.send('game.dice', { bet: 5, target: 99, over: false }));
    assert.equal(malformed.code, 'INVALID_INPUT');
    assert.match(malformed.message, /target/);
    const gems = expectNack(await tab.send('game.dice', { bet: 5, target: 50, over: false, currency: 'gems' }));
    assert.deepEqual([gems.code, gems.reason, gems.message], ['INVALID_INPUT', 'CURRENCY_NOT_ACCEPTED', 'currency gems is not accepted by dice; it accepts gold']);
    assert.equal(expectAck(await tab.send('game.dice', { bet: 1, target: 50, over: false, currency: 'gold' })).currency, 'gold', 'naming gold is the same as leaving it out');

    const rotated = expectAck(await tab.send(CommandType.fairRotate, { clientSeed: 'dice-reveal' }));
    const run = promisify(execFile);
    const cli = path.join(ROOT, 'server/cli/verify.ts');
    // The version the proof names, as GET /economy/<version> serves it, saved for checking offline.
    assert.equal(last.proof.economyVersion, 1);
    const saved = await savedVersion(defaultVersion);
    const ok = await run(process.execPath, [cli, '--economy', saved, JSON.stringify(last.proof), rotated.revealedServerSeed, JSON.stringify({ roll: last.roll })]);
    assert.equal(JSON.parse(ok.stdout).ok, true);
    await assert.rejects(run(process.execPath, [cli, '--economy', saved, JSON.stringify(last.proof), rotated.revealedServerSeed, JSON.stringify({ roll: (last.roll + 1) % DICE_ROLLS })]), (e: { code: number }) => e.code === 1);
    await tab.leave();
  });
});
