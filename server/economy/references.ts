// The economy document's cross-references (docs/ECONOMY.md): what one field's shape cannot say.
// Every currency named anywhere exists; a rate never changes a currency into itself, is published
// once per pair, and no loop of rates returns more than it costs (the house would mint money);
// an offer grants something and its sale window is not empty; a level is rewarded once.
// Runs over the raw document, before or without a successful parse, so that one pass reports the
// references together with the shape's problems: every access is guarded.
import { GOLD, type ExchangeRate } from '../../shared/economy.ts';
import { profitableLoops } from '../domain/exchange.ts';

type Path = Array<string | number>;
type Problem = { path: Path; message: string };

export function referenceProblems(document: unknown): Problem[] {
  if (!isObject(document)) return [];
  const problems: Problem[] = [];
  const currencies = new Set(isObject(document.currencies) ? Object.keys(document.currencies) : []);
  const known = [...currencies].sort().join(', ') || 'none';
  const currency = (value: unknown, path: Path) => {
    if (typeof value === 'string' && !currencies.has(value)) problems.push({ path, message: `"${value}" is not a currency of this economy (currencies: ${known})` });
  };
  const keyedByCurrency = (value: unknown, path: Path) => {
    if (isObject(value)) for (const key of Object.keys(value)) currency(key, [...path, key]);
  };

  if (isObject(document.currencies) && !currencies.has(GOLD)) problems.push({ path: ['currencies'], message: `must define "${GOLD}": protocol-1 clients read its balance` });

  forEachEntry(document.shop, (offer, path) => {
    if (!isObject(offer)) return;
    if (isObject(offer.price)) currency(offer.price.currency, [...path, 'price', 'currency']);
    grantsProblems(offer.grants, [...path, 'grants'], true);
    if (typeof offer.startsAt === 'string' && typeof offer.endsAt === 'string' && !(Date.parse(offer.startsAt) < Date.parse(offer.endsAt))) {
      problems.push({ path: [...path, 'endsAt'], message: 'must be after startsAt' });
    }
  }, ['shop']);

  if (isObject(document.rewards)) {
    const { streak, bounty, levelUp } = document.rewards;
    if (isObject(streak)) currency(streak.currency, ['rewards', 'streak', 'currency']);
    if (isObject(bounty)) currency(bounty.currency, ['rewards', 'bounty', 'currency']);
    if (Array.isArray(levelUp)) {
      const levels = new Set<unknown>();
      levelUp.forEach((reward, i) => {
        if (!isObject(reward)) return;
        if (levels.has(reward.level)) problems.push({ path: ['rewards', 'levelUp', i, 'level'], message: `level ${String(reward.level)} is listed twice` });
        levels.add(reward.level);
        grantsProblems(reward.grants, ['rewards', 'levelUp', i, 'grants'], true);
      });
    }
  }

  if (Array.isArray(document.exchange)) {
    const pairs = new Set<string>();
    document.exchange.forEach((rate, i) => {
      if (!isObject(rate)) return;
      currency(rate.from, ['exchange', i, 'from']);
      currency(rate.to, ['exchange', i, 'to']);
      if (typeof rate.from === 'string' && rate.from === rate.to) problems.push({ path: ['exchange', i, 'to'], message: 'must differ from from: a rate changes one currency into another' });
      const pair = `${String(rate.from)}→${String(rate.to)}`;
      if (pairs.has(pair)) problems.push({ path: ['exchange', i], message: `a second rate from ${String(rate.from)} to ${String(rate.to)}: publish one per pair` });
      pairs.add(pair);
    });
    const loop = mintingLoop(document.exchange);
    if (loop.length > 0) problems.push({ path: ['exchange'], message: `exchanging in circles through ${loop.join(', ')} returns more than it costs: the rates around a loop multiply to more than 1, and the house would mint money` });
  }

  // The crash limits' shape (at least one currency, min <= max) is the games' kit's, like a game's.
  if (isObject(document.crash)) keyedByCurrency(document.crash.limits, ['crash', 'limits']);

  // A game's section is its module's own shape; by convention (docs/ECONOMY.md "games") a field
  // named `currency` holds a currency, and the keys of `limits` and of a `price` or `…Price` field
  // are currencies.
  forEachEntry(document.games, (section, path) => walkGameSection(section, path), ['games']);

  return problems;

  function walkGameSection(value: unknown, path: Path): void {
    if (Array.isArray(value)) return value.forEach((v, i) => walkGameSection(v, [...path, i]));
    if (!isObject(value)) return;
    for (const [key, v] of Object.entries(value)) {
      if (key === 'currency') currency(v, [...path, key]);
      if (key === 'limits' || /(^p|P)rice$/.test(key)) keyedByCurrency(v, [...path, key]);
      walkGameSection(v, [...path, key]);
    }
  }

  function grantsProblems(value: unknown, path: Path, mustGrant: boolean) {
    if (!isObject(value)) return;
    keyedByCurrency(value.currencies, [...path, 'currencies']);
    const count = (isObject(value.currencies) ? Object.keys(value.currencies).length : 0) + (isObject(value.items) ? Object.keys(value.items).length : 0);
    if (mustGrant && count === 0) problems.push({ path, message: 'must grant at least one currency or item' });
  }
}

/** The currencies on a loop of rates that returns more than it costs (server/domain/exchange.ts),
 *  over the rates that are well-formed (the others are refused on their own). */
function mintingLoop(rates: unknown[]): string[] {
  const wellFormed = rates.filter(isObject).filter((r): r is ExchangeRate => typeof r.from === 'string' && typeof r.to === 'string' && r.from !== r.to && isWhole(r.give) && isWhole(r.get));
  return profitableLoops(wellFormed);
}

function isWhole(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

function forEachEntry(value: unknown, visit: (entry: unknown, path: Path) => void, path: Path): void {
  if (isObject(value)) for (const [key, entry] of Object.entries(value)) visit(entry, [...path, key]);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

