// A call to another room from inside an open database transaction is refused before it reaches the
// matchmaker (roomCalls.ts), the way sql.ts refuses a nested connection: the other room's load or
// commit would wait on the connection and locks this transaction holds (forever in embedded mode,
// whose pool has one connection). Before and after the transaction the same call is not refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openStore, type Store } from '../../tests/support/store.ts';
import { callBoardRoom } from './boardRooms.ts';
import { callPlayerRoom, deliverEffects } from './playerRooms.ts';
import { callRoom, refuseInTransaction, type PlayerRoomCalls } from './roomCalls.ts';

let store: Store;
before(async () => {
  store = await openStore('room_calls');
});
after(async () => {
  await store?.close();
});

const refused = (error: unknown) => error instanceof Error && /call to another room \(\w+\) from inside an open database transaction/.test(error.message);

test('a room call inside an open transaction is refused, whichever way it is made', async () => {
  await store.sql.transaction(async (trx) => {
    await assert.rejects(callPlayerRoom('u-1', 'crashBet', { table: 't', roundId: 1, id: 'bet-1', amount: 5, currency: 'gold' }), refused);
    await assert.rejects(callBoardRoom(undefined, 'adminCancelTask', { id: 'c-1', adminId: 'a', taskId: 'x' }), refused);
    await assert.rejects(callRoom<PlayerRoomCalls, 'applyEffects'>('some-room', 'applyEffects', []), refused);
    const failures: unknown[] = [];
    await deliverEffects('u-1', (error) => failures.push(error));
    assert.equal(failures.length, 1);
    assert.ok(refused(failures[0]), 'a delivery is refused too, and told');
    // The refusal left the transaction usable.
    assert.deepEqual((await trx.query('select 1 as n')).rows, [{ n: 1 }]);
  });
});

test('outside a transaction, and in work a closed transaction left running, nothing is refused', async () => {
  refuseInTransaction('applyEffects');
  let committed!: () => void;
  const gate = new Promise<void>((resolve) => (committed = resolve));
  let later!: Promise<void>;
  await store.sql.transaction(async () => {
    // Chained inside (it carries the transaction's async context) and run after the commit, when
    // nothing is held any more.
    later = gate.then(() => refuseInTransaction('applyEffects'));
    await assert.rejects(async () => refuseInTransaction('applyEffects'), refused);
  });
  committed();
  await later;
});
