import { Migration } from '@mikro-orm/migrations';

export class Migration20261122075917_shop_and_inventory extends Migration {

  override name = 'Migration20261122075917_shop_and_inventory';

  override up(): void | Promise<void> {
    this.addSql(`create table "shop_items" ("item_id" text not null, "name" text not null, "price" bigint not null, "stock" int null, "active" boolean not null default true, "updated_at" timestamptz not null default now(), primary key ("item_id"));`);

    this.addSql(`alter table "players" add "inventory" jsonb not null default '{}';`);

    this.addSql(`alter table "shop_items" add constraint "shop_items_price_positive" check (price > 0);`);
    this.addSql(`alter table "shop_items" add constraint "shop_items_stock_nonnegative" check (stock is null or stock >= 0);`);

    // The starting catalog: two unlimited consumables, two limited items, one retired item.
    this.addSql(`insert into "shop_items" ("item_id", "name", "price", "stock", "active") values
      ('health-potion', 'Health potion', 50, null, true),
      ('mana-potion', 'Mana potion', 60, null, true),
      ('lucky-charm', 'Lucky charm', 500, 100, true),
      ('golden-crown', 'Golden crown', 5000, 5, true),
      ('retired-hat', 'Retired hat', 100, null, false);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "shop_items" cascade;`);

    this.addSql(`alter table "players" drop column "inventory";`);
  }

}
