/**
 * A new app version arrives while a grid worker is in the middle of an inspection (SPEC §4.1: offered,
 * never forced while a form is open). The new build is put next to the old one on the running server;
 * the service worker finds it, 有新版本 shows, but accepting waits for the visit: the page does not
 * reload and the answers stay. Once the visit is left, accepting reloads the page once, onto the new
 * version.
 *
 * The spec's server serves a private copy of dist/client (CLIENT_DIR), so the new build never
 * touches the build other specs use.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { screenshot, useServerAndBrowser, type BrowserHandle } from './harness';
import { FieldSyncPage } from './pages/FieldSyncPage';
import { TaskListPage, TaskPage } from './pages/TaskListPage';
import { UpdatePromptBar } from './pages/UpdatePromptBar';
import { VisitFormPage } from './pages/VisitFormPage';
import { BUILD_META, buildNewVersionInto, copyOfBuiltClient } from './support/build';
import { controlledByServiceWorker, ensureServiceWorkerControls, signIn } from './support/field';

declare global {
  interface Window {
    __marker?: string;
  }
}

function buildIdOf(page: BrowserHandle['page']): Promise<string | null> {
  return page.evaluate((name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? null, BUILD_META);
}

describe('an app update waits for the open visit', () => {
  let clientDir: string;
  // Registered first, so it runs last (after-hooks run as a stack): once the server has stopped.
  afterAll(() => {
    if (clientDir) rmSync(clientDir, { recursive: true, force: true });
  });
  const { b } = useServerAndBrowser(() => ({ CLIENT_DIR: (clientDir = copyOfBuiltClient()) }));

  it('有新版本 is held while the visit is open, then accepted with one reload onto the new version', async () => {
    const { page } = b;
    let loads = 0;
    page.on('load', () => loads++);

    await signIn(page, 'grid01');
    const sync = new FieldSyncPage(page);
    await sync.open();
    await sync.waitForFirstSync();
    await ensureServiceWorkerControls(page, 'grid01');
    expect(await buildIdOf(page)).toBeNull();

    // In the middle of an inspection.
    const list = new TaskListPage(page);
    await list.open();
    await list.openFirstOpenTask();
    await new TaskPage(page).startVisitAt(0);
    const visit = new VisitFormPage(page);
    await visit.waitForForm();
    await visit.answer('A1', false);
    await visit.answer('B1', true);
    await page.evaluate(() => (window.__marker = 'visit-open'));
    const loadsBefore = loads;

    // A new version is deployed on the running server, and the app checks for it.
    const buildId = `v${Date.now()}`;
    await buildNewVersionInto(clientDir, buildId);
    await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      await reg!.update();
    });
    const prompt = new UpdatePromptBar(page);
    await prompt.waitForOffer();
    await page.waitForFunction(async () => (await navigator.serviceWorker.getRegistration())?.waiting != null);

    // Held: the button says why and cannot be pressed; nothing reloads, the answers stay.
    expect(await prompt.acceptDisabled()).toBe(true);
    expect(await prompt.text()).toContain('完成当前检查后再更新');
    await prompt.accept.click({ force: true });
    await page.waitForTimeout(1500);
    expect(loads).toBe(loadsBefore);
    expect(await page.evaluate(() => window.__marker)).toBe('visit-open');
    expect(await visit.answerOf('A1')).toBe(false);
    expect(await visit.answerOf('B1')).toBe(true);
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting != null)).toBe(true);
    await screenshot(page, 'update-held-during-visit');
    // The bar does not cover the form's own way out: 完成检查 is what a tap there reaches.
    expect(await visit.finishReachable()).toBe(true);

    // The visit is left (discarded): now the update may go ahead.
    await visit.discard();
    await page.locator('[data-test="update-accept"]:not([disabled])').waitFor();
    expect(await prompt.text()).toContain('立即更新');
    await screenshot(page, 'update-offered');
    await Promise.all([page.waitForEvent('load'), prompt.accept.click()]);
    await page.waitForTimeout(1500);

    expect(loads).toBe(loadsBefore + 1);
    expect(await page.evaluate(() => window.__marker)).toBeUndefined();
    expect(await buildIdOf(page)).toBe(buildId);
    expect(await controlledByServiceWorker(page)).toBe(true);
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null)).toBeNull();
    await page.locator('.update-prompt').waitFor({ state: 'detached' });
  });

  it('logged no console errors or warnings', () => {
    expect(b.unexpectedProblems()).toEqual([]);
  });
});
