import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSubject } from '../../factories';
import { mountApp } from '../mountApp';
import { settle } from '../support';
import { dropLedger, rowNames, seedLedger } from './world';

afterEach(dropLedger);

async function openList(path = '/field/ledger') {
  const w = await seedLedger();
  const app = await mountApp(path);
  await settle(() => app.wrapper.findAll('[data-test="subject-row"]').length > 0, 'ledger rows');
  return { ...w, ...app };
}

describe('ledger list', () => {
  it("lists the grid's subjects only, with status, kind, category, risk, places and counts", async () => {
    const { wrapper } = await openList();
    expect(rowNames(wrapper).sort()).toEqual(['启航教育咨询有限公司', '小太阳托管中心', '王某某'].sort());
    expect(wrapper.text()).not.toContain('西门培训部');
    const first = wrapper.find('[data-test="subject-row"]');
    expect(first.text()).toContain('启航教育咨询有限公司');
    expect(first.text()).toContain('机构 · 已转型学科类机构');
    expect(first.text()).toContain('在账');
    expect(first.text()).toContain('高风险');
    expect(first.text()).toContain('阳光大厦');
    expect(wrapper.find('[data-test="status-listed"]').text()).toBe('在账 2');
    expect(wrapper.find('[data-test="status-delisted"]').text()).toBe('已出账 1');
    // Phones are never shown in the list.
    expect(wrapper.text()).not.toContain('13812345678');
  });

  it('filters by status, risk and category chips, and keeps the filters in the URL', async () => {
    const { wrapper, router } = await openList();
    await wrapper.find('[data-test="status-delisted"]').trigger('click');
    await settle(() => rowNames(wrapper).length === 1, 'status filter');
    expect(rowNames(wrapper)).toEqual(['王某某']);
    expect(router.currentRoute.value.query).toEqual({ status: 'delisted' });

    await wrapper.find('[data-test="status-delisted"]').trigger('click');
    await wrapper.find('[data-test="risk-medium"]').trigger('click');
    await settle(() => rowNames(wrapper).length === 1, 'risk filter');
    expect(rowNames(wrapper)).toEqual(['小太阳托管中心']);

    await wrapper.find('[data-test="risk-medium"]').trigger('click');
    await wrapper.find('[data-test="category-transformed_institution"]').trigger('click');
    await settle(() => rowNames(wrapper).length === 1, 'category filter');
    expect(rowNames(wrapper)).toEqual(['启航教育咨询有限公司']);
    expect(wrapper.find('[data-test="status-listed"]').text()).toBe('在账 1');
    expect(wrapper.find('[data-test="status-delisted"]').text()).toBe('已出账 0');

    await wrapper.find('[data-test="category-in_service_teacher"]').trigger('click');
    await wrapper.find('[data-test="risk-high"]').trigger('click');
    await settle(() => wrapper.find('[data-test="ledger-empty"]').exists(), 'empty result');
    expect(wrapper.find('[data-test="ledger-empty"]').text()).toContain('没有符合条件的重点对象');
  });

  it('searches by name, credit code, masked identity number and phone', async () => {
    const { wrapper, subjects } = await openList();
    const search = wrapper.find('[data-test="ledger-search"]');
    const expectRows = async (q: string, names: string[]) => {
      await search.setValue(q);
      await settle(() => JSON.stringify(rowNames(wrapper).sort()) === JSON.stringify([...names].sort()), `search ${q}`);
    };
    await expectRows('托管', ['小太阳托管中心']);
    await expectRows(subjects.tutor.creditCode!.slice(-6).toLowerCase(), ['启航教育咨询有限公司']);
    await expectRows('0617', ['王某某']);
    await expectRows('520302********0617', ['王某某']);
    await expectRows('139 8765 4321', ['王某某']);
    await expectRows('', ['启航教育咨询有限公司', '小太阳托管中心', '王某某']);
  });

  it('清除筛选 empties the search box too, so the next keystroke starts a new search', async () => {
    const { wrapper, router } = await openList();
    const search = wrapper.find<HTMLInputElement>('[data-test="ledger-search"]');
    await search.setValue('托管');
    await settle(() => rowNames(wrapper).length === 1, 'search');

    const clear = wrapper.findAll('button').find((b) => b.text() === '清除筛选');
    expect(clear).toBeDefined();
    await clear!.trigger('click');
    await settle(() => rowNames(wrapper).length === 3, 'cleared');
    expect(search.element.value).toBe('');
    expect(router.currentRoute.value.query).toEqual({});

    // Typing after clearing searches for what is typed now, not the old query plus it.
    await search.setValue(`${search.element.value}王`);
    await settle(() => rowNames(wrapper).length === 1, 'new search');
    expect(rowNames(wrapper)).toEqual(['王某某']);
  });

  it('opens with the filters of the URL (coming back from a subject)', async () => {
    const { wrapper } = await openList('/field/ledger?risk=high&status=listed');
    expect(rowNames(wrapper)).toEqual(['启航教育咨询有限公司']);
  });

  it('renders a page at a time of a large ledger (1,200 subjects)', async () => {
    const w = await seedLedger();
    await w.db.subjects.bulkPut(
      Array.from({ length: 1200 }, (_, i) => makeSubject({ gridId: w.grid.id, name: `批量机构${i}`, creditCode: null, riskLevel: 'low' })),
    );
    const { wrapper } = await mountApp('/field/ledger');
    await settle(() => wrapper.findAll('[data-test="subject-row"]').length > 0, 'ledger rows');
    expect(wrapper.findAll('[data-test="subject-row"]')).toHaveLength(50);
    expect(wrapper.find('[data-test="ledger-summary"]').text()).toContain('显示 50 / 1203');
    expect(wrapper.find('[data-test="status-listed"]').text()).toBe('在账 1202');
    await wrapper.find('[data-test="ledger-search"]').setValue('批量机构1199');
    await settle(() => rowNames(wrapper).length === 1, 'search in a large ledger');
  });

  it('says so when the ledger is empty', async () => {
    const { db } = await seedLedger();
    await db.subjects.clear();
    const { wrapper } = await mountApp('/field/ledger');
    await settle(() => wrapper.find('[data-test="ledger-empty"]').exists(), 'empty ledger');
    expect(wrapper.find('[data-test="ledger-empty"]').text()).toContain('还没有重点对象');
  });
});
