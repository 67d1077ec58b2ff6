// Publishing across processes (services mode, two processes on one PostgreSQL and Redis): a
// version published through one process is in force on the other within a second, over HTTP.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdminCommandType } from '../shared/adminCommands.ts';
import type { Economy, PublicEconomy } from '../shared/economy.ts';
import { RoomName } from '../shared/protocol.ts';
import { AdminState } from '../shared/state.ts';
import { defaultEconomy } from '../server/economy/defaultEconomy.ts';
import { expectAck, joinRoom, signInAdmin, type PlayerConnection } from './support/client.ts';
import { clusterFixture } from './support/cluster.ts';
import { TEST_ADMIN_PASSWORD } from './support/server.ts';
import { waitFor } from './support/wait.ts';

const fx = clusterFixture('coffer_economy_cluster', 2);

let adminTab: PlayerConnection<AdminState> | undefined;
async function admin(): Promise<PlayerConnection<AdminState>> {
  const session = await signInAdmin(fx.servers[0]!.url, TEST_ADMIN_PASSWORD);
  adminTab ??= await joinRoom(fx.servers[0]!.url, session.token, RoomName.admin, AdminState);
  return adminTab;
}

async function economyAt(url: string): Promise<PublicEconomy> {
  return (await (await fetch(`${url}/economy`)).json()) as PublicEconomy;
}

function withPotionPrice(amount: number): Economy {
  const economy = structuredClone(defaultEconomy);
  economy.shop['health-potion']!.price.amount = amount;
  return economy;
}

test('a version published through one process is in force on every process within a second', async () => {
  const tab = await admin();
  for (const server of fx.servers) assert.equal((await economyAt(server.url)).version, 1);
  for (const [i, price] of [45, 40, 35].entries()) {
    const { version } = expectAck(await tab.send(AdminCommandType.economyPublish, { economy: withPotionPrice(price) }));
    assert.equal(version, 2 + i);
    const acked = Date.now();
    await Promise.all(
      fx.servers.map((server) =>
        waitFor(async () => {
          const seen = await economyAt(server.url);
          return seen.version === version && seen.economy.shop['health-potion']!.price.amount === price;
        }, 1_000, 10),
      ),
    );
    assert.ok(Date.now() - acked < 1_000, `every process serves version ${version} within a second of the ack`);
  }
});
