import { Migration } from '@mikro-orm/migrations';

export class Migration20261126001834_abuse_edges extends Migration {

  override name = 'Migration20261126001834_abuse_edges';

  override up(): void | Promise<void> {
    this.addSql(`create table "user_sessions" ("user_id" text not null, "generation" int not null default 0, "banned_until" timestamptz null, "updated_at" timestamptz not null default now(), primary key ("user_id"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "user_sessions" cascade;`);
  }

}
