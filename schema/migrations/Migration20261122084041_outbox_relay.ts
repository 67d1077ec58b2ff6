import { Migration } from '@mikro-orm/migrations';

export class Migration20261122084041_outbox_relay extends Migration {

  override name = 'Migration20261122084041_outbox_relay';

  override up(): void | Promise<void> {
    this.addSql(`create table "relay_cursors" ("name" text not null, "xid" xid8 not null default '0', "stream" text not null default '', "seq" bigint not null default '0', "updated_at" timestamptz not null default now(), primary key ("name"));`);

    this.addSql(`create index "outbox_relay_order_index" on "outbox" ("xid", "stream", "seq");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "relay_cursors" cascade;`);

    this.addSql(`drop index "outbox_relay_order_index";`);
  }

}
