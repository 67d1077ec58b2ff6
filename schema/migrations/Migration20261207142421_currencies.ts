import { Migration } from '@mikro-orm/migrations';

/**
 * Currencies in the ledger: balances move from `accounts.balance` to `balances`, one row per
 * (account, currency); transfers and effects name their currency; transfers record the economy
 * version they were decided under. Everything there was is gold: every account's balance becomes
 * its `gold` row, every transfer and effect is in `gold`, and no transfer has a version (null).
 *
 * Down goes back only while the ledger holds nothing but gold: a balance, transfer or unapplied
 * effect in another currency has no place in the old schema, and dropping it would unbalance the
 * ledger, so the down migration refuses and changes nothing.
 */
export class Migration20261207142421_currencies extends Migration {

  override name = 'Migration20261207142421_currencies';

  override up(): void | Promise<void> {
    this.addSql(`create table "balances" ("account" text not null, "currency" text not null, "kind" text not null, "balance" bigint not null default '0', primary key ("account", "currency"));`);
    this.addSql(`alter table "balances" add constraint "balances_player_nonnegative" check (kind <> 'player' or balance >= 0);`);
    this.addSql(`alter table "balances" add constraint "balances_kind_check" check ("kind" in ('player', 'system'));`);
    this.addSql(`insert into "balances" ("account", "currency", "kind", "balance") select "id", 'gold', "kind", "balance" from "accounts";`);

    this.addSql(`alter table "accounts" drop constraint "accounts_player_balance_nonnegative";`);
    this.addSql(`alter table "accounts" drop column "balance";`);

    // A constant default fills the existing rows without rewriting the table; new rows must name theirs.
    this.addSql(`alter table "effects" add "currency" text not null default 'gold';`);
    this.addSql(`alter table "effects" alter column "currency" drop default;`);

    this.addSql(`alter table "transfers" add "currency" text not null default 'gold', add "economy_version" int null;`);
    this.addSql(`alter table "transfers" alter column "currency" drop default;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`do $$ begin
      if exists (select 1 from "transfers" where "currency" <> 'gold')
         or exists (select 1 from "balances" where "currency" <> 'gold' and "balance" <> 0)
         or exists (select 1 from "effects" where "currency" <> 'gold' and "applied_at" is null) then
        raise exception 'the ledger holds currencies other than gold (transfers, balances or owed effects); the schema before currencies cannot hold them, so nothing was migrated down';
      end if;
    end $$;`);

    this.addSql(`alter table "accounts" add "balance" bigint not null default '0';`);
    this.addSql(`update "accounts" as a set "balance" = b."balance" from "balances" as b where b."account" = a."id" and b."currency" = 'gold';`);
    this.addSql(`alter table "accounts" add constraint "accounts_player_balance_nonnegative" check (kind <> 'player' or balance >= 0);`);

    this.addSql(`alter table "effects" drop column "currency";`);

    this.addSql(`alter table "transfers" drop column "currency", drop column "economy_version";`);

    this.addSql(`drop table if exists "balances" cascade;`);
  }

}
