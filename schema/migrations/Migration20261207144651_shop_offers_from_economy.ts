import { Migration } from '@mikro-orm/migrations';

// The shop's offers move to the economy document (economy.shop, docs/ECONOMY.md): shop_items keeps
// only what is left of each limited offer, and players count what they bought of each offer (the
// per-player limits).
export class Migration20261207144651_shop_offers_from_economy extends Migration {

  override name = 'Migration20261207144651_shop_offers_from_economy';

  override up(): void | Promise<void> {
    this.addSql(`alter table "players" add "purchases" jsonb not null default '{}';`);

    // An unlimited item has nothing to count; a limited one keeps what is left of it, which the
    // offer of the same id sells from.
    this.addSql(`delete from "shop_items" where "stock" is null;`);
    this.addSql(`alter table "shop_items" drop constraint "shop_items_price_positive";`);
    this.addSql(`alter table "shop_items" drop constraint "shop_items_stock_nonnegative";`);
    this.addSql(`alter table "shop_items" drop column "active", drop column "name", drop column "price";`);
    this.addSql(`alter table "shop_items" alter column "stock" set not null;`);
    this.addSql(`alter table "shop_items" add constraint "shop_items_stock_nonnegative" check (stock >= 0);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "players" drop column "purchases";`);

    this.addSql(`alter table "shop_items" drop constraint "shop_items_stock_nonnegative";`);
    this.addSql(`alter table "shop_items" add "active" boolean not null default true, add "name" text null, add "price" bigint null;`);
    this.addSql(`alter table "shop_items" alter column "stock" drop not null;`);
    // The catalog goes back to the one the shop migration seeded (today's default economy), each
    // limited item with what is left of it; counters of offers that catalog never had go.
    this.addSql(`insert into "shop_items" ("item_id", "stock") values
      ('health-potion', null), ('mana-potion', null), ('lucky-charm', 100), ('golden-crown', 5), ('retired-hat', null)
      on conflict ("item_id") do nothing;`);
    this.addSql(`update "shop_items" as s set "name" = c.name, "price" = c.price, "active" = c.active
      from (values ('health-potion', 'Health potion', 50, true), ('mana-potion', 'Mana potion', 60, true), ('lucky-charm', 'Lucky charm', 500, true),
                   ('golden-crown', 'Golden crown', 5000, true), ('retired-hat', 'Retired hat', 100, false)) as c(item_id, name, price, active)
      where s."item_id" = c.item_id;`);
    this.addSql(`delete from "shop_items" where "price" is null;`);
    this.addSql(`alter table "shop_items" alter column "name" set not null, alter column "price" set not null;`);
    this.addSql(`alter table "shop_items" add constraint "shop_items_price_positive" check (price > 0);`);
    this.addSql(`alter table "shop_items" add constraint "shop_items_stock_nonnegative" check (stock is null or stock >= 0);`);
  }

}
