/**
 * A grid worker's night round with no signal (SPEC §4, §8): grid01 signs in once online and the
 * device syncs; then the network is gone (the server process is stopped — Chromium's offline
 * emulation does not reliably reach service workers). The app still opens from the service worker,
 * today's task and its route are on the device, and an inspection with a violation, a note and a
 * photo is finished there. Pending work shows; once the server is back it all arrives exactly once:
 * the visit, the case it opened, and the photo — compressed on the device, bytes matching its hash.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Case, Place, Task, Visit } from '../../src/domain/entities';
import { apiLogin, type ApiSession } from './api';
import { screenshot, useServerAndBrowser } from './harness';
import { FieldSyncPage } from './pages/FieldSyncPage';
import { TaskListPage, TaskPage } from './pages/TaskListPage';
import { VisitFormPage } from './pages/VisitFormPage';
import {
  controlledByServiceWorker,
  dumpIndexedDb,
  ensureServiceWorkerControls,
  recordFailedLoads,
  SERVER_DOWN,
  signedInAfterReload,
  signedInUserId,
  signIn,
  tracer,
} from './support/field';
import { jpegSize, PHOTO_FIXTURE, sha256Hex } from './support/photo';
import { downloadBlob, listAll } from './support/server-api';

const B2_NOTE = '三楼 302 室以“家政服务”名义开设数学一对一，现场有 4 名初中生';

interface OutboxRow {
  seq: number;
  name: string;
  acked: number;
}

describe('an inspection with no signal reaches the server once the network returns', () => {
  const { server, b } = useServerAndBrowser();
  let grid01: ApiSession;
  let tasks: Task[];
  let places: Map<string, Place>;
  let failedLoads: string[];

  beforeAll(async () => {
    failedLoads = recordFailedLoads(b.page);
    // What grid01's device will hold, read before the network goes: to stand at the place later.
    grid01 = await apiLogin(server.url, 'grid01');
    tasks = await listAll<Task>(grid01, '/api/tasks');
    places = new Map((await listAll<Place>(grid01, '/api/places')).map((p) => [p.id, p]));
    await b.context.grantPermissions(['geolocation']);
  });

  it('grid01 works offline: task, route, visit with photo, then syncs exactly once', async () => {
    const { page } = b;
    const sync = new FieldSyncPage(page);
    const step = tracer('offline-visit');

    // Online: sign in, the first sync finishes, the service worker controls the page.
    step('online');
    await signIn(page, 'grid01');
    await sync.open();
    await sync.waitForFirstSync();
    step('first sync done');
    await ensureServiceWorkerControls(page, 'grid01');
    step('sw controls');
    await sync.open();
    await sync.waitForFirstSync();
    await screenshot(page, 'field-sync-online');
    const userId = await signedInUserId(page, 'grid01');

    // The network goes away; the app opens from the service worker and the local database.
    step('offline');
    await server.stop();
    await page.reload();
    await signedInAfterReload(page, 'grid01');
    expect(await controlledByServiceWorker(page)).toBe(true);

    const list = new TaskListPage(page);
    await list.open();
    step('task list');
    expect((await list.titles()).length).toBeGreaterThan(0);
    await screenshot(page, 'field-tasks-offline');
    // The grid's key-subject ledger is on the device too.
    await page.goto('/field/ledger');
    await page.locator('[data-test="subject-row"]').first().waitFor();
    await screenshot(page, 'field-ledger-offline');
    await list.open();

    const taskId = await list.openFirstOpenTask();
    const task = tasks.find((t) => t.id === taskId);
    expect(task, 'the task on the device is one of grid01’s tasks on the server').toBeDefined();
    const place = places.get(task!.placeIds[0]!)!;
    const taskPage = new TaskPage(page);
    expect((await taskPage.stopNames())[0]).toBe(place.name);
    await screenshot(page, 'field-task-offline');

    step('task');
    await taskPage.openMap();
    await page.locator('.leaflet-marker-icon, .leaflet-interactive').first().waitFor({ timeout: 15_000 });
    await screenshot(page, 'field-route-map-offline');
    await page.goBack();

    // Standing at the first place of the route.
    step('visit');
    await b.context.setGeolocation({ latitude: place.lat, longitude: place.lng, accuracy: 12 });
    await taskPage.startVisitAt(0);
    const visit = new VisitFormPage(page);
    await visit.waitForForm();
    step('form');
    expect(await visit.placeName()).toBe(place.name);
    await visit.answer('A1', true);
    await visit.answer('B2', true);
    await visit.note('B2', B2_NOTE);
    await visit.attachPhoto('B2', PHOTO_FIXTURE.path);
    await visit.outcome('issue_found');
    await page.locator('[data-test="item-B2"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'field-visit-form-offline');
    step('finish');
    const receipt = await visit.finish();
    expect(receipt.caseOpened).toBe(true);
    // The receipt is the saved visit's own page: a reload shows the record, not a new form.
    const visitId = /\/field\/visits\/([0-9a-f-]{36})\?saved=1(?:&|$)/.exec(page.url())?.[1];
    expect(visitId).toBeDefined();
    await screenshot(page, 'field-visit-receipt-offline');

    // What waits: the visit and its case (and the task's start when this visit started it), one
    step('pending');
    // outbox entry each — the photo travels with the visit (uploaded before it), not as an entry.
    const before = await dumpIndexedDb(page, `grid-patrol-${userId}`);
    const waiting = (before.outbox as OutboxRow[]).filter((e) => e.acked === 0).map((e) => e.name);
    expect(waiting).toContain('visit.submit@1');
    expect(waiting).toContain('case.open@1');
    expect(waiting.filter((n) => n !== 'task.start@1')).toHaveLength(2);
    await sync.open();
    expect(await sync.pending()).toBe(waiting.length);
    expect(await sync.pending()).toBeGreaterThanOrEqual(2);
    expect(await sync.badgeCount()).toBe(waiting.length);
    const localVisit = (before.visits as Visit[]).find((v) => v.id === visitId)!;
    const sha = localVisit.answers.find((a) => a.itemCode === 'B2')!.evidence[0]!;
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    await screenshot(page, 'field-sync-pending-offline');

    // The network returns.
    step('server back');
    await server.start();
    await sync.syncNow();
    await sync.waitForPending(0);
    step('synced');
    await sync.waitForAllSynced();
    await screenshot(page, 'field-sync-done');

    const coord = await apiLogin(server.url, 'coord1');
    const visits = await listAll<Visit>(coord, `/api/visits?placeId=${place.id}`);
    const mine = visits.filter((v) => v.id === visitId);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.hash).toBe(localVisit.hash);
    expect(mine[0]!.taskId).toBe(taskId);
    expect(mine[0]!.outcome).toBe('issue_found');
    const b2 = mine[0]!.answers.find((a) => a.itemCode === 'B2')!;
    expect(b2).toMatchObject({ value: true, note: B2_NOTE, evidence: [sha] });
    // No second copy under another id: one visit of this device with this hash.
    expect(visits.filter((v) => v.hash === localVisit.hash)).toHaveLength(1);

    // The photo: downloadable, its bytes hash to its address, compressed on the device.
    step('blob');
    const blob = await downloadBlob(server.url, coord, sha);
    expect(blob.contentType).toBe('image/jpeg');
    expect(sha256Hex(blob.bytes)).toBe(sha);
    const size = jpegSize(blob.bytes);
    expect(Math.max(size.width, size.height)).toBeLessThanOrEqual(1920);
    expect(size).toEqual({ width: 1920, height: 1440 });
    expect(sha).not.toBe(sha256Hex(readFileSync(PHOTO_FIXTURE.path)));

    // The case it opened: source patrol, from this visit, listed once.
    step('case');
    const cases = await listAll<Case>(coord, `/api/cases?source=patrol&gridId=${place.gridId}`);
    const opened = cases.filter((c) => c.visitId === visitId);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ source: 'patrol', placeId: place.id, status: 'pending_verification' });
    expect(opened[0]!.categories).toContain('subject');
    expect(opened[0]!.events.flatMap((e) => e.evidence)).toContain(sha);
  });

  it('logged no console errors or warnings but the failed requests while the server was down', () => {
    expect(b.unexpectedProblems(SERVER_DOWN)).toEqual([]);
    // Only API calls failed: the app itself (shell, chunks, icons) came from the service worker.
    expect(failedLoads.filter((url) => !new URL(url).pathname.startsWith('/api/'))).toEqual([]);
  });
});
