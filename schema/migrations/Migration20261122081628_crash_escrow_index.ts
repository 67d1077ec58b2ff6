import { Migration } from '@mikro-orm/migrations';

export class Migration20261122081628_crash_escrow_index extends Migration {

  override name = 'Migration20261122081628_crash_escrow_index';

  override up(): void | Promise<void> {
    this.addSql(`create index "transfers_escrow_ref_index" on "transfers" ("ref") where "to_account" = 'escrow';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "transfers_escrow_ref_index";`);
  }

}
