import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { makeLedgerEvent, makeUser } from '../../factories';
import { mountApp } from '../mountApp';
import { settle } from '../support';
import { dropLedger, seedLedger, user } from './world';

afterEach(dropLedger);

async function openShow(pick: 'tutor' | 'teacher' = 'tutor') {
  const w = await seedLedger();
  const subject = w.subjects[pick];
  const app = await mountApp(`/field/ledger/${subject.id}`);
  await settle(() => app.wrapper.find('[data-test="subject-basics"]').exists(), 'the detail page');
  return { ...w, ...app, subject };
}

describe('subject detail', () => {
  it('shows every field, the masked identity number only, and the linked places', async () => {
    const w = await openShow('teacher');
    const text = w.wrapper.find('[data-test="subject-basics"]').text();
    expect(text).toContain('王某某');
    expect(text).toContain('已出账');
    expect(text).toContain('中小学在职教师');
    expect(text).toContain('已调离本地');
    expect(w.wrapper.find('[data-test="subject-id-number"]').text()).toBe('520302********0617');
    expect(w.wrapper.find('[data-test="subject-phone"]').text()).toBe('13987654321');
    expect(w.wrapper.find('[data-test="subject-places"]').text()).toContain('花园小区');
    expect(w.wrapper.find('[data-test="subject-relist"]').exists()).toBe(true);
    expect(w.wrapper.find('[data-test="subject-delist"]').exists()).toBe(false);
  });

  it('renders the history with who, when, why and the diff as 字段：旧值 → 新值', async () => {
    const w = await seedLedger();
    const colleague = makeUser({ role: 'grid_worker', regionId: w.grid.id, displayName: '周网格' });
    const { password: _p, ...colleagueRow } = colleague;
    await w.db.users.put(colleagueRow);
    const s = w.subjects.tutor;
    await w.db.ledgerEvents.bulkPut([
      makeLedgerEvent({ subjectId: s.id, by: user.id, action: 'list', at: '2025-04-01T01:30:00.000Z', reason: '排查发现' }),
      makeLedgerEvent({
        subjectId: s.id,
        by: colleague.id,
        action: 'update',
        at: '2025-05-12T12:05:00.000Z',
        reason: '核实后更正',
        diff: {
          category: { from: 'deregistered_institution', to: 'transformed_institution' },
          phone: { from: '13700001111', to: '13812345678' },
          riskLevel: { from: 'medium', to: 'high' },
          placeIds: { from: [], to: [w.places.sunshine.id] },
        },
      }),
    ]);
    const { wrapper } = await mountApp(`/field/ledger/${s.id}`);
    await settle(() => wrapper.find('[data-test="event-update"]').exists(), 'the history');
    const update = wrapper.find('[data-test="event-update"]');
    expect(update.text()).toContain('变更');
    expect(update.text()).toContain('2025-05-12 20:05');
    expect(update.text()).toContain('周网格');
    expect(update.text()).toContain('核实后更正');
    const lines = update.findAll('[data-test="diff-line"]').map((l) => l.text().replace('改为', '').replace(/\s+/g, ' '));
    expect(lines).toEqual([
      '类别：已注销学科类机构 → 已转型学科类机构',
      '联系电话：137****1111 → 138****5678',
      '风险等级：中 → 高',
      '关联场所：— → 阳光大厦',
    ]);
    const list = wrapper.find('[data-test="event-list"]');
    expect(list.text()).toContain('入账');
    expect(list.text()).toContain('2025-04-01 09:30');
    expect(list.text()).toContain(user.displayName);
    // Newest first.
    expect(wrapper.findAll('[data-test^="event-"]').map((e) => e.attributes('data-test'))).toEqual(['event-update', 'event-list']);
  });

  it('出账 requires a reason, then flips the status and records the event', async () => {
    const w = await openShow('tutor');
    await w.wrapper.find('[data-test="subject-delist"]').trigger('click');
    await settle(() => w.wrapper.find('[data-test="listing-change"]').exists(), 'the reason panel');
    await w.wrapper.find('[data-test="listing-confirm"]').trigger('click');
    await settle(() => w.wrapper.find('[data-test="listing-error"]').exists(), 'the reason error');
    expect(w.wrapper.find('[data-test="listing-error"]').text()).toBe('请填写原因');
    expect(await w.db.outbox.count()).toBe(0);
    expect((await w.db.subjects.get(w.subject.id))!.status).toBe('listed');

    await w.wrapper.find('[data-test="listing-reason"]').setValue('机构已注销并迁出');
    await w.wrapper.find('[data-test="listing-confirm"]').trigger('click');
    await settle(async () => (await w.db.subjects.get(w.subject.id))!.status === 'delisted', 'delisted');
    const after = (await w.db.subjects.get(w.subject.id))!;
    expect(after).toMatchObject({ status: 'delisted', delistedReason: '机构已注销并迁出' });
    const events = await w.db.ledgerEvents.where('subjectId').equals(w.subject.id).toArray();
    expect(events).toEqual([expect.objectContaining({ action: 'delist', reason: '机构已注销并迁出', by: user.id })]);
    const outbox = await w.db.outbox.toArray();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ name: 'subject.delist@1', args: { id: w.subject.id, reason: '机构已注销并迁出' } });
    await settle(() => w.wrapper.find('[data-test="subject-relist"]').exists(), 'the relist button');
    expect(w.wrapper.find('[data-test="subject-status"]').text()).toBe('已出账');
    expect(w.wrapper.find('[data-test="event-delist"]').text()).toContain('机构已注销并迁出');
  });

  it('says 有待同步的修改 while a change is unsent, and not once the server has accepted it', async () => {
    const w = await openShow('tutor');
    await w.wrapper.find('[data-test="subject-delist"]').trigger('click');
    await settle(() => w.wrapper.find('[data-test="listing-change"]').exists(), 'the reason panel');
    await w.wrapper.find('[data-test="listing-reason"]').setValue('机构已注销并迁出');
    await w.wrapper.find('[data-test="listing-confirm"]').trigger('click');
    await settle(() => w.wrapper.find('[data-test="subject-pending"]').exists(), 'the pending hint');
    // The push was acknowledged; the entry waits only for the pull that confirms it.
    await w.db.outbox.toCollection().modify({ acked: 1 });
    await settle(() => !w.wrapper.find('[data-test="subject-pending"]').exists(), 'the hint to go');
  });

  it('重新入账 requires a reason, then lists the subject again', async () => {
    const w = await openShow('teacher');
    await w.wrapper.find('[data-test="subject-relist"]').trigger('click');
    await settle(() => w.wrapper.find('[data-test="listing-change"]').exists(), 'the reason panel');
    await w.wrapper.find('[data-test="listing-reason"]').setValue('   ');
    await w.wrapper.find('[data-test="listing-confirm"]').trigger('click');
    await settle(() => w.wrapper.find('[data-test="listing-error"]').exists(), 'the reason error');
    expect(await w.db.outbox.count()).toBe(0);

    await w.wrapper.find('[data-test="listing-reason"]').setValue('再次发现在小区内授课');
    await w.wrapper.find('[data-test="listing-confirm"]').trigger('click');
    await settle(async () => (await w.db.subjects.get(w.subject.id))!.status === 'listed', 'relisted');
    expect(await w.db.subjects.get(w.subject.id)).toMatchObject({ status: 'listed', listedReason: '再次发现在小区内授课', delistedAt: null });
    expect((await w.db.outbox.toArray()).map((o) => o.name)).toEqual(['subject.relist@1']);
    expect((await w.db.ledgerEvents.toArray()).map((e) => e.action)).toEqual(['relist']);
    await settle(() => w.wrapper.find('[data-test="subject-delist"]').exists(), 'the delist button');
  });

  it('says so when the subject is not on the device', async () => {
    await seedLedger();
    const { wrapper } = await mountApp('/field/ledger/0190a000-0000-7000-8000-00000000ffff');
    await settle(() => wrapper.find('[data-test="subject-not-found"]').exists(), 'not found');
  });
});
