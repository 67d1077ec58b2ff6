import { Migration } from '@mikro-orm/migrations';

// A task's bounty names its currency (a currency id of the economy); the tasks of before were all
// paid in gold.
export class Migration20261207155354_task_bounty_currency extends Migration {

  override name = 'Migration20261207155354_task_bounty_currency';

  override up(): void | Promise<void> {
    this.addSql(`alter table "tasks" add "bounty_currency" text not null default 'gold';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "tasks" drop column "bounty_currency";`);
  }

}
