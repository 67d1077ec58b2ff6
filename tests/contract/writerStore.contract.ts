// The writers' storage ports (server/core/ports.ts) as the writers rely on them, one set of cases
// for every implementation: the in-memory fake, PGlite and PostgreSQL (writerStore.test.ts runs
// them). A case that passes on the fake and fails on a database (or the other way round) means the
// fake promises what storage does not keep, and a writer test on the fake proves nothing.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { EventType } from '../../shared/events.ts';
import { playerStream, type WireEvent } from '../../shared/protocol.ts';
import type { Commits, WriterStore } from '../../server/core/ports.ts';
import { effectCommandId, type Effect } from '../../server/domain/effects.ts';
import { DomainError } from '../../server/domain/errors.ts';
import { balanceOf } from '../../server/domain/player.ts';
import { CommitFailed, type Mutation } from '../../server/store/mutation.ts';
import type { LedgerLine } from '../../server/core/memoryStore.ts';
import { transfer } from '../../server/domain/ledger.ts';

/** One implementation under the contract, with the set-up other parts of the server write. */
export type ContractSubject = {
  store: WriterStore<unknown>;
  /** The player writer's commits (the commit pipeline on a database). */
  commits: Commits;
  takeRoomFence(writerId: string): Promise<number>;
  /** Effects other rooms owe (written by a board or crash room on a database). */
  owe(effects: readonly Effect[]): Promise<void>;
  /** The ledger's lines into or out of `account`, oldest first (read by the admin's audit on a database). */
  transfersOf(account: string): Promise<LedgerLine[]>;
  /** Storage goes away for good (the last case); also the clean-up. */
  stop(): Promise<void>;
};

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const AT = new Date('2026-01-02T03:04:05.678Z');
const seeds = () => {
  let n = 0;
  return () => `seed-${++n}-0123456789abcdef`;
};

/** A mutation of `userId`'s account under `epoch`; `more` adds what the case commits. */
function mutation(userId: string, epoch: number, more: Partial<Mutation> = {}): Mutation {
  return { writer: { account: userId, epoch }, transfers: [], economyVersion: null, outbox: [], ...more };
}

function event(stream: string, seq: number, data: Record<string, unknown> = { seq }): WireEvent {
  return { stream, seq, type: EventType.rewardGranted, at: AT.toISOString(), data };
}

async function rejectsFenced(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (error) => error instanceof CommitFailed && error.reason === 'fenced');
}

