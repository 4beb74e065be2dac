import 'fake-indexeddb/auto';
import type { VueWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { TEXT_MAX } from '../../../src/domain/entities';
import { idNumberCheckChar } from '../../../src/domain/validators';
import { creditCode } from '../../factories';
import { mountApp } from '../mountApp';
import { settle } from '../support';
import { dropLedger, seedLedger } from './world';

afterEach(dropLedger);

const FULL_ID = (() => {
  const first17 = '11010519491231002';
  return first17 + idNumberCheckChar(first17);
})();
const MASKED_ID = `${FULL_ID.slice(0, 6)}********${FULL_ID.slice(-4)}`;

async function openNew() {
  const w = await seedLedger();
  await w.db.subjects.clear();
  const app = await mountApp('/field/ledger/new');
  await settle(() => app.wrapper.find('[data-test="subject-form"]').exists(), 'the form');
  return { ...w, ...app };
}

async function counts(w: Awaited<ReturnType<typeof openNew>>) {
  return { subjects: await w.db.subjects.count(), events: await w.db.ledgerEvents.count(), outbox: await w.db.outbox.count() };
}

async function fillInstitution(wrapper: VueWrapper, code: string) {
  await wrapper.find('[data-test="subject-category"]').setValue('transformed_institution');
  await wrapper.find('[data-test="subject-name"]').setValue('博学教育科技有限公司');
  await wrapper.find('[data-test="subject-credit-code"]').setValue(code);
  await wrapper.find('[data-test="subject-phone"]').setValue('138 0013 8000');
  await wrapper.find('[data-test="form-risk-high"]').trigger('click');
  await wrapper.find('[data-test="subject-reason"]').setValue('排查发现已转型，仍在写字楼内活动');
}

function badCheckChar(code: string): string {
  const last = code[17] === '0' ? '1' : '0';
  return code.slice(0, 17) + last;
}

describe('入账 form', () => {
  it('blocks an institution with a wrong credit-code check character, with the message, and writes nothing', async () => {
    const w = await openNew();
    await fillInstitution(w.wrapper, badCheckChar(creditCode(7)));
    // Live: the message shows as soon as all 18 characters are typed.
    expect(w.wrapper.find('[data-test="credit-code-error"]').text()).toBe('统一社会信用代码校验位不正确');
    await w.wrapper.find('form').trigger('submit');
    await settle(() => w.wrapper.find('[data-test="form-errors"]').exists(), 'error summary');
    expect(w.wrapper.find('[data-test="credit-code-error"]').text()).toBe('统一社会信用代码校验位不正确');
    expect(await counts(w)).toEqual({ subjects: 0, events: 0, outbox: 0 });
    expect(w.router.currentRoute.value.name).toBe('field-ledger-new');
  });

  it("holds the name and reason to the domain's limits and the credit code to its charset", async () => {
    const w = await openNew();
    expect(w.wrapper.find('[data-test="subject-name"]').attributes('maxlength')).toBe(String(TEXT_MAX.short));
    expect(w.wrapper.find('[data-test="subject-reason"]').attributes('maxlength')).toBe(String(TEXT_MAX.reason));
    await fillInstitution(w.wrapper, `${creditCode(7).slice(0, 17)}I`);
    expect(w.wrapper.find('[data-test="credit-code-error"]').text()).toBe('统一社会信用代码含有无效字符（不使用 I、O、Z、S、V）');
  });

  it('requires a name and a listing reason', async () => {
    const w = await openNew();
    await w.wrapper.find('form').trigger('submit');
    await settle(() => w.wrapper.find('[data-test="reason-error"]').exists(), 'reason error');
    expect(w.wrapper.text()).toContain('请填写名称');
    expect(w.wrapper.text()).toContain('请选择类别');
    expect(w.wrapper.find('[data-test="reason-error"]').text()).toBe('请填写原因');
    expect(await counts(w)).toEqual({ subjects: 0, events: 0, outbox: 0 });
  });

  it('saves a valid institution as subject + list event + outbox entry, then shows it', async () => {
    const w = await openNew();
    const code = creditCode(8);
    await fillInstitution(w.wrapper, code.toLowerCase());
    await w.wrapper.find(`[data-test="place-search"]`).setValue('阳光');
    await w.wrapper.find(`[data-test="place-option-${w.places.sunshine.id}"]`).trigger('click');
    expect(w.wrapper.find(`[data-test="place-option-${w.places.far.id}"]`).exists()).toBe(false);
    await w.wrapper.find('form').trigger('submit');
    await settle(() => w.router.currentRoute.value.name === 'field-ledger-show', 'navigation to the subject');

    const [subject] = await w.db.subjects.toArray();
    expect(subject).toMatchObject({
      kind: 'institution',
      category: 'transformed_institution',
      name: '博学教育科技有限公司',
      creditCode: code,
      idNumberMasked: null,
      phone: '13800138000',
      placeIds: [w.places.sunshine.id],
      gridId: w.grid.id,
      status: 'listed',
      riskLevel: 'high',
      listedReason: '排查发现已转型，仍在写字楼内活动',
    });
    const events = await w.db.ledgerEvents.toArray();
    expect(events).toEqual([expect.objectContaining({ subjectId: subject!.id, action: 'list', reason: '排查发现已转型，仍在写字楼内活动' })]);
    const outbox = await w.db.outbox.toArray();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ name: 'subject.create@1', args: { subject: { id: subject!.id, creditCode: code }, eventId: events[0]!.id } });
    expect(w.router.currentRoute.value.params.id).toBe(subject!.id);
    await settle(() => w.wrapper.find('[data-test="subject-basics"]').exists(), 'the detail page');
    expect(w.wrapper.find('[data-test="subject-credit-code"]').text()).toBe(code);
  });

  it('keeps only the masked identity number of a person: not in IndexedDB, not in localStorage, not in the page', async () => {
    const w = await openNew();
    await w.wrapper.find('[data-test="kind-person"]').trigger('click');
    await w.wrapper.find('[data-test="subject-category"]').setValue('laid_off_trainer');
    await w.wrapper.find('[data-test="subject-name"]').setValue('赵某');
    const idInput = w.wrapper.find('[data-test="id-number-input"]');
    await idInput.setValue(FULL_ID.slice(0, 17) + (FULL_ID[17] === '0' ? '1' : '0'));
    expect(w.wrapper.find('[data-test="id-number-error"]').text()).toBe('身份证号不正确，请核对后重新输入');
    await idInput.setValue(FULL_ID);
    expect(w.wrapper.find('[data-test="id-number-masked"]').text()).toBe(MASKED_ID);
    expect(w.wrapper.find('[data-test="id-number-input"]').exists()).toBe(false);
    await w.wrapper.find('[data-test="subject-reason"]').setValue('原培训机构裁减人员，仍在小区内授课');
    await w.wrapper.find('form').trigger('submit');
    await settle(() => w.router.currentRoute.value.name === 'field-ledger-show', 'navigation to the subject');

    const [subject] = await w.db.subjects.toArray();
    expect(subject).toMatchObject({ kind: 'person', idNumberMasked: MASKED_ID, creditCode: null });
    const digits = FULL_ID.slice(6, 14);
    for (const table of w.db.tables) {
      const dump = JSON.stringify(await table.toArray());
      expect(dump, `table ${table.name}`).not.toContain(FULL_ID);
      expect(dump, `table ${table.name}`).not.toContain(digits);
    }
    const outbox = await w.db.outbox.toArray();
    expect(JSON.stringify(outbox)).toContain(MASKED_ID);
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i)!;
      expect(`${key}=${localStorage.getItem(key)}`).not.toContain(digits);
    }
    expect(document.body.innerHTML).not.toContain(FULL_ID);
    await settle(() => w.wrapper.find('[data-test="subject-id-number"]').exists(), 'the detail page');
    expect(w.wrapper.find('[data-test="subject-id-number"]').text()).toBe(MASKED_ID);
  });

  it('rejects a person whose identity number is left half typed', async () => {
    const w = await openNew();
    await w.wrapper.find('[data-test="kind-person"]').trigger('click');
    await w.wrapper.find('[data-test="subject-category"]').setValue('in_service_teacher');
    await w.wrapper.find('[data-test="subject-name"]').setValue('钱某');
    await w.wrapper.find('[data-test="id-number-input"]').setValue('1101051949');
    await w.wrapper.find('[data-test="subject-reason"]').setValue('举报线索');
    await w.wrapper.find('form').trigger('submit');
    await settle(() => w.wrapper.find('[data-test="form-errors"]').exists(), 'error summary');
    expect(await counts(w)).toEqual({ subjects: 0, events: 0, outbox: 0 });
  });

  it('validates the phone number', async () => {
    const w = await openNew();
    await fillInstitution(w.wrapper, creditCode(9));
    await w.wrapper.find('[data-test="subject-phone"]').setValue('12345678901');
    expect(w.wrapper.find('[data-test="phone-error"]').text()).toBe('手机号码格式不正确');
    await w.wrapper.find('form').trigger('submit');
    await settle(() => w.wrapper.find('[data-test="form-errors"]').exists(), 'error summary');
    expect(await counts(w)).toEqual({ subjects: 0, events: 0, outbox: 0 });
  });
});
