import { Migration } from '@mikro-orm/migrations';

export class Migration20261126001319_shared_rooms_owned extends Migration {

  override name = 'Migration20261126001319_shared_rooms_owned';

  override up(): void | Promise<void> {
    this.addSql(`create table "crash_chains" ("table_id" text not null, "first_round" int not null, "chain_seed" text not null, "chain_length" int not null, "created_at" timestamptz not null default now(), primary key ("table_id", "first_round"));`);

    this.addSql(`alter table "crash_rounds" add "running_at" timestamptz null, add "handled_stakes" jsonb null;`);
    this.addSql(`create index "crash_rounds_settled_at_index" on "crash_rounds" ("settled_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "crash_chains" cascade;`);

    this.addSql(`drop index "crash_rounds_settled_at_index";`);
    this.addSql(`alter table "crash_rounds" drop column "running_at", drop column "handled_stakes";`);
  }

}
