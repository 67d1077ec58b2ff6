import { Migration } from '@mikro-orm/migrations';

export class Migration20261207141905_economy_versions extends Migration {

  override name = 'Migration20261207141905_economy_versions';

  override up(): void | Promise<void> {
    this.addSql(`create table "economy_versions" ("version" int not null, "document" json not null, "published_by" text not null, "published_at" timestamptz not null default now(), primary key ("version"));`);

    this.addSql(`alter table "economy_versions" add constraint "economy_versions_version_positive" check (version > 0);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "economy_versions" cascade;`);
  }

}