export function writerStoreContract(name: string, open: () => Promise<ContractSubject>): void {
  describe(`writer storage: ${name}`, () => {
    let s: ContractSubject;
    let stopped = false;
    before(async () => {
      s = await open();
    });
    after(async () => {
      if (!stopped) await s.stop();
    });

    const load = (userId: string, recent = 100, newSeed = seeds()) => s.store.players.load(userId, userId, new Date(), recent, newSeed);

    test('a reply committed with a mutation is found by its actor and id, not by another actor or id', async () => {
      const user = unique('u');
      const { epoch } = await load(user);
      await s.commits.submit(mutation(user, epoch, { command: { actor: user, commandId: 'claim-1', payloadHash: 'h1', reply: { day: 3, gold: 50 } } }));
      assert.deepEqual(await s.store.replies.find(user, 'claim-1'), { payloadHash: 'h1', reply: { day: 3, gold: 50 } });
      assert.equal(await s.store.replies.find(unique('other'), 'claim-1'), undefined, "another actor's id never meets this one");
      assert.equal(await s.store.replies.find(user, 'claim-2'), undefined, 'an id never committed has no reply');
    });

    test('many replies in one read come in the order asked, undefined where none is stored', async () => {
      const writer = unique('table');
      const [a, b] = [unique('a'), unique('b')];
      const epoch = await s.takeRoomFence(writer);
      const replies = [
        { actor: a, commandId: 'x', payloadHash: 'hx', reply: { x: 1 } },
        { actor: b, commandId: 'y', payloadHash: 'hy', reply: { y: 2 } },
      ];
      await s.store.commits.commit(writer, epoch, async () => undefined, { events: [], replies });
      const found = await s.store.replies.findMany([
        { actor: b, commandId: 'y' },
        { actor: a, commandId: 'x' },
        { actor: a, commandId: 'y' },
        { actor: b, commandId: 'x' },
      ]);
      assert.deepEqual(found, [{ payloadHash: 'hy', reply: { y: 2 } }, { payloadHash: 'hx', reply: { x: 1 } }, undefined, undefined]);
      assert.deepEqual(await s.store.replies.findMany([{ actor: a, commandId: 'x' }]), [{ payloadHash: 'hx', reply: { x: 1 } }], 'one key alone');
    });

    test('an unknown player loads with the defaults under epoch 1; a second load takes the fence again and keeps the seeds', async () => {
      const user = unique('new');
      const first = await s.store.players.load(user, 'Newcomer', new Date(), 100, seeds());
      assert.equal(first.epoch, 1);
      assert.deepEqual({ ...first.player, fair: undefined, wallet: undefined }, {
        userId: user, displayName: 'Newcomer', wallet: undefined, xp: 0, level: 1, stats: {}, inventory: {}, purchases: {}, streakDay: 0, lastClaimDay: null, seq: 0, fair: undefined,
      });
      assert.equal(balanceOf(first.player, 'gold'), 0, 'an empty wallet: every currency at 0');
      assert.equal(first.player.fair.serverSeed, 'seed-1-0123456789abcdef');
      assert.equal(first.player.fair.clientSeed, 'seed-2-012345678');
      assert.equal(first.player.fair.nonce, 0);
      assert.deepEqual([first.replies, first.owed], [[], []]);
      const second = await s.store.players.load(user, 'Renamed', new Date(), 100, () => 'another-seed');
      assert.equal(second.epoch, 2);
      assert.equal(second.player.displayName, 'Newcomer', 'the name is the one it was created with');
      assert.equal(second.player.fair.serverSeed, first.player.fair.serverSeed, 'the seed shown is the one kept');
    });

    test('a load reads what was committed: balance, player row, stream head and the newest replies, oldest first', async () => {
      const user = unique('u');
      const { epoch, player } = await load(user);
      const stream = playerStream(user);
      const row = { userId: user, xp: 120, level: 2, stats: { rps: { played: 1, won: 1, wagered: 10, paidOut: 20 } }, inventory: { sword: 1 }, purchases: { sword: 1 }, streakDay: 1, lastClaimDay: 20_000, serverSeed: player.fair.serverSeed, clientSeed: 'mine', nonce: 3 };
      await s.commits.submit(mutation(user, epoch, {
        transfers: [{ from: 'mint', to: user, amount: 100, currency: 'gold', reason: 'test.grant', ref: null, commandId: 'c1' }],
        player: row,
        outbox: [1, 2].map((seq) => ({ stream, seq, type: EventType.rewardGranted, data: { seq }, at: AT })),
        command: { actor: user, commandId: 'c1', payloadHash: 'h', reply: { n: 1 } },
      }));
      for (const n of [2, 3]) await s.commits.submit(mutation(user, epoch, { command: { actor: user, commandId: `c${n}`, payloadHash: 'h', reply: { n } } }));
      const loaded = await load(user, 2);
      assert.equal(loaded.epoch, epoch + 1);
      assert.equal(balanceOf(loaded.player, 'gold'), 100);
      assert.deepEqual([loaded.player.xp, loaded.player.level, loaded.player.stats, loaded.player.inventory, loaded.player.purchases, loaded.player.streakDay, loaded.player.lastClaimDay], [120, 2, row.stats, { sword: 1 }, { sword: 1 }, 1, 20_000]);
      assert.deepEqual([loaded.player.fair.clientSeed, loaded.player.fair.nonce], ['mine', 3]);
      assert.equal(loaded.player.seq, 2, "the stream's head");
      assert.deepEqual(loaded.replies, [['c2', { payloadHash: 'h', reply: { n: 2 } }], ['c3', { payloadHash: 'h', reply: { n: 3 } }]]);
    });

    test('balances are per currency: a load reads each, and the transfers keep their currency and economy version', async () => {
      const user = unique('u');
      const { epoch } = await load(user);
      await s.commits.submit(mutation(user, epoch, {
        transfers: [transfer('mint', user, 100, 'gold', 'test.grant', null, 'c1'), transfer('mint', user, 7, 'gems', 'test.grant', null, 'c1')],
        economyVersion: 3,
        command: { actor: user, commandId: 'c1', payloadHash: 'h', reply: {} },
      }));
      await s.commits.submit(mutation(user, epoch, {
        transfers: [transfer(user, 'house', 40, 'gold', 'wallet.exchange', 'c2', 'c2'), transfer('house', user, 4, 'gems', 'wallet.exchange', 'c2', 'c2')],
        economyVersion: 4,
        command: { actor: user, commandId: 'c2', payloadHash: 'h', reply: {} },
      }));
      const loaded = await load(user);
      assert.deepEqual(loaded.player.wallet, { gold: 60, gems: 11 });
      assert.deepEqual(
        (await s.transfersOf(user)).map((t) => [t.from, t.to, t.amount, t.currency, t.economyVersion]),
        [['mint', user, 100, 'gold', 3], ['mint', user, 7, 'gems', 3], [user, 'house', 40, 'gold', 4], ['house', user, 4, 'gems', 4]],
      );
    });

    test('a mutation that would take a player below zero in one currency is refused whole, though it credits more in another', async () => {
      const user = unique('u');
      const { epoch } = await load(user);
      await s.commits.submit(mutation(user, epoch, { transfers: [transfer('mint', user, 5, 'gems', 'test.grant', null, 'c1')], economyVersion: 1 }));
      await assert.rejects(
        s.commits.submit(mutation(user, epoch, {
          transfers: [transfer(user, 'house', 6, 'gems', 'wallet.exchange', null, 'c2'), transfer('mint', user, 1_000, 'gold', 'test.grant', null, 'c2')],
          economyVersion: 1,
          command: { actor: user, commandId: 'c2', payloadHash: 'h', reply: {} },
        })),
        (error) => error instanceof CommitFailed && error.reason === 'rejected',
      );
      s.commits.forgetWriter(user, epoch);
      assert.equal(await s.store.replies.find(user, 'c2'), undefined);
      const again = await load(user);
      assert.deepEqual(again.player.wallet, { gems: 5 }, 'neither currency moved');
      assert.equal((await s.transfersOf(user)).length, 1);
    });

    test('a mutation under an epoch a later load replaced is refused as fenced and stores nothing', async () => {
      const user = unique('u');
      const old = await load(user);
      await load(user);
      await rejectsFenced(s.commits.submit(mutation(user, old.epoch, { command: { actor: user, commandId: 'late', payloadHash: 'h', reply: {} } })));
      s.commits.forgetWriter(user, old.epoch);
      assert.equal(await s.store.replies.find(user, 'late'), undefined);
    });

    test('effects owed are listed oldest first, and no longer once a commit applied them', async () => {
      const user = unique('u');
      const { epoch } = await load(user);
      const owed = ['a', 'b'].map((k): Effect => ({ key: `${k}-${user}`, userId: user, fromAccount: 'bounty', currency: 'gold', amount: 5, xp: 2, reason: 'task.bounty', ref: `task-${k}` }));
      await s.owe(owed);
      assert.deepEqual(await s.store.effects.pending(user), owed);
      assert.deepEqual(await s.store.effects.pending(unique('other')), [], "another player's are not listed");
      await s.commits.submit(mutation(user, epoch, { effectsApplied: [owed[0].key], command: { actor: user, commandId: effectCommandId(owed[0].key), payloadHash: 'fx', reply: {} } }));
      assert.deepEqual(await s.store.effects.pending(user), [owed[1]]);
      assert.deepEqual((await load(user)).owed, [owed[1]], 'the load reads the same');
    });

    test('an effect whose application is recorded (its reply) is not listed, though no commit marked it', async () => {
      const user = unique('u');
      const { epoch } = await load(user);
      const effect: Effect = { key: `again-${user}`, userId: user, fromAccount: 'escrow', currency: 'gems', amount: 9, xp: 0, reason: 'crash.payout', ref: 'r1' };
      await s.commits.submit(mutation(user, epoch, { command: { actor: user, commandId: effectCommandId(effect.key), payloadHash: 'fx', reply: {} } }));
      // Delivered again after it was applied (a second writer of the same effect).
      await s.owe([effect]);
      assert.deepEqual(await s.store.effects.pending(user), []);
    });

    test("a limited offer's stock: none counted before its first sale, which opens the counter at the offer's stock less the units sold", async () => {
      const buy = async (offerId: string, qty: number, opening: number) => {
        const user = unique('u');
        const { epoch } = await load(user);
        await s.commits.submit(mutation(user, epoch, { stock: [{ itemId: offerId, qty, opening }] }));
      };
      const soldOut = (error: unknown) => error instanceof CommitFailed && error.reason === 'soldOut';
      const offer = unique('offer');
      assert.equal(await s.store.stock.left(offer), undefined);
      await buy(offer, 2, 5);
      assert.equal(await s.store.stock.left(offer), 3);
      await buy(offer, 1, 50);
      assert.equal(await s.store.stock.left(offer), 2, 'a later opening stock (a new economy version) changes nothing once the counter is open');
      await assert.rejects(buy(offer, 3, 50), soldOut);
      assert.equal(await s.store.stock.left(offer), 2, 'nothing is taken by a claim that does not fit');
      await buy(offer, 2, 1);
      assert.equal(await s.store.stock.left(offer), 0, 'the last units sell though the opening stock named is smaller');
      const another = unique('offer');
      await assert.rejects(buy(another, 4, 3), soldOut);
      assert.equal(await s.store.stock.left(another), undefined, 'a first sale beyond the opening stock opens nothing');
    });

    test("a stream read gives the committed events after a seq, oldest first, with the stream's oldest seq", async () => {
      const writer = unique('board');
      const epoch = await s.takeRoomFence(writer);
      assert.deepEqual(await s.store.streams.read(writer, 0), { events: [], oldestSeq: null }, 'an empty stream');
      const events = [1, 2, 3].map((seq) => event(writer, seq));
      await s.store.commits.commit(writer, epoch, async () => undefined, { events, replies: [] });
      assert.deepEqual(await s.store.streams.read(writer, 1), { events: events.slice(1), oldestSeq: 1 });
      assert.deepEqual(await s.store.streams.read(writer, 3), { events: [], oldestSeq: 1 });
    });

    test('a fenced commit stores its replies as its own writes left them', async () => {
      const writer = unique('crash');
      const actor = unique('p');
      const epoch = await s.takeRoomFence(writer);
      const result: { balance: number | null } = { balance: null };
      await s.store.commits.commit(writer, epoch, async () => void (result.balance = 70), { events: [], replies: [{ actor, commandId: `${writer}:bet`, payloadHash: 'h', reply: result }] });
      assert.deepEqual(await s.store.replies.find(actor, `${writer}:bet`), { payloadHash: 'h', reply: { balance: 70 } });
    });

    test('a commit under a replaced epoch is refused as fenced, runs none of its writes and stores nothing', async () => {
      const writer = unique('crash');
      const actor = unique('p');
      const old = await s.takeRoomFence(writer);
      assert.equal(await s.takeRoomFence(writer), old + 1);
      let wrote = false;
      await rejectsFenced(s.store.commits.commit(writer, old, async () => void (wrote = true), { events: [event(writer, 1)], replies: [{ actor, commandId: 'late', payloadHash: 'h', reply: {} }] }));
      assert.equal(wrote, false);
      assert.equal(await s.store.replies.find(actor, 'late'), undefined);
      assert.deepEqual((await s.store.streams.read(writer, 0)).events, []);
    });

    test("a domain refusal from the commit's writes is its rejection, and nothing is stored", async () => {
      const writer = unique('admin');
      const actor = unique('admin');
      const epoch = await s.takeRoomFence(writer);
      const refusal = new DomainError('INVALID_INPUT', 'no such item');
      await assert.rejects(s.store.commits.commit(writer, epoch, async () => { throw refusal; }, { events: [event(writer, 1)], replies: [{ actor, commandId: 'rm', payloadHash: 'h', reply: {} }] }), (error) => error === refusal);
      assert.equal(await s.store.replies.find(actor, 'rm'), undefined);
      assert.deepEqual((await s.store.streams.read(writer, 0)).events, []);
    });

    test('a commit that would store a reply twice is refused whole', async () => {
      const writer = unique('board');
      const actor = unique('p');
      const epoch = await s.takeRoomFence(writer);
      const reply = (commandId: string) => ({ actor, commandId, payloadHash: 'h', reply: { commandId } });
      await s.store.commits.commit(writer, epoch, async () => undefined, { events: [event(writer, 1)], replies: [reply('one')] });
      await assert.rejects(s.store.commits.commit(writer, epoch, async () => undefined, { events: [event(writer, 2)], replies: [reply('two'), reply('one')] }), (error) => error instanceof CommitFailed && error.reason === 'rejected');
      assert.equal(await s.store.replies.find(actor, 'two'), undefined);
      assert.deepEqual((await s.store.streams.read(writer, 0)).events.map((e) => e.seq), [1]);
    });

    // Last: the subject's storage is gone afterwards.
    test('with storage down every read rejects, never "none", and commits reject', async () => {
      const user = unique('u');
      const { epoch } = await load(user);
      const writer = unique('table');
      const fence = await s.takeRoomFence(writer);
      stopped = true;
      await s.stop();
      await assert.rejects(s.store.replies.find(user, 'x'));
      await assert.rejects(s.store.replies.findMany([{ actor: user, commandId: 'x' }, { actor: user, commandId: 'y' }]));
      await assert.rejects(load(user));
      await assert.rejects(s.store.effects.pending(user));
      await assert.rejects(s.store.stock.left('lamp'));
      await assert.rejects(s.store.streams.read(writer, 0));
      await assert.rejects(s.commits.submit(mutation(user, epoch)), CommitFailed);
      await assert.rejects(s.store.commits.commit(writer, fence, async () => undefined, { events: [], replies: [] }), CommitFailed);
    });
  });
}
