/** The routes other features link to open the lazy views for the right roles. */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAllUserDbs } from '../../../src/client/db/database';
import { mountApp } from '../mountApp';
import { fieldWorld } from './harness';
import { settle } from '../support';

afterEach(() => closeAllUserDbs());

describe('visit and manager routes', () => {
  it('opens the visit form at /field/visit/new?placeId=… for a grid worker', async () => {
    const w = await fieldWorld('grid_worker');
    const { wrapper, router } = await mountApp(`/field/visit/new?placeId=${w.place.id}`);
    await settle(() => wrapper.find('[data-test="finish"]').exists());
    expect(router.currentRoute.value.name).toBe('field-visit-new');
    expect(wrapper.get('[data-test="visit-context"]').text()).toContain('阳光大厦');
  });

  it('keeps building managers out of the inspection form and opens their self-check', async () => {
    const w = await fieldWorld('building_manager');
    const { wrapper, router } = await mountApp(`/field/visit/new?placeId=${w.place.id}`);
    expect(router.currentRoute.value.path).toBe('/field');
    await router.push('/field/self-check');
    // Their only place is offered to pick.
    await settle(() => wrapper.find('[data-test="pick-place"]').exists());
    await wrapper.get('[data-test="pick-place"]').trigger('click');
    await settle(() => wrapper.find('[data-test="finish"]').exists());
    expect(router.currentRoute.value.query.placeId).toBe(w.place.id);
    expect(wrapper.findAll('[data-test^="section-"]').map((s) => s.attributes('data-test'))).toEqual(['section-K']);
  });
});
