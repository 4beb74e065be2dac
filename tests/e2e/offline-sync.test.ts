/**
 * The promise of the app in one run (SPEC §8): with the server unreachable a grid worker reloads the
 * app from the service worker's precache, saves a key subject, reloads again — the record and its
 * pending change survive — and once the server is back the record reaches it exactly once.
 *
 * The network is taken away by stopping the real server process (Chromium's offline emulation does
 * not reliably reach service workers), then it is started again on the same port and data dir.
 */
import { describe, expect, it } from 'vitest';
import { creditCode } from '../factories';
import { apiLogin } from './api';
import { screenshot, useServerAndBrowser } from './harness';
import { FieldSyncPage } from './pages/FieldSyncPage';
import { LedgerPage } from './pages/LedgerPage';
import { ensureServiceWorkerControls, SERVER_DOWN, signedInAfterReload, signIn, tracer } from './support/field';

interface SubjectPage {
  items: { id: string; name: string }[];
}
interface SubjectDetail {
  id: string;
  name: string;
  ledgerEvents: { action: string }[];
}

describe('offline save, reload, sync once', () => {
  const { server, b } = useServerAndBrowser();

  it('a subject saved with the server down reaches it exactly once after it returns', async () => {
    const { page } = b;
    const step = tracer('offline-sync');
    step('login');
    await signIn(page, 'grid01');

    // The first sync has finished (the ledger lists the grid's subjects from the device) and the
    // service worker controls the page.
    const ledger = new LedgerPage(page);
    await ledger.open();
    await page.locator('[data-test="subject-row"]').first().waitFor({ timeout: 30_000 });
    step('first sync done');
    // The app registers its service worker itself: this throws when it never takes control.
    await ensureServiceWorkerControls(page, 'grid01');
    step('controlled by the service worker');
    const sync = new FieldSyncPage(page);
    await sync.open();
    await sync.waitForPending(0);
    step('nothing pending');

    step('stop');
    await server.stop();
    step('reloaded offline');
    await page.reload();
    await signedInAfterReload(page, 'grid01');

    const name = `离线入账机构${Date.now().toString(36)}`;
    step('create');
    await ledger.create({ name, category: '已转型学科类机构', creditCode: creditCode(Date.now() % 1e9), reason: '巡查发现，离线登记' });
    await sync.open();
    expect(await sync.pending()).toBe(1);
    await screenshot(page, 'offline-sync-pending');

    await page.reload();
    await signedInAfterReload(page, 'grid01');
    await sync.open();
    expect(await sync.pending()).toBe(1);
    expect(await ledger.lists(name)).toBe(true);

    step('start');
    await server.start();
    await sync.open();
    step('syncNow');
    await sync.syncNow();
    await sync.waitForPending(0);
    await screenshot(page, 'offline-sync-done');

    step('api');
    const coord = await apiLogin(server.url, 'coord1');
    const found = await coord.get<SubjectPage>(`/api/subjects?q=${encodeURIComponent(name)}`);
    expect(found.items.map((s) => s.name)).toEqual([name]);
    const detail = await coord.get<SubjectDetail>(`/api/subjects/${found.items[0]!.id}`);
    expect(detail.ledgerEvents.filter((e) => e.action === 'list')).toHaveLength(1);
    expect(detail.ledgerEvents).toHaveLength(1);
  });

  it('logged no console errors or warnings but the failed requests while the server was down', () => {
    expect(b.unexpectedProblems(SERVER_DOWN)).toEqual([]);
  });
});
