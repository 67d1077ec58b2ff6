// `npm run chaos [-- --seed N] [-- --seconds S] [-- --players P]`
// The long bank test (tests/support/bank.ts): prints the seed (the same seed replays the same
// fault schedule), the faults as they happen and the final checks; exits 1 when one fails.
import { parseArgs } from 'node:util';
import { runBankTest } from '../tests/support/bank.ts';

const { values } = parseArgs({ options: { seed: { type: 'string' }, seconds: { type: 'string', default: '60' }, players: { type: 'string', default: '12' } } });
const seed = Number(values.seed ?? Math.floor(Math.random() * 2 ** 31));
console.log(`chaos seed ${seed} (npm run chaos -- --seed ${seed} replays this schedule)`);
const report = await runBankTest({ seed, seconds: Number(values.seconds), players: Number(values.players), log: (line) => console.log(line) });
const failures = [
  report.ledger.sumOfBalances !== 0 && `sum of balances is ${report.ledger.sumOfBalances}`,
  report.ledger.mismatches.length > 0 && `${report.ledger.mismatches.length} accounts differ from their transfers`,
  report.ledger.negativePlayers.length > 0 && `${report.ledger.negativePlayers.length} negative player balances`,
  report.notOnce.length > 0 && `${report.notOnce.length} acked commands not stored exactly once`,
  report.debitsNotOnce.length > 0 && `${report.debitsNotOnce.length} acked paid commands not debited exactly once`,
  report.streamsWithGaps.length > 0 && `${report.streamsWithGaps.length} streams with gaps after sync: ${report.streamsWithGaps.join(", ")}`,
  report.balanceMismatches.length > 0 && `${report.balanceMismatches.length} clients showing another balance than the server`,
  report.escrowLeft !== 0 && `${report.escrowLeft} gold left in crash escrow after every round settled`,
].filter(Boolean);
console.log(`acked ${report.acked} (crash bets ${report.crashBets}, cash-outs ${report.cashouts}), refused ${report.refused} (domain refusals: funds, conflicts), rejoins ${report.rejoins}`);
console.log(failures.length === 0 ? 'all checks hold' : `FAILED: ${failures.join('; ')}`);
process.exit(failures.length === 0 ? 0 : 1);
