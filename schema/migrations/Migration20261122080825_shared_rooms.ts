import { Migration } from '@mikro-orm/migrations';

export class Migration20261122080825_shared_rooms extends Migration {

  override name = 'Migration20261122080825_shared_rooms';

  override up(): void | Promise<void> {
    this.addSql(`create table "admin_audit" ("id" bigserial primary key, "admin" text not null, "action" text not null, "command_id" text not null, "payload" jsonb not null, "result" jsonb not null, "created_at" timestamptz not null default now());`);
    this.addSql(`create index "admin_audit_created_at_index" on "admin_audit" ("created_at");`);

    this.addSql(`create table "crash_rounds" ("table_id" text not null, "round_id" int not null, "commitment" text not null, "bets" jsonb not null default '{}', "started_at" timestamptz not null default now(), "settled_at" timestamptz null, primary key ("table_id", "round_id"));`);

    this.addSql(`create table "crash_tables" ("id" text not null, "chain_seed" text not null, "chain_length" int not null, "created_at" timestamptz not null default now(), primary key ("id"));`);

    this.addSql(`create table "effects" ("key" text not null, "user_id" text not null, "from_account" text not null, "gold" bigint not null, "xp" bigint not null default '0', "reason" text not null, "ref" text null, "created_at" timestamptz not null default now(), "applied_at" timestamptz null, primary key ("key"));`);
    this.addSql(`create index "effects_pending_index" on "effects" ("user_id") where "applied_at" is null;`);

    this.addSql(`create table "room_writers" ("id" text not null, "epoch" bigint not null default '0', primary key ("id"));`);

    this.addSql(`create table "tasks" ("id" text not null, "board" text not null, "title" text not null, "bounty_gold" bigint not null, "bounty_xp" bigint not null, "status" text not null, "assignee" text null, "created_at" timestamptz not null default now(), "accepted_at" timestamptz null, "completed_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "tasks_board_status_index" on "tasks" ("board", "status");`);

    this.addSql(`alter table "effects" add constraint "effects_gold_nonnegative" check (gold >= 0 and xp >= 0);`);

    this.addSql(`alter table "tasks" add constraint "tasks_status_check" check ("status" in ('open', 'accepted', 'completed', 'cancelled'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "admin_audit" cascade;`);
    this.addSql(`drop table if exists "crash_rounds" cascade;`);
    this.addSql(`drop table if exists "crash_tables" cascade;`);
    this.addSql(`drop table if exists "effects" cascade;`);
    this.addSql(`drop table if exists "room_writers" cascade;`);
    this.addSql(`drop table if exists "tasks" cascade;`);
  }

}
