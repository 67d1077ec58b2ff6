// The outbox relay against a real PostgreSQL: commit order without skipping the rows of a slow
// transaction (and a naive `id > cursor` relay, written here, fails the same check), several
// relays on one cursor, the replay after the target lost its data, and the event bus that drops
// what it has seen and reads gaps from the outbox.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { WireEvent } from '../shared/protocol.ts';
import { EventBus } from '../server/relay/eventBus.ts';
import { OutboxRelay } from '../server/relay/outboxRelay.ts';
import { outboxStreamReader } from '../server/store/outboxReader.ts';
import { createTestDatabase, pgClient, type TestDatabase } from './support/db.ts';
import { migrate } from './support/server.ts';
import { sqlPool } from './support/sql.ts';

let db: TestDatabase;
let sql: ReturnType<typeof sqlPool>;

before(async () => {
  db = await createTestDatabase('coffer_relay');
  await migrate(db.url);
  sql = sqlPool(db.url);
});
after(async () => {
  await sql?.end();
  await db?.drop();
});

async function insertEvents(stream: string, seqs: number[]): Promise<void> {
  await sql.query(`INSERT INTO outbox (stream, seq, type, payload) SELECT $1, s, 'test', jsonb_build_object('n', s) FROM unnest($2::bigint[]) AS s`, [stream, seqs]);
}

const keyOf = (e: { stream: string; seq: number }) => `${e.stream}/${e.seq}`;

/** A sink that keeps what it was given. */
function memorySink() {
  const published: WireEvent[] = [];
  return { published, publish: async (events: readonly WireEvent[]) => void published.push(...events) };
}

/** The relay this design replaces: "everything above the highest id I have seen". */
function naiveRelay() {
  let cursor = '0';
  const published: string[] = [];
  return {
    published,
    async step() {
      const rows = await sql.query<{ stream: string; seq: string; xid: string }>(`SELECT stream, seq, xid::text AS xid FROM outbox WHERE xid > $1::xid8 ORDER BY xid, stream, seq`, [cursor]);
      for (const row of rows) published.push(keyOf({ stream: row.stream, seq: Number(row.seq) }));
      if (rows.length > 0) cursor = rows[rows.length - 1].xid;
    },
  };
}

test('a slow transaction holding an early row delays the relay but is never skipped; the naive relay skips it', async () => {
  const sink = memorySink();
  const relay = new OutboxRelay(sql, sink, { name: 'gap' });
  const naive = naiveRelay();
  await relay.step(); // the cursor starts here
  await naive.step();
  const before = naive.published.length;

  const slow = pgClient(db.url);
  await slow.connect();
  try {
    await slow.query('BEGIN');
    await slow.query(`INSERT INTO outbox (stream, seq, type, payload) VALUES ('gap:early', 1, 'test', '{}')`);
    // Later transactions commit while the early one is still open.
    await insertEvents('gap:late', [1, 2]);
    await insertEvents('gap:later', [1]);

    await relay.step();
    await naive.step();
    assert.deepEqual(sink.published.map(keyOf), [], 'rows behind an open transaction wait for it');
    assert.deepEqual(naive.published.slice(before), ['gap:late/1', 'gap:late/2', 'gap:later/1'], 'the naive relay publishes them and moves past the open one');

    await slow.query('COMMIT');
  } finally {
    await slow.end();
  }
  await relay.step();
  await naive.step();
  const expected = ['gap:early/1', 'gap:late/1', 'gap:late/2', 'gap:later/1'];
  assert.deepEqual(sink.published.map(keyOf), expected, 'everything, in commit-start (xid) order');
  const naiveMissed = expected.filter((key) => !naive.published.includes(key));
  assert.deepEqual(naiveMissed, ['gap:early/1'], 'the same check fails for the naive relay: it skipped the slow row for good');
});

test('several relays on one cursor publish each row once between them while writers commit concurrently', async () => {
  const sinks = [memorySink(), memorySink(), memorySink()];
  const relays = sinks.map((sink) => new OutboxRelay(sql, sink, { name: 'shared', batchSize: 7 }));
  await relays[0].step();
  const streams = ['multi:a', 'multi:b', 'multi:c', 'multi:d'];
  const expected = streams.flatMap((stream) => Array.from({ length: 40 }, (_, i) => `${stream}/${i + 1}`));
  const writers = streams.map(async (stream) => {
    for (let seq = 1; seq <= 40; seq += 4) await insertEvents(stream, [seq, seq + 1, seq + 2, seq + 3]);
  });
  const all = () => sinks.flatMap((sink) => sink.published.map(keyOf));
  let writing = true;
  // Each relay steps until everything is out (bounded, so a lost row fails the count below).
  const relaying = relays.map(async (relay) => {
    for (let steps = 0; (writing || all().length < expected.length) && steps < 5000; steps++) await relay.step();
  });
  await Promise.all(writers);
  writing = false;
  await Promise.all(relaying);
  const published = all();
  assert.equal(published.length, expected.length, 'no row published twice');
  assert.deepEqual([...published].sort(), [...expected].sort(), 'and none missing');
  for (const stream of streams) {
    const seqs = sinks.flatMap((s) => s.published).filter((e) => e.stream === stream);
    assert.equal(new Set(seqs.map((e) => e.seq)).size, 40);
  }
});

test('a sink that lost its data gets the recent rows again, then the new ones', async () => {
  const sink = memorySink();
  let lost = false;
  const replays: number[] = [];
  const relay = new OutboxRelay(sql, { ...sink, lostData: async () => lost }, { name: 'replay', replayRows: 3, onReplay: (rows) => replays.push(rows) });
  await relay.step();
  await insertEvents('replay:x', [1, 2, 3, 4]);
  await relay.step();
  assert.deepEqual(sink.published.map(keyOf), ['replay:x/1', 'replay:x/2', 'replay:x/3', 'replay:x/4']);

  lost = true;
  await insertEvents('replay:x', [5]);
  await relay.step();
  lost = false;
  assert.deepEqual(replays, [3]);
  assert.deepEqual(sink.published.slice(4).map(keyOf), ['replay:x/2', 'replay:x/3', 'replay:x/4', 'replay:x/5'], 'the last three again, oldest first, then the new row');
});

test('the event bus passes each seq on once, in order, and reads a gap from the outbox', async () => {
  await insertEvents('bus:x', [1, 2, 3]);
  const errors: unknown[] = [];
  const bus = new EventBus(outboxStreamReader(sql), (error) => errors.push(error));
  const seen: number[] = [];
  const unsubscribe = bus.subscribe('bus:x', (event) => seen.push(event.seq));
  const event = (seq: number): WireEvent => ({ stream: 'bus:x', seq, type: 'test', at: new Date().toISOString(), data: { n: seq } });

  bus.deliver([event(3), event(2)]);
  await bus.settled();
  assert.deepEqual(seen, [], 'what was committed before the subscription is history (events.sync)');

  await insertEvents('bus:x', [4, 5, 6]);
  bus.deliver([event(6)]);
  bus.deliver([event(4), event(6), { ...event(1), stream: 'bus:other' }]);
  await bus.settled();
  assert.deepEqual(seen, [4, 5, 6], 'the gap 4..5 read from the outbox, duplicates dropped');

  unsubscribe();
  bus.deliver([event(7)]);
  await bus.settled();
  assert.deepEqual(seen, [4, 5, 6], 'nothing after unsubscribing');
  assert.deepEqual(errors, []);
});
