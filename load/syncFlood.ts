// `node load/syncFlood.ts`: one account pulls events.sync from seq 0 of a crash table over 100
// sockets for 20 s (40 requests a second each) while the table's stream grows; the server's RSS
// before, during and for 30 s after (BENCHMARKS.md, "The transport edge and shared-room budgets").
// Without a per-account byte budget in shared rooms this pulled hundreds of MB and the server's
// memory grew by several hundred MB that it never gave back. Its own scratch database and server.
import { DEFAULT_CRASH_TABLE } from '../shared/crashCommands.ts';
import { CommandType } from '../shared/commands.ts';
import { RoomName } from '../shared/protocol.ts';
import { newId, signInGuest } from '../tests/support/client.ts';
import { createTestDatabase } from '../tests/support/db.ts';
import { RawRoom } from '../tests/support/rawRoom.ts';
import { migrate, startServer } from '../tests/support/server.ts';

const db = await createTestDatabase('bench_syncflood');
await migrate(db.url);
const server = await startServer({ DATABASE_URL: db.url, CRASH_BETTING_MS: '100', CRASH_PAUSE_MS: '50', CRASH_GROWTH_PER_SECOND: '10', GUEST_SIGNUPS_PER_HOUR: '', MAX_CONNECTIONS_PER_ADDRESS: '', SYNC_BYTES_PER_SECOND: '', LOG_LEVEL: 'warn' });
const rss = async () => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Math.round(Number(/^process_resident_memory_bytes (\S+)/m.exec(text)![1]) / 1e6);
};
const watcher = await signInGuest(server.url);
const w = await RawRoom.join(server.url, RoomName.crash, watcher.token, { table: DEFAULT_CRASH_TABLE });
await new Promise((r) => setTimeout(r, 30_000)); // let the stream grow
console.log('events on the table stream so far:', w.events.length, 'rss MB', await rss());
const flooder = await signInGuest(server.url);
const socks: RawRoom[] = [];
for (let i = 0; i < 100; i++) {
  const r = await RawRoom.join(server.url, RoomName.crash, flooder.token, { table: DEFAULT_CRASH_TABLE }).catch((e) => (console.log('join refused', String(e).slice(0, 100)), undefined));
  if (r) socks.push(r);
}
console.log('flood sockets', socks.length, 'rss MB', await rss());
const until = Date.now() + 20_000;
let sent = 0;
const timer = setInterval(async () => console.log('during: rss MB', await rss()), 4000);
await Promise.all(socks.map(async (s) => {
  while (Date.now() < until && s.socket.readyState === 1) {
    for (let i = 0; i < 4; i++) { s.send(CommandType.eventsSync, { id: newId(), afterSeq: 0 }); sent++; }
    await new Promise((r) => setTimeout(r, 100));
  }
}));
clearInterval(timer);
let acked = 0, limited = 0, bytes = 0;
for (const s of socks) for (const r of s.replies) { if ('ack' in r) { acked++; bytes += JSON.stringify(r.ack.result).length; } else if (r.nack.code === 'RATE_LIMITED') limited++; }
console.log({ sent, acked, limited, MBpulled: (bytes / 1e6).toFixed(1), closed: socks.filter((s) => s.socket.readyState !== 1).length });
for (const s of socks) s.close();
for (let i = 0; i < 6; i++) { await new Promise((r) => setTimeout(r, 5000)); console.log('after: rss MB', await rss()); }
w.close();
await server.stop();
await db.drop();
