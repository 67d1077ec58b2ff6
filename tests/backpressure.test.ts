// A slow WebSocket reader: a client that stops reading while it keeps asking for big
// replies. The server must not drop messages silently and keep the socket: what the reader gets
// is whole replies and then the close: a drop without a close would leave it waiting forever
// (uWS closeOnBackpressureLimit; the ws fallback closes the same way, server/transport.ts). Meanwhile others are served and nothing is
// written; the reader then joins again and `events.sync` gives it its whole stream.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CommandType } from '../shared/commandNames.ts';
import { RoomName, playerStream, type WireEvent } from '../shared/protocol.ts';
import { expectAck, joinPlayerRoom, newId, signInGuest } from './support/client.ts';
import { tableDigests } from './support/digest.ts';
import { serverFixture, type ServerFixture } from './support/fixture.ts';
import { fundNewPlayer } from './support/ledger.ts';
import { RawRoom } from './support/rawRoom.ts';
import { waitFor } from './support/wait.ts';

/** Replies of this many `events.sync` (each ~40 KB) are well past the kernel's socket buffers plus 1 MB. */
const SYNCS = 800;
const BETS = 150;

// The rate limit is raised so the reader's requests are all answered; the limit is another case.
const env = { RATE_LIMIT_PER_SECOND: '100000' };
// uWS where it loads (CI asserts it does: COFFER_EXPECT_TRANSPORT=uws), else the ws fallback.
const uws = serverFixture('backpressure_uws', { ...env, TRANSPORT: process.env.COFFER_EXPECT_TRANSPORT ?? 'auto' });
const ws = serverFixture('backpressure_ws', { ...env, TRANSPORT: 'ws' });

async function syncsAnswered(url: string): Promise<number> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  return Number(/^coffer_commands_total\{type="events\.sync",outcome="ack"\} (\d+)/m.exec(metrics)?.[1] ?? 0);
}

function slowReaderIsClosed(fx: ServerFixture) {
  return async () => {
    const url = fx.server.url;
    const reader = await signInGuest(url);
    const other = await signInGuest(url);
    await Promise.all([fundNewPlayer(fx.db.url, reader.userId, 1_000_000), fundNewPlayer(fx.db.url, other.userId, 1_000_000)]);
    // A stream long enough that one events.sync reply is big.
    const tab = await joinPlayerRoom(url, reader.token);
    await Promise.all(Array.from({ length: BETS }, () => tab.send('game.slot', { bet: 1 }).then(expectAck)));
    const { seq: head } = expectAck(await tab.send(CommandType.eventsSync, { afterSeq: 0 })) as { seq: number };
    const bystander = await joinPlayerRoom(url, other.token);

    const slow = await RawRoom.join(url, RoomName.player, reader.token);
    const answeredBefore = await syncsAnswered(url);
    const digests = await tableDigests(fx.db.url);
    slow.pauseReading();
    const ids = Array.from({ length: SYNCS }, (_, i) => `slow-sync-${String(i).padStart(4, '0')}`);
    for (const id of ids) slow.send(CommandType.eventsSync, { id, afterSeq: 0 });
    // Every request answered by the server (its own count), all while the reader reads nothing.
    await waitFor(async () => (await syncsAnswered(url)) - answeredBefore >= SYNCS, 60_000);
    assert.deepEqual(await tableDigests(fx.db.url), digests, 'nothing was written');
    expectAck(await bystander.send('game.slot', { bet: 1 }, newId()));

    slow.resumeReading();
    const closed = await slow.closed;
    assert.equal(closed.code, 1006, 'the socket was cut, not closed politely');
    const got = slow.replies.map((r) => ('ack' in r ? r.ack.id : `nack:${r.nack.id}`));
    assert.ok(got.length < SYNCS, `the server cut the reader off (${got.length} of ${SYNCS} replies delivered)`);
    // Replies to concurrent commands may come in any order; each that came is whole and unique.
    assert.equal(new Set(got).size, got.length, 'no reply twice');
    assert.ok(got.every((id) => ids.includes(id)), 'only replies to what was sent');
    assert.ok(slow.replies.every((r) => 'ack' in r && r.ack.result.events.length === Math.min(head, 500)), 'every delivered reply is complete');

    // The reader comes back and catches up from the last seq it applied (none): the whole stream.
    const back = await joinPlayerRoom(url, reader.token);
    const events: WireEvent[] = [];
    for (let after = 0; after < head; ) {
      const page = expectAck(await back.send(CommandType.eventsSync, { afterSeq: after })) as { events: WireEvent[]; seq: number };
      events.push(...page.events);
      after = page.events.at(-1)?.seq ?? head;
    }
    assert.deepEqual(events.map((e) => e.seq), Array.from({ length: head }, (_, i) => i + 1), 'seqs 1..head, gapless');
    assert.ok(events.every((e) => e.stream === playerStream(reader.userId)));
    await Promise.all([back.leave(), bystander.leave(), tab.leave()]);
  };
}

describe('a slow WebSocket reader', () => {
  test('uWS (the default transport): cut off at its backpressure limit, others served, then it rejoins and replays', slowReaderIsClosed(uws));
  test('ws fallback: cut off the same way', slowReaderIsClosed(ws));
});
