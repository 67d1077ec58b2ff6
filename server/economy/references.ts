// The economy document's cross-references (docs/ECONOMY.md): what one field's shape cannot say.
// Every currency named anywhere exists; a rate never changes a currency into itself, is published
// once per pair, and no loop of rates returns more than it costs (the house would mint money);
// an offer grants something and its sale window is not empty; limits have min <= max.
// Runs over the raw document, before or without a successful parse, so that one pass reports the
// references together with the shape's problems: every access is guarded.
import { GOLD } from '../../shared/economy.ts';

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
    const loop = profitableLoop(document.exchange);
    if (loop) problems.push({ path: ['exchange'], message: `exchanging around the loop ${loop.join(' → ')} returns more than it costs: the house would mint ${loop[0]}` });
  }

  if (isObject(document.crash)) {
    keyedByCurrency(document.crash.limits, ['crash', 'limits']);
    limitsProblems(document.crash.limits, ['crash', 'limits']);
    if (isObject(document.crash.limits) && Object.keys(document.crash.limits).length === 0) problems.push({ path: ['crash', 'limits'], message: 'must list at least one currency' });
  }

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
      if (key === 'limits') limitsProblems(v, [...path, key]);
      if (key === 'limits' || /(^p|P)rice$/.test(key)) keyedByCurrency(v, [...path, key]);
      walkGameSection(v, [...path, key]);
    }
  }

  function limitsProblems(limits: unknown, path: Path) {
    forEachEntry(limits, (limit, at) => {
      if (isObject(limit) && typeof limit.min === 'number' && typeof limit.max === 'number' && limit.min > limit.max) problems.push({ path: [...at, 'max'], message: `must be at least min (${limit.min})` });
    }, path);
  }

  function grantsProblems(value: unknown, path: Path, mustGrant: boolean) {
    if (!isObject(value)) return;
    keyedByCurrency(value.currencies, [...path, 'currencies']);
    const count = (isObject(value.currencies) ? Object.keys(value.currencies).length : 0) + (isObject(value.items) ? Object.keys(value.items).length : 0);
    if (mustGrant && count === 0) problems.push({ path, message: 'must grant at least one currency or item' });
  }
}

/** A loop of rates whose product of get/give exceeds 1, as currencies (first = last), or null.
 *  Floyd–Warshall over exact fractions: the best rate between two currencies over any path, and a
 *  currency whose best rate to itself exceeds 1 sits on a loop that mints. */
export function profitableLoop(rates: unknown[]): string[] | null {
  const edges = rates.filter(isObject).filter((r): r is { from: string; to: string; give: number; get: number } => typeof r.from === 'string' && typeof r.to === 'string' && r.from !== r.to && Number.isSafeInteger(r.give) && Number.isSafeInteger(r.get) && (r.give as number) > 0 && (r.get as number) > 0);
  const names = [...new Set(edges.flatMap((e) => [e.from, e.to]))];
  const index = new Map(names.map((n, i) => [n, i]));
  const n = names.length;
  // best[i][j]: [numerator, denominator] of the best rate from i to j, or null; via[i][j]: the next hop.
  const best: Array<Array<[bigint, bigint] | null>> = names.map(() => names.map(() => null));
  const next: number[][] = names.map(() => names.map(() => -1));
  for (const e of edges) {
    const i = index.get(e.from)!, j = index.get(e.to)!;
    const rate: [bigint, bigint] = [BigInt(e.get), BigInt(e.give)];
    if (!best[i]![j] || greater(rate, best[i]![j]!)) (best[i]![j] = rate), (next[i]![j] = j);
  }
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      const ik = best[i]![k];
      if (!ik) continue;
      for (let j = 0; j < n; j++) {
        const kj = best[k]![j];
        if (!kj) continue;
        const through: [bigint, bigint] = [ik[0] * kj[0], ik[1] * kj[1]];
        if (!best[i]![j] || greater(through, best[i]![j]!)) (best[i]![j] = reduce(through)), (next[i]![j] = next[i]![k]!);
        if (i === j && greater(best[i]![i]!, [1n, 1n])) return loopFrom(i);
      }
    }
  }
  return null;

  function loopFrom(start: number): string[] {
    const loop = [names[start]!];
    for (let at = next[start]![start]!, guard = 0; guard < n && at !== -1; at = next[at]![start]!, guard++) {
      loop.push(names[at]!);
      if (at === start) break;
    }
    return loop;
  }
}

function greater([a, b]: [bigint, bigint], [c, d]: [bigint, bigint]): boolean {
  return a * d > c * b;
}

function reduce([a, b]: [bigint, bigint]): [bigint, bigint] {
  let [x, y] = [a, b];
  while (y) [x, y] = [y, x % y];
  return [a / x, b / x];
}

function forEachEntry(value: unknown, visit: (entry: unknown, path: Path) => void, path: Path): void {
  if (isObject(value)) for (const [key, entry] of Object.entries(value)) visit(entry, [...path, key]);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

