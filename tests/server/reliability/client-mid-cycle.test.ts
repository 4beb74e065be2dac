/**
 * Client side of work saved while a sync cycle is on the wire: the real engine and HTTP transport
 * against the real server. A change the server has is never shown reverted while the pull pages, and
 * a photo saved mid-cycle reaches the server before the visit that needs it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putBlob, submitVisit, updatePlace } from '../../../src/client/db/repositories';
import { NetworkError } from '../../../src/client/sync/transport';
import { backends } from '../harness';
import { startClientWorld, type ClientWorld, syncedDevice } from './clientHarness';

describe.each(backends)('client writes during a sync cycle on %s', (backend) => {
  let w: ClientWorld;
  beforeAll(async () => {
    w = await startClientWorld(backend);
  });
  afterAll(() => w.close());

  const ready = (username = 'worker0') => syncedDevice(w, username);

  it('a change confirmed by one pull page is not reverted to an older server row before the next page arrives', async () => {
    const d = await ready('worker0');
    const other = await ready('worker0');
    const grid = w.county.grids[0]!.id;
    const [p, q] = w.county.dataset.places.filter((x) => x.gridId === grid);
    await updatePlace(other.db, p!.id, { note: '另一台手机的备注' });
    await other.settle();
    // The colleague's note arrives while this device renames the place: held back as a shadow.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    d.faults.push({ on: 'pull', kind: 'hold', release: released, onHeld: () => void updatePlace(d.db, p!.id, { name: '本机改名' }).then(() => release()) });
    await d.sync();
    expect(await d.db.places.get(p!.id)).toMatchObject({ name: '本机改名' });
    expect(await d.db.shadows.count()).toBe(1);
    // The rename goes out; the pull answers one row per page and the second page never arrives.
    await updatePlace(other.db, q!.id, { note: '别的场所' });
    await other.settle();
    d.faults.push({ on: 'pull', kind: 'mangle', mangle: (b) => ({ ...b, limit: 1 }) });
    d.faults.push({ on: 'pull', kind: 'before' });
    await expect(d.sync()).rejects.toBeInstanceOf(NetworkError);
    const server = await w.serverView(d.session);
    expect(server.get(`place:${p!.id}`)).toMatchObject({ name: '本机改名' });
    expect(await d.db.places.get(p!.id)).toMatchObject({ name: '本机改名' });
    await d.settle();
    expect(await d.db.places.get(p!.id)).toMatchObject({ name: '本机改名', note: '另一台手机的备注' });
  });

  it('a visit saved while a push is on the wire has its photo uploaded before it is pushed', async () => {
    const d = await ready();
    await submitVisit(d.db, d.visitDraft());
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let photo = '';
    let seq = 0;
    d.faults.push({
      on: 'push',
      kind: 'hold',
      release: released,
      onHeld: () =>
        void (async () => {
          const row = await putBlob(d.db, new TextEncoder().encode(`photo ${Math.random()}`), 'image/jpeg');
          photo = row.sha256;
          seq = (await submitVisit(d.db, d.visitDraft({ answers: [{ itemCode: 'A1', value: false, evidence: [photo] }] }))).seq;
          release();
        })(),
    });
    await d.sync().catch(() => undefined);
    await d.settle();
    const pushesVisit = (body: unknown) => (body as { mutations: { seq: number }[] }).mutations.some((m) => m.seq === seq);
    const order = d.traffic.map((t) => `${t.endpoint}${t.status === undefined ? '' : ':' + t.status}${t.endpoint === 'push' && pushesVisit(t.body) ? '(visit)' : ''}`);
    const firstPush = order.findIndex((x) => x.includes('(visit)'));
    const firstBlob = order.findIndex((x) => x.startsWith('blob'));
    expect(firstBlob, order.join(' ')).toBeGreaterThan(-1);
    expect(firstBlob, order.join(' ')).toBeLessThan(firstPush);
  });
});
