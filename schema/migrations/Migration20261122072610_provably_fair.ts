import { Migration } from '@mikro-orm/migrations';

export class Migration20261122072610_provably_fair extends Migration {

  override name = 'Migration20261122072610_provably_fair';

  override up(): void | Promise<void> {
    this.addSql(`alter table "players" add "server_seed" text null, add "client_seed" text null, add "nonce" bigint not null default '0';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "players" drop column "server_seed", drop column "client_seed", drop column "nonce";`);
  }

}
