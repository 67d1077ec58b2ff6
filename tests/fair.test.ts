// Provably fair rps over the wire: the seed hash is in state before use, every result carries its
// proof, fair.rotate reveals the seed, and the revealed seed verifies the real results (with the
// shared function and with `npm run verify`) while a tampered one fails.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { CommandType } from '../shared/commands.ts';
import { seedHash, type Proof } from '../shared/fair.ts';
import type { CommandResult } from '../shared/registry.ts';
import { verifyProof } from '../server/games/verify.ts';
import { defaultVersion, savedVersion } from './support/gameEconomy.ts';
import { expectAck, expectNack, joinPlayerRoom, signInGuest } from './support/client.ts';
import { serverFixture } from './support/fixture.ts';
import { queryRows } from './support/ledger.ts';
import { ROOT } from './support/server.ts';

const fx = serverFixture('coffer_fair');

test('rps results carry proofs that the revealed seed verifies', async () => {
  const me = await signInGuest(fx.server.url);
  const tab = await joinPlayerRoom(fx.server.url, me.token);
  const committedHash = tab.state.fair.serverSeedHash;
  assert.match(committedHash, /^[0-9a-f]{64}$/, 'the seed hash is public before the first game');
  expectAck(await tab.send(CommandType.streakClaim));
  expectAck(await tab.send(CommandType.fairRotate, { clientSeed: 'my-lucky-seed' }));
  await tab.waitForState((s) => s.fair.clientSeed === 'my-lucky-seed');
  const hashInUse = tab.state.fair.serverSeedHash;

  const games: Array<CommandResult<'game.rps'> & { proof: Proof }> = [];
  for (let i = 0; i < 5; i++) games.push(expectAck(await tab.send('game.rps', { bet: 1, hand: 'rock' })));
  assert.deepEqual(games.map((g) => g.proof.nonce), [0, 1, 2, 3, 4]);
  for (const g of games) assert.deepEqual({ ...g.proof, nonce: 0 }, { game: 'rps', serverSeedHash: hashInUse, clientSeed: 'my-lucky-seed', nonce: 0, economyVersion: 1 });

  const rotated = expectAck(await tab.send(CommandType.fairRotate, { clientSeed: 'next-seed' }));
  assert.equal(seedHash(rotated.revealedServerSeed), hashInUse, 'the revealed seed is the one whose hash was shown');
  assert.notEqual(rotated.serverSeedHash, hashInUse);
  for (const g of games) assert.equal(verifyProof(g.proof, rotated.revealedServerSeed, defaultVersion, { serverHand: g.serverHand }).ok, true);
  // A proof edited to another nonce (the first that rolls a different hand) no longer verifies.
  const handAt = (nonce: number) => (verifyProof({ ...games[0].proof, nonce }, rotated.revealedServerSeed, defaultVersion).outcome as { serverHand: string }).serverHand;
  let nonce = games[0].proof.nonce + 1;
  while (handAt(nonce) === games[0].serverHand) nonce++;
  assert.equal(verifyProof({ ...games[0].proof, nonce }, rotated.revealedServerSeed, defaultVersion, { serverHand: games[0].serverHand }).ok, false);
  assert.equal(verifyProof(games[0].proof, 'a guessed seed', defaultVersion, { serverHand: games[0].serverHand }).ok, false);

  const run = promisify(execFile);
  const cli = path.join(ROOT, 'server/cli/verify.ts');
  const economy = await savedVersion(defaultVersion);
  const ok = await run(process.execPath, [cli, '--economy', economy, JSON.stringify(games[0].proof), rotated.revealedServerSeed, JSON.stringify({ serverHand: games[0].serverHand })]);
  assert.equal(JSON.parse(ok.stdout).ok, true);
  await assert.rejects(run(process.execPath, [cli, '--economy', economy, JSON.stringify(games[0].proof), 'a guessed seed']), (e: { code: number }) => e.code === 1);

  const badSeed = expectNack(await tab.send(CommandType.fairRotate, { clientSeed: 'has spaces' }));
  assert.equal(badSeed.code, 'INVALID_INPUT');
  assert.match(badSeed.message, /clientSeed/);
  await tab.leave();
});

test('seeds and nonce survive a restart', async () => {
  const me = await signInGuest(fx.server.url);
  let tab = await joinPlayerRoom(fx.server.url, me.token);
  expectAck(await tab.send(CommandType.streakClaim));
  const game = expectAck(await tab.send('game.rps', { bet: 1, hand: 'paper' }));
  await fx.server.stop();
  await fx.restart();
  tab = await joinPlayerRoom(fx.server.url, me.token);
  assert.equal(tab.state.fair.serverSeedHash, game.proof.serverSeedHash);
  assert.equal(tab.state.fair.nonce, game.proof.nonce + 1);
  const next = expectAck(await tab.send('game.rps', { bet: 1, hand: 'paper' }));
  assert.equal(next.proof.nonce, game.proof.nonce + 1, 'no nonce is reused after a restart');
  await tab.leave();
});

test('game.slot acks reels, payout, balance and a proof; stats and ledger follow', async () => {
  const me = await signInGuest(fx.server.url);
  const tab = await joinPlayerRoom(fx.server.url, me.token);
  expectAck(await tab.send(CommandType.streakClaim));
  let balance = 100;
  const spins: CommandResult<'game.slot'>[] = [];
  for (let i = 0; i < 10; i++) {
    const spin: CommandResult<'game.slot'> = expectAck(await tab.send('game.slot', { bet: 2 }));
    balance += spin.payout - 2;
    assert.equal(spin.balance, balance);
    assert.equal(spin.reels.length, 3);
    spins.push(spin);
  }
  assert.deepEqual(spins.map((s) => s.proof.nonce), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  await tab.waitForState((s) => s.stats.get('slot')?.played === 10 && s.balance === balance);
  assert.equal(tab.state.stats.get('slot')!.paidOut, spins.reduce((sum, s) => sum + s.payout, 0));
  // Stats parity: what the state says was wagered and paid out is what the ledger moved.
  const [ledger] = await queryRows<{ wagered: string; paid: string }>(
    fx.db.url,
    `SELECT coalesce(sum(amount) FILTER (WHERE reason = 'game.slot.bet'), 0) AS wagered,
            coalesce(sum(amount) FILTER (WHERE reason = 'game.slot.payout'), 0) AS paid
       FROM transfers WHERE from_account = $1 OR to_account = $1`,
    [me.userId],
  );
  assert.deepEqual([Number(ledger.wagered), Number(ledger.paid)], [tab.state.stats.get('slot')!.wagered, tab.state.stats.get('slot')!.paidOut]);
  const rotated = expectAck(await tab.send(CommandType.fairRotate, { clientSeed: 'after-slots' }));
  for (const s of spins) assert.equal(verifyProof(s.proof, rotated.revealedServerSeed, defaultVersion, { reels: s.reels }).ok, true);
  assert.equal(expectNack(await tab.send('game.slot', { bet: 0 })).code, 'INVALID_INPUT');
  assert.equal(expectNack(await tab.send('game.slot', { bet: balance + 1 })).code, 'INSUFFICIENT_FUNDS');
  await tab.leave();
});
