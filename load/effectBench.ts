// Effect delivery latency, for `npm run bench`: how long a bounty takes from the
// `task.complete` ack (its commit on the board) to the `balance.changed` event in the assignee's
// own player room, with the assignee online. A crash payout travels the same way (an effect row,
// then a call to the owner's room), so one figure stands for both.
import { AdminCommandType, type AdminTaskResult } from '../shared/adminCommands.ts';
import { BoardCommandType } from '../shared/boardCommands.ts';
import { EventType } from '../shared/events.ts';
import { RoomName } from '../shared/protocol.ts';
import { newId, signInAdmin, signInGuest } from '../tests/support/client.ts';
import { percentile } from './baseline.ts';
import { ProtocolRoom, type Reply } from './protocolClient.ts';

export type EffectFigure = { count: number; p50: number; p99: number; max: number };

const BOARD = 'main';

function ok(reply: Reply, what: string): unknown {
  if ('nack' in reply) throw new Error(`${what}: ${reply.nack.code} ${reply.nack.message}`);
  return reply.ack.result;
}

/** `players` assignees, each completing `rounds` tasks one after another, all players at once. */
export async function effectLatency(baseUrl: string, adminPassword: string, players: number, rounds: number): Promise<EffectFigure> {
  const admin = await signInAdmin(baseUrl, adminPassword);
  const adminRoom = await ProtocolRoom.join(baseUrl, admin.token, RoomName.admin);
  const samples: number[] = [];
  const rooms: ProtocolRoom[] = [adminRoom];
  try {
    await Promise.all(
      Array.from({ length: players }, async (_, p) => {
        const me = await signInGuest(baseUrl, `fx-${p}`);
        const wallet = await ProtocolRoom.join(baseUrl, me.token, RoomName.player);
        const board = await ProtocolRoom.join(baseUrl, me.token, RoomName.board, { board: BOARD });
        rooms.push(wallet, board);
        const paid = new Map<string, () => void>();
        wallet.onEvent = (event) => {
          const data = event.data as { reason?: string; ref?: string };
          if (event.type === EventType.balanceChanged && data.reason === 'task.bounty' && data.ref) paid.get(data.ref)?.();
        };
        for (let r = 0; r < rounds; r++) {
          const { task } = ok(await adminRoom.send(AdminCommandType.taskCreate, newId(), { board: BOARD, title: `fx ${p}.${r}`, bountyGold: 1, bountyXp: 0 }), 'admin.task.create') as AdminTaskResult;
          ok(await board.send(BoardCommandType.taskAccept, newId(), { taskId: task.id }), 'task.accept');
          let arrivedAt = 0;
          const arrived = new Promise<void>((resolve) => paid.set(`board:${BOARD}:${task.id}`, () => ((arrivedAt = performance.now()), resolve())));
          ok(await board.send(BoardCommandType.taskComplete, newId(), { taskId: task.id }), 'task.complete');
          const ackedAt = performance.now();
          await arrived;
          // The event may come before the ack's frame: that is no wait at all.
          samples.push(Math.max(0, arrivedAt - ackedAt));
        }
      }),
    );
  } finally {
    for (const room of rooms) room.close();
  }
  samples.sort((a, b) => a - b);
  return { count: samples.length, p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), max: samples.at(-1) ?? 0 };
}
