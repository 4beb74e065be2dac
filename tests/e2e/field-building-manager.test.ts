/**
 * A building manager's day (SPEC §2, §4.6): bm01 sees the buildings they manage, reports a suspicion
 * with a note and a photo, follows it in 我的报告 (待核查), and the report reaches the server once.
 *
 * And the sharpest edge of the product: bm01's buildings are on covert, unannounced (暗访, 四不两直)
 * routes of the grid workers (the demo seeds them on purpose). Nothing of that may reach bm01 — not
 * on any screen they can open, not in their device's database, not in their local storage.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Case, Place, Task, Visit } from '../../src/domain/entities';
import type { MeResponse } from '../../src/domain/api';
import { apiLogin, type ApiSession } from './api';
import { screenshot, useServerAndBrowser } from './harness';
import { BuildingManagerPages } from './pages/BuildingManagerPages';
import { FieldSyncPage } from './pages/FieldSyncPage';
import { dumpIndexedDb, pageText, signIn, signedInUserId } from './support/field';
import { PHOTO_FIXTURE } from './support/photo';
import { listAll } from './support/server-api';

/**
 * Words that would reveal covert or unannounced work. None of the building manager's screens
 * legitimately uses them: their self-check hides task, style and 四不两直 (VisitNew `selfCheck`),
 * and their visit pages show 明查 for their own open self-checks.
 */
const REVEALING_WORDS = ['暗访', '四不两直', '任务'];

