import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { mountApp } from '../mountApp';
import { settle } from '../support';
import { dropLedger, seedLedger } from './world';

afterEach(dropLedger);

async function openEdit() {
  const w = await seedLedger();
  const subject = w.subjects.tutor;
  const app = await mountApp(`/field/ledger/${subject.id}/edit`);
  await settle(() => app.wrapper.find('[data-test="subject-form"]').exists(), 'the form');
  return { ...w, ...app, subject };
}

describe('变更 form', () => {
  it('sends only the changed fields with the base version and records an update event', async () => {
    const w = await openEdit();
    expect((w.wrapper.find('[data-test="subject-name"]').element as HTMLInputElement).value).toBe('启航教育咨询有限公司');
    await w.wrapper.find('[data-test="subject-phone"]').setValue('13600001111');
    await w.wrapper.find('[data-test="form-risk-medium"]').trigger('click');
    await w.wrapper.find(`[data-test="place-option-${w.places.garden.id}"]`).trigger('click');
    expect(w.wrapper.find('[data-test="form-changes"]').text()).toBe('将变更：联系电话、关联场所、风险等级');
    await w.wrapper.find('[data-test="subject-reason"]').setValue('核实后更正电话，新增活动场所');
    await w.wrapper.find('form').trigger('submit');
    await settle(() => w.router.currentRoute.value.name === 'field-ledger-show', 'back to the subject');

    const outbox = await w.db.outbox.toArray();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.name).toBe('subject.update@1');
    expect(outbox[0]!.args).toMatchObject({
      id: w.subject.id,
      baseVersion: w.subject.version,
      reason: '核实后更正电话，新增活动场所',
    });
    expect((outbox[0]!.args as { patch: unknown }).patch).toEqual({
      phone: '13600001111',
      placeIds: [w.places.sunshine.id, w.places.garden.id],
      riskLevel: 'medium',
    });
    const [event] = await w.db.ledgerEvents.toArray();
    expect(event).toMatchObject({
      action: 'update',
      reason: '核实后更正电话，新增活动场所',
      diff: {
        phone: { from: '13812345678', to: '13600001111' },
        riskLevel: { from: 'high', to: 'medium' },
        placeIds: { from: [w.places.sunshine.id], to: [w.places.sunshine.id, w.places.garden.id] },
      },
    });
    await settle(() => w.wrapper.find('[data-test="event-update"]').exists(), 'the history');
    expect(w.wrapper.find('[data-test="event-update"]').text()).toContain('风险等级');
  });

  it('leaves a phone the device holds masked alone: no error, and the patch does not erase it', async () => {
    const w = await seedLedger();
    // What a grid worker's device holds after a pull: the phone masked (phoneForRole).
    await w.db.subjects.update(w.subjects.tutor.id, { phone: '138****5678' });
    const app = await mountApp(`/field/ledger/${w.subjects.tutor.id}/edit`);
    await settle(() => app.wrapper.find('[data-test="subject-form"]').exists(), 'the form');
    expect((app.wrapper.find('[data-test="subject-phone"]').element as HTMLInputElement).value).toBe('138****5678');
    await app.wrapper.find('[data-test="subject-name"]').setValue('启航教育咨询（更名）有限公司');
    await app.wrapper.find('[data-test="subject-reason"]').setValue('营业执照更名');
    await app.wrapper.find('form').trigger('submit');
    await settle(() => app.router.currentRoute.value.name === 'field-ledger-show', 'back to the subject');
    expect(app.wrapper.find('[data-test="phone-error"]').exists()).toBe(false);
    const [entry] = await w.db.outbox.toArray();
    expect((entry!.args as { patch: unknown }).patch).toEqual({ name: '启航教育咨询（更名）有限公司' });
  });

  it('requires a reason and a change, and validates like the 入账 form', async () => {
    const w = await openEdit();
    await w.wrapper.find('form').trigger('submit');
    await settle(() => w.wrapper.find('[data-test="reason-error"]').exists(), 'reason error');
    expect(w.wrapper.find('[data-test="form-changes"]').text()).toBe('没有修改任何内容');

    await w.wrapper.find('[data-test="subject-reason"]').setValue('更正');
    await w.wrapper.find('form').trigger('submit');
    await w.wrapper.find('[data-test="subject-credit-code"]').setValue('91520302000000001X');
    await w.wrapper.find('form').trigger('submit');
    await settle(() => w.wrapper.find('[data-test="credit-code-error"]').exists(), 'credit code error');
    expect(await w.db.outbox.count()).toBe(0);
    expect(await w.db.ledgerEvents.count()).toBe(0);
  });

  it('re-bases on a row that a sync replaced meanwhile before writing', async () => {
    const w = await openEdit();
    await w.wrapper.find('[data-test="subject-name"]').setValue('启航教育科技有限公司');
    await w.wrapper.find('[data-test="subject-reason"]').setValue('更名');
    await w.db.subjects.put({ ...w.subject, version: w.subject.version + 1, riskLevel: 'low' });
    await w.wrapper.find('form').trigger('submit');
    await settle(() => w.wrapper.find('[data-test="form-notice"]').exists(), 'the re-base notice');
    expect(await w.db.outbox.count()).toBe(0);

    await w.wrapper.find('form').trigger('submit');
    await settle(async () => (await w.db.outbox.count()) === 1, 'the write');
    const [entry] = await w.db.outbox.toArray();
    expect(entry!.args).toMatchObject({ baseVersion: w.subject.version + 1, patch: { name: '启航教育科技有限公司' } });
    expect(Object.keys((entry!.args as { patch: object }).patch)).toEqual(['name']);
  });
});
