// ECONOMY_FILE on the real server process: a file that cannot be read, is not JSON or does not
// validate stops the start with exit 1, naming each JSON path and what is wrong, before anything
// is opened or written (no DATA_DIR, no version stored); a valid file is published at start, and
// an edited one at the next start, while a restart with the file unchanged keeps an admin's
// publish (docs/ECONOMY.md "Versions").
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { PublicEconomy } from '../shared/economy.ts';
import { DEFAULT_ECONOMY_FILE, loadConfig } from '../server/config.ts';
import { defaultEconomy } from '../server/economy/defaultEconomy.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { queryRows } from './support/ledger.ts';
import { freePort, migrate, spawnServer, startServer, TEST_ADMIN_PASSWORD, TEST_JWT_SECRET } from './support/server.ts';
import { expectAck, joinRoom, signInAdmin } from './support/client.ts';
import { AdminCommandType } from '../shared/adminCommands.ts';
import { RoomName } from '../shared/protocol.ts';
import { AdminState } from '../shared/state.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'coffer-economy-file-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(name: string, content: unknown): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

/** Starts `node server/main.ts` expecting it to stop: its exit code and everything it printed. */
async function failedStart(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const { proc, output } = spawnServer(env, await freePort());
  const [code] = await once(proc, 'exit');
  return { code: code as number | null, output: output() };
}

function badDocument(): unknown {
  const bad = structuredClone(defaultEconomy) as any;
  bad.shop['lucky-charm'].price.currency = 'gems';
  bad.exchange = [{ from: 'gold', to: 'gold', give: 0, get: 1 }];
  delete bad.rewards.bounty.amount;
  return bad;
}

describe('ECONOMY_FILE', () => {
  test('config: unset is economy/default.json; a relative path is taken from the working directory', () => {
    assert.equal(loadConfig({}).economyFile, DEFAULT_ECONOMY_FILE);
    assert.equal(loadConfig({ ECONOMY_FILE: 'economies/live.json' }).economyFile, path.resolve('economies/live.json'));
  });

  test('embedded mode: an invalid file stops the start with exit 1, every path named, DATA_DIR never created', async () => {
    const dataDir = path.join(dir, 'never-created');
    const { code, output } = await failedStart({ DATA_DIR: dataDir, ECONOMY_FILE: await fileWith('bad.json', badDocument()) });
    assert.equal(code, 1, output);
    assert.match(output, /the economy file .*bad\.json is not valid/);
    for (const line of ['shop.lucky-charm.price.currency: "gems" is not a currency', 'exchange.0.give: must be a whole number', 'exchange.0.to: must differ from from', 'rewards.bounty.amount: is missing']) {
      assert.ok(output.includes(line), `the output names ${line}:\n${output}`);
    }
    assert.equal(existsSync(dataDir), false, 'nothing was written: no DATA_DIR');
  });

  test('embedded mode: a file that is not JSON, or is missing, stops the start too', async () => {
    const dataDir = path.join(dir, 'never-created-either');
    const notJson = await failedStart({ DATA_DIR: dataDir, ECONOMY_FILE: await fileWith('broken.json', '{ "currencies": ') });
    assert.equal(notJson.code, 1, notJson.output);
    assert.match(notJson.output, /broken\.json is not valid:\n\(the document\): is not JSON/);
    const missing = await failedStart({ DATA_DIR: dataDir, ECONOMY_FILE: path.join(dir, 'nowhere.json') });
    assert.equal(missing.code, 1, missing.output);
    assert.match(missing.output, /nowhere\.json is not valid:\n\(the document\): cannot be read \(ENOENT\)/);
    assert.equal(existsSync(dataDir), false);
  });

  test('embedded mode: an admin publish is in force at once and survives a restart with the file unchanged; an edited file is published over it', async () => {
    const dataDir = path.join(dir, 'embedded-data');
    const file = await fileWith('embedded.json', defaultEconomy);
    const env = { DATA_DIR: dataDir, ECONOMY_FILE: file, ADMIN_PASSWORD: TEST_ADMIN_PASSWORD, JWT_SECRET: TEST_JWT_SECRET };
    let server = await startServer(env);
    try {
      const session = await signInAdmin(server.url, TEST_ADMIN_PASSWORD);
      const adminTab = await joinRoom(server.url, session.token, RoomName.admin, AdminState);
      const economy = structuredClone(defaultEconomy);
      economy.shop['health-potion']!.price.amount = 40;
      assert.deepEqual(expectAck(await adminTab.send(AdminCommandType.economyPublish, { economy })), { version: 2 });
      assert.equal(((await (await fetch(`${server.url}/economy`)).json()) as PublicEconomy).version, 2);
      await adminTab.leave();
      await server.stop();

      server = await startServer(env, { port: server.port });
      const kept = (await (await fetch(`${server.url}/economy`)).json()) as PublicEconomy;
      assert.equal(kept.version, 2, "the restart keeps the admin's publish");
      assert.equal(kept.economy.shop['health-potion']!.price.amount, 40);
      await server.stop();

      const edited = structuredClone(defaultEconomy);
      edited.shop['health-potion']!.price.amount = 55;
      await fileWith('embedded.json', edited);
      server = await startServer(env, { port: server.port });
      const republished = (await (await fetch(`${server.url}/economy`)).json()) as PublicEconomy;
      assert.equal(republished.version, 3);
      assert.equal(republished.economy.shop['health-potion']!.price.amount, 55);
    } finally {
      await server.stop();
    }
  });

  describe('services mode', () => {
    let db: TestDatabase;
    before(async () => {
      db = await createTestDatabase('coffer_economy_file');
      await migrate(db.url);
    });
    after(async () => {
      await db?.drop();
    });

    test('an invalid file stores no version', async () => {
      const { code, output } = await failedStart({ DATABASE_URL: db.url, ECONOMY_FILE: await fileWith('bad-services.json', badDocument()) });
      assert.equal(code, 1, output);
      assert.match(output, /shop\.lucky-charm\.price\.currency/);
      assert.deepEqual(await queryRows(db.url, 'SELECT version FROM economy_versions'), []);
    });

    test('the file is version 1; edited, it is published at the next start; unchanged, nothing is', async () => {
      const economy = structuredClone(defaultEconomy);
      const file = await fileWith('live.json', { $schema: './economy.schema.json', ...economy });
      let server = await startServer({ DATABASE_URL: db.url, ECONOMY_FILE: file });
      const first = (await (await fetch(`${server.url}/economy`)).json()) as PublicEconomy;
      assert.equal(first.version, 1);
      assert.deepEqual(first.economy, economy, 'the file as published, without its $schema');
      await server.stop();

      economy.shop['health-potion']!.price.amount = 45;
      await fileWith('live.json', economy);
      server = await startServer({ DATABASE_URL: db.url, ECONOMY_FILE: file }, { port: server.port });
      const second = (await (await fetch(`${server.url}/economy`)).json()) as PublicEconomy;
      assert.equal(second.version, 2);
      assert.equal(second.economy.shop['health-potion']!.price.amount, 45);
      await server.stop();

      server = await startServer({ DATABASE_URL: db.url, ECONOMY_FILE: file }, { port: server.port });
      assert.equal(((await (await fetch(`${server.url}/economy`)).json()) as PublicEconomy).version, 2);
      await server.stop();
      const rows = await queryRows<{ version: number; published_by: string }>(db.url, 'SELECT version, published_by FROM economy_versions ORDER BY version');
      assert.deepEqual(rows.map((r) => r.version), [1, 2]);
      for (const row of rows) assert.match(row.published_by, /^file:.*live\.json$/);
    });
  });
});
