// The commit pipeline alone, without WebSockets: `writers` players each keep one mutation (a
// game's worth of rows: a transfer pair, the player row, an event, a reply) in flight. This is
// the ceiling the server's network side can reach on this machine.
import { playerStream } from '../shared/protocol.ts';
import { openDatabase } from '../server/db/database.ts';
import { SystemAccount, transfer } from '../server/domain/ledger.ts';
import { batchStatement } from '../server/store/batchStatements.ts';
import { CommitPipeline } from '../server/store/commitPipeline.ts';
import { sqlFor } from '../server/store/sql.ts';

export async function pipelineOnly(databaseUrl: string, writers: number, seconds: number): Promise<number> {
  const database = await openDatabase({ databaseUrl, dataDir: '', migrate: false });
  try {
    const sql = await sqlFor(database.orm);
    const ids = Array.from({ length: writers }, (_, i) => `pipeline-bench-${i}`);
    await sql.query(`INSERT INTO accounts (id, kind, epoch) SELECT unnest($1::text[]), 'player', 1`, [ids]);
    await sql.query(`INSERT INTO players (user_id, display_name) SELECT unnest($1::text[]), 'bench'`, [ids]);
    const pipeline = new CommitPipeline(sql, batchStatement(database.orm.getMetadata()));
    const end = performance.now() + seconds * 1000;
    let done = 0;
    await Promise.all(
      ids.map(async (id) => {
        for (let seq = 1; performance.now() < end; seq++) {
          const commandId = `${id}-${seq}`;
          await pipeline.submit({
            writer: { account: id, epoch: 1 },
            economyVersion: 1,
            transfers: [transfer(SystemAccount.mint, id, 2, 'gold', 'bench', null, commandId), transfer(id, SystemAccount.house, 1, 'gold', 'bench', null, commandId)],
            player: { userId: id, xp: 0, level: 1, stats: { rps: { played: seq, won: 0, wagered: seq, paidOut: 0 } }, inventory: {}, purchases: {}, streakDay: 0, lastClaimDay: null, serverSeed: 'bench', clientSeed: 'bench', nonce: seq },
            outbox: [{ stream: playerStream(id), seq, type: 'balance.changed', data: { delta: 1, balance: seq, currency: 'gold', reason: 'bench', ref: null }, at: new Date() }],
            command: { actor: id, commandId, payloadHash: 'bench', reply: { balance: seq } },
          });
          done++;
        }
      }),
    );
    return done / seconds;
  } finally {
    await database.close();
  }
}
