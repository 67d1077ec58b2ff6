// `npm run chaos [-- --seed N] [-- --seconds S] [-- --players P]`
// The long bank test (tests/support/bank.ts): prints the seed (the same seed replays the same
// fault schedule), the faults as they happen and the final checks; exits 1 when one fails.
import { parseArgs } from 'node:util';
import { runBankTest } from '../tests/support/bank.ts';
import { unbalancedCurrencies } from '../tests/support/ledger.ts';

const { values } = parseArgs({ options: { seed: { type: 'string' }, seconds: { type: 'string', default: '60' }, players: { type: 'string', default: '12' } } });
const seed = Number(values.seed ?? Math.floor(Math.random() * 2 ** 31));
console.log(`chaos seed ${seed} (npm run chaos -- --seed ${seed} replays this schedule)`);
const report = await runBankTest({ seed, seconds: Number(values.seconds), players: Number(values.players), log: (line) => console.log(line) });
const failures = [
  unbalancedCurrencies(report.ledger).length > 0 && `balances do not sum to 0 in ${unbalancedCurrencies(report.ledger).map((c) => `${c} (${report.ledger.sums[c]})`).join(', ')}`,
  report.ledger.mismatches.length > 0 && `${report.ledger.mismatches.length} accounts differ from their transfers`,
  report.ledger.negativePlayers.length > 0 && `${report.ledger.negativePlayers.length} negative player balances`,
  report.notOnce.length > 0 && `${report.notOnce.length} acked commands not stored exactly once`,
  report.debitsNotOnce.length > 0 && `${report.debitsNotOnce.length} acked paid commands not debited exactly once`,
  report.crash.stakesNotOnce.length > 0 && `${report.crash.stakesNotOnce.length} acked crash bets not staked exactly once`,
  report.crash.payoutsNotOnce.length > 0 && `${report.crash.payoutsNotOnce.length} acked cash-outs not paid exactly once`,
  report.crash.escrowHeld.length > 0 && `escrow still holds stakes of ${report.crash.escrowHeld.map((e) => `${e.ref} (${e.amount}${e.settled ? ', round settled' : ''})`).join(', ')}`,
  !report.crash.wentOn && 'the crash table started no round after the load',
  report.streamsWithGaps.length > 0 && `${report.streamsWithGaps.length} player streams with gaps after sync`,
  report.crashStreamsWithGaps.length > 0 && `${report.crashStreamsWithGaps.length} players missing crash-table events after sync`,
  report.balanceMismatches.length > 0 && `${report.balanceMismatches.length} clients showing another balance than the server`,
  report.takeovers.accepted.length > 0 && `${report.takeovers.accepted.length} takeover attempts got a seat: ${report.takeovers.accepted.join('; ')}`,
].filter(Boolean);
console.log(`acked ${report.acked} (${report.exchanges} exchanges), refused ${report.refused} (final nacks), rejoins ${report.rejoins}`);
console.log(`refused: ${Object.entries(report.refusals).map(([what, n]) => `${what} ${n}`).join(', ') || 'nothing'}`);
console.log(
  `crash: ${report.crash.bets} bets and ${report.crash.cashouts} cash-outs acked, ${report.crash.rounds} rounds settled (${report.crash.interruptedRounds} interrupted), ${report.crash.refunds} refunds`,
);
console.log(failures.length === 0 ? 'all checks hold' : `FAILED: ${failures.join('; ')}`);
process.exit(failures.length === 0 ? 0 : 1);
