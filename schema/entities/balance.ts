import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';
import { ACCOUNT_KINDS } from './account.ts';

/**
 * What an account holds in one currency. A row exists once the account has ever held the currency
 * (a missing row is 0). Only ever moved by set-based SQL in the commit pipeline, by the same
 * statement that writes the transfers: the sum of an account's transfers in a currency equals its
 * balance there, and the balances of every account sum to 0 per currency (INV-5).
 *
 * `kind` repeats the account's (accounts.kind), so that the CHECK below can say which rows may go
 * negative; the only writer copies it from the account row it fenced or found (batchStatements.ts),
 * and the audit reports a row whose kind differs from its account's. No foreign key, as for
 * transfers: its triggers would run on every commit, and the writer already proves both exist.
 */
export const Balance = defineEntity({
  name: 'Balance',
  tableName: 'balances',
  properties: {
    account: p.text().primary(),
    currency: p.text().primary(),
    kind: p.enum(ACCOUNT_KINDS),
    // 'number' mode: balances stay far below 2^53, and a JS bigint would make JSON.stringify throw.
    balance: p.bigint('number').default(0),
  },
  primaryKeys: ['account', 'currency'],
  checks: [
    {
      // System accounts (mint, house, ...) may go negative: the mint is where money comes from.
      // A player may never spend money they do not have, in any currency, whatever bug the
      // application has.
      name: 'balances_player_nonnegative',
      expression: `kind <> 'player' or balance >= 0`,
    },
  ],
});

export type IBalance = InferEntity<typeof Balance>;
