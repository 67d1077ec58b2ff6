import { Migration } from '@mikro-orm/migrations';

export class Migration20261122065203_initial extends Migration {

  override name = 'Migration20261122065203_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table "accounts" ("id" text not null, "kind" text not null, "balance" bigint not null default '0', "epoch" bigint not null default '0', "created_at" timestamptz not null default now(), primary key ("id"));`);

    this.addSql(`create table "command_results" ("actor" text not null, "command_id" text not null, "payload_hash" text not null, "reply" jsonb not null, "created_at" timestamptz not null default now(), primary key ("actor", "command_id"));`);
    this.addSql(`create index "command_results_created_at_index" on "command_results" ("created_at");`);

    this.addSql(`create table "outbox" ("stream" text not null, "seq" bigint not null, "type" text not null, "payload" jsonb not null, "created_at" timestamptz not null default now(), "xid" xid8 not null default pg_current_xact_id(), primary key ("stream", "seq"));`);

    this.addSql(`create table "players" ("user_id" text not null, "display_name" text not null, "xp" bigint not null default '0', "level" int not null default 1, "stats" jsonb not null default '{}', "streak_day" int not null default 0, "last_claim_day" int null, "created_at" timestamptz not null default now(), primary key ("user_id"));`);

    this.addSql(`create table "transfers" ("id" bigserial primary key, "from_account" text not null, "to_account" text not null, "amount" bigint not null, "reason" text not null, "ref" text null, "command_id" text null, "created_at" timestamptz not null default now());`);
    this.addSql(`create index "transfers_from_account_index" on "transfers" ("from_account");`);
    this.addSql(`create index "transfers_to_account_index" on "transfers" ("to_account");`);

    this.addSql(`alter table "accounts" add constraint "accounts_player_balance_nonnegative" check (kind <> 'player' or balance >= 0);`);
    this.addSql(`alter table "accounts" add constraint "accounts_kind_check" check ("kind" in ('player', 'system'));`);

    this.addSql(`alter table "transfers" add constraint "transfers_amount_positive" check (amount > 0);`);

    // Hand-written seed: the house accounts (SYSTEM_ACCOUNTS in schema/config.ts). Spelled out rather
    // than imported so this migration stays what it was when applied, whatever that list becomes.
    this.addSql(`insert into "accounts" ("id", "kind") values ('mint', 'system'), ('house', 'system'), ('shop', 'system'), ('bounty', 'system'), ('escrow', 'system');`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "accounts" cascade;`);
    this.addSql(`drop table if exists "command_results" cascade;`);
    this.addSql(`drop table if exists "outbox" cascade;`);
    this.addSql(`drop table if exists "players" cascade;`);
    this.addSql(`drop table if exists "transfers" cascade;`);
  }

}
