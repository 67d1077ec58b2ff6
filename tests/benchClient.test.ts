// The bench's own protocol client (load/protocolClient.ts) when the server closes its socket: every
// command waiting for a reply, and every command sent afterwards, gets a synthetic UNAVAILABLE nack
// instead of waiting for ever. Before, a flood the server closed at four times its message rate
// left the bench's noisy-neighbour phase waiting for replies that could not come.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandType } from '../shared/commandNames.ts';
import { RoomName } from '../shared/protocol.ts';
import { ProtocolRoom } from '../load/protocolClient.ts';
import { newId, signInGuest } from './support/client.ts';
import { serverFixture } from './support/fixture.ts';
import { within } from './support/wait.ts';

// 5 messages a second per socket: the 21st within a second closes the socket (4429).
const fx = serverFixture('bench_client', { RATE_LIMIT_PER_SECOND: '5' });

test('commands on a socket the server closed are answered UNAVAILABLE, not left waiting', async () => {
  const session = await signInGuest(fx.server.url);
  const room = await ProtocolRoom.join(fx.server.url, session.token, RoomName.player);
  const flood = Array.from({ length: 60 }, () => room.send(CommandType.streakClaim, newId()));
  const replies = await within(Promise.all(flood), 15_000, 'every flooded command answered');
  const closed = replies.filter((r) => 'nack' in r && r.nack.code === 'UNAVAILABLE' && /socket closed with 4429/.test(r.nack.message));
  assert.ok(closed.length > 0, `the server closed the socket and the waiting commands heard of it: ${JSON.stringify(replies.slice(-3))}`);
  const after = await within(room.send(CommandType.streakClaim, newId()), 1_000, 'a command sent after the close answered');
  assert.ok('nack' in after && after.nack.code === 'UNAVAILABLE', JSON.stringify(after));
});
