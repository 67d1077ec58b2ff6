// Each admin command's decision, without a room or a database: gold and tasks are routed to
// their owners (with the admin's id for the idempotency record), the admin writer stores only
// announcements and crash tables, and reads stay reads.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AdminCommandType, type AdminCommand } from '../../../shared/adminCommands.ts';
import { Reason } from '../../../shared/reasons.ts';
import { DomainError } from '../../domain/errors.ts';
import { decideAdmin, unknownUser } from './desk.ts';

const decide = (command: AdminCommand) => decideAdmin(command, 'admin');

describe('decideAdmin', () => {
  test('gold moves in its owner room: a grant is routed to the player, never written here', () => {
    assert.deepEqual(decide({ type: AdminCommandType.grant, id: 'g1', userId: 'ann', amount: -5, reason: 'fix' }), { route: 'grant', userId: 'ann', grant: { id: 'g1', amount: -5, reason: 'fix' } });
  });

  test("tasks are the board's, recorded under the admin who sent them", () => {
    const created = decide({ type: AdminCommandType.taskCreate, id: 't1', board: 'guild', title: 'Slay', bountyGold: 5, bountyXp: 1 });
    assert.deepEqual(created, { route: 'taskCreate', board: 'guild', task: { id: 't1', adminId: 'admin', title: 'Slay', bountyGold: 5, bountyXp: 1 } });
    assert.equal(decide({ type: AdminCommandType.taskCancel, id: 't2', board: undefined, taskId: 'x' }).route, 'taskCancel');
  });

  test('the admin writer stores announcements and new crash tables; reads are reads', () => {
    assert.deepEqual(decide({ type: AdminCommandType.crashOpen, id: 'c1', table: 'vip' }), { route: 'write', write: { kind: 'crashOpen', table: 'vip' }, result: { table: 'vip' } });
    assert.deepEqual(decide({ type: AdminCommandType.announce, id: 'a1', text: 'hi' }), { route: 'announce', events: [{ type: 'announcement', data: { text: 'hi' } }] });
    assert.deepEqual(decide({ type: AdminCommandType.audit, id: 'x1' }), { route: 'audit' });
    assert.deepEqual(decide({ type: AdminCommandType.userGet, id: 'x2', userId: 'ann' }), { route: 'userGet', userId: 'ann' });
    assert.deepEqual(decide({ type: AdminCommandType.kick, id: 'x3', userId: 'ann', reason: 'spam' }), { route: 'kick', kick: { userId: 'ann', reason: 'spam' } });
    assert.deepEqual(decide({ type: AdminCommandType.kick, id: 'x4', userId: 'ann', reason: 'spam', banSeconds: 60 }), { route: 'kick', kick: { userId: 'ann', reason: 'spam', banSeconds: 60 } });
    assert.deepEqual(decide({ type: AdminCommandType.sessionsRevoke, id: 'x5', userId: 'ann', reason: 'stolen' }), { route: 'sessionsRevoke', revoke: { userId: 'ann', reason: 'stolen' } });
  });

  test('an economy publish goes to the admin writer after validation (a dry run by default off); the economy read is a read', () => {
    const economy = { currencies: {} };
    assert.deepEqual(decide({ type: AdminCommandType.economyPublish, id: 'e1', economy }), { route: 'economyPublish', economy, dryRun: false });
    assert.deepEqual(decide({ type: AdminCommandType.economyPublish, id: 'e2', economy, dryRun: true }), { route: 'economyPublish', economy, dryRun: true });
    assert.deepEqual(decide({ type: AdminCommandType.economyGet, id: 'e3' }), { route: 'economyGet' });
  });

  test('a userId that never played is refused NOT_FOUND with its reason (admin.grant, admin.user.get)', () => {
    const refusal = unknownUser('ghost');
    assert.ok(refusal instanceof DomainError);
    assert.deepEqual([refusal.code, refusal.reason, refusal.message], ['NOT_FOUND', Reason.UNKNOWN_USER, 'userId ghost has never played']);
  });
});