describe('a building manager reports a suspicion and never learns of covert work', () => {
  const { server, b } = useServerAndBrowser();
  let coord: ApiSession;
  let bm: ApiSession;
  let me: MeResponse;
  let myPlaces: Place[];
  /** Covert or unannounced tasks that visit bm01's buildings, as the coordinator sees them. */
  let secretTasks: Task[];
  const summary = `晚上 7 点后常有十余名学生进出 1 单元 502，门口贴有“作业辅导”字样（${Date.now().toString(36)}）`;

  beforeAll(async () => {
    coord = await apiLogin(server.url, 'coord1');
    bm = await apiLogin(server.url, 'bm01');
    me = await bm.get<MeResponse>('/api/me');
    myPlaces = await listAll<Place>(bm, '/api/places');
    const mine = new Set(myPlaces.map((p) => p.id));
    const gridTasks = await listAll<Task>(coord, `/api/tasks?gridId=${me.user.regionId}`);
    secretTasks = gridTasks.filter((t) => (t.style === 'covert' || t.unannounced) && t.placeIds.some((id) => mine.has(id)));
  });

  it('the demo puts bm01’s buildings on covert, unannounced routes (what must not leak)', async () => {
    expect(me.user.role).toBe('building_manager');
    expect(myPlaces.length).toBeGreaterThan(0);
    expect(secretTasks.filter((t) => t.style === 'covert' && t.unannounced).length).toBeGreaterThanOrEqual(3);
    // The API refuses tasks to a building manager outright.
    await expect(bm.get('/api/tasks')).rejects.toThrow(/403/);
  });

  it('bm01 sees their buildings and reports a suspicion that reaches the server once', async () => {
    const { page } = b;
    const pages = new BuildingManagerPages(page);
    const sync = new FieldSyncPage(page);
    await signIn(page, 'bm01');
    await sync.open();
    await sync.waitForFirstSync();

    const names = await pages.openPlaces();
    expect([...names].sort()).toEqual(myPlaces.map((p) => p.name).sort());
    await screenshot(page, 'bm-places');

    const place = myPlaces[0]!;
    await pages.openReportFromHome();
    await pages.report({ place: place.name, categories: ['location', 'premises_management'], summary, photo: PHOTO_FIXTURE.path });
    await page.locator('[data-test="photo-strip"]').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await screenshot(page, 'bm-report');
    await pages.submitReport();

    await pages.openReports();
    expect(await pages.statusOf(summary)).toBe('待核查');
    await screenshot(page, 'bm-reports');

    await sync.open();
    await sync.waitForPending(0);
    const reports = (await listAll<Case>(coord, `/api/cases?source=building_manager&gridId=${place.gridId}`)).filter((c) => c.summary === summary);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      source: 'building_manager',
      placeId: place.id,
      reportedBy: me.user.id,
      status: 'pending_verification',
      categories: ['location', 'premises_management'],
    });
    expect(reports[0]!.events.flatMap((e) => e.evidence)).toHaveLength(1);

    // After the sync the report still shows once, with the server's status.
    await pages.openReports();
    expect(await pages.reportCount(summary)).toBe(1);
    expect(await pages.statusOf(summary)).toBe('待核查');
  });

  it('no screen bm01 can open shows a task, a covert task’s title or a word revealing covert work', async () => {
    const { page } = b;
    const texts = new Map<string, string>();
    const visitAll = async (path: string, ready: string): Promise<void> => {
      await page.goto(path);
      await page.locator(ready).first().waitFor({ timeout: 15_000 });
      // Every screen bm01 can open stays theirs: no redirect to somewhere else.
      expect(new URL(page.url()).pathname).toBe(path.split('?')[0]);
      texts.set(path, await pageText(page));
    };
    await visitAll('/field', '[data-test="sync-badge"]');
    await visitAll('/field/places', '[data-test="place"]');
    for (const p of myPlaces) await visitAll(`/field/my-places/${p.id}`, '[data-test="place-facts"]');
    await visitAll('/field/self-check', '[data-test="pick-place"]');
    await visitAll(`/field/self-check?placeId=${myPlaces[0]!.id}`, '[data-test="section-K"]');
    await visitAll('/field/report', '[data-test="report-summary"]');
    await visitAll('/field/reports', '[data-test="report"]');
    await visitAll('/field/sync', '[data-test="sync-pending"]');
    // Their own self-checks, as recorded.
    await page.goto(`/field/my-places/${myPlaces[0]!.id}`);
    await page.locator('[data-test="place-facts"]').waitFor();
    const selfChecks = await page.locator('[data-test="self-check"]').evaluateAll((els) => els.map((e) => e.getAttribute('href')!));
    expect(selfChecks.length).toBeGreaterThan(0);
    for (const href of selfChecks.slice(0, 3)) await visitAll(href, 'main');

    // A grid worker's screens are closed to them: they land back on their home.
    for (const path of ['/field/tasks', '/field/map', '/field/ledger', `/field/tasks/${secretTasks[0]!.id}`]) {
      await page.goto(path);
      await page.waitForURL((url) => url.pathname === '/field');
      texts.set(path, await pageText(page));
    }

    for (const [path, text] of texts) {
      for (const word of REVEALING_WORDS) expect(text, `${path} shows ${word}`).not.toContain(word);
      for (const t of secretTasks) expect(text, `${path} shows the task ${t.title}`).not.toContain(t.title);
    }
  });

  it('bm01’s device holds no task, subject, ledger or other people’s visit, nor any trace of covert tasks', async () => {
    const { page } = b;
    const userId = await signedInUserId(page, 'bm01');
    expect(userId).toBe(me.user.id);
    const dump = await dumpIndexedDb(page, `grid-patrol-${userId}`);

    expect(dump.places!.length).toBeGreaterThan(0);
    expect(dump.tasks).toEqual([]);
    expect(dump.subjects).toEqual([]);
    expect(dump.ledgerEvents).toEqual([]);
    const visits = dump.visits as (Visit & { selfCheck?: boolean })[];
    expect(visits.length).toBeGreaterThan(0);
    for (const v of visits) {
      expect(v.inspectorIds).toEqual([userId]);
      expect(v).toMatchObject({ selfCheck: true, style: 'open', unannounced: false, taskId: null });
    }
    // Their report of the earlier test is there, and every case on the device is one of their reports.
    expect((dump.cases as Case[]).filter((c) => c.summary === summary)).toHaveLength(1);
    for (const c of dump.cases as Case[]) expect(c).toMatchObject({ source: 'building_manager', reportedBy: userId });
    // Only their own places.
    for (const p of dump.places as Place[]) expect(p.managerIds).toContain(userId);

    const storage = await page.evaluate(() => Object.fromEntries(Object.entries(localStorage)));
    const everything = JSON.stringify(dump) + JSON.stringify(storage);
    for (const t of secretTasks) {
      expect(everything).not.toContain(t.id);
      expect(everything).not.toContain(t.title);
    }
    for (const word of ['暗访', '四不两直', 'covert']) expect(everything).not.toContain(word);
    // No other local database was made for them (e.g. a grid worker's).
    const names = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
    expect(names.filter((n) => n?.startsWith('grid-patrol-'))).toEqual([`grid-patrol-${userId}`]);
  });

  it('logged no console errors or warnings', () => {
    expect(b.unexpectedProblems()).toEqual([]);
  });
});
