/**
 * 13: a mutation that references a photo the server does not have yet is a transient failure — nothing
 * advances — and an interrupted upload stores nothing; once the photo is uploaded the retry applies.
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backends, testConfig, useContext, type Session } from '../harness';
import { newClientId, pushOk, pushRaw, signedVisit, submit } from './helpers';

describe.each(backends)('blob before mutation on %s', (backend) => {
  const { ctx, sessions: [worker] } = useContext(backend, ['worker0']);

  it('waits for the blob, refuses a truncated upload, then applies exactly once', async () => {
    const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from(`photo-${backend}-${Date.now()}`.repeat(500))]);
    const sha = createHash('sha256').update(photo).digest('hex');
    const place = ctx.county.dataset.places[1]!.id;
    const plain = await signedVisit(ctx, worker, { placeId: place });
    const withPhoto = await signedVisit(ctx, worker, { placeId: place, answers: [{ itemCode: 'A1', value: false, evidence: [sha] }] });
    const clientId = newClientId();

    const partial = await pushOk(ctx, worker, clientId, [submit(1, plain), submit(2, withPhoto)]);
    expect(partial).toEqual({ lastMutationId: 1, results: [{ seq: 1, status: 'applied' }] });
    const blocked = await pushRaw(ctx, worker, clientId, [submit(2, withPhoto)]);
    expect(blocked.statusCode).toBe(503);

    const put = (body: Buffer) => ctx.app.inject({ method: 'PUT', url: `/api/blobs/${sha}`, headers: { ...worker.headers, 'content-type': 'image/jpeg' }, payload: body });
    const truncated = await put(photo.subarray(0, photo.length - 100));
    expect(truncated.statusCode).toBe(400);
    expect(truncated.json()).toMatchObject({ error: { code: 'hash_mismatch' } });
    expect(await ctx.db.kysely.selectFrom('blobs').select('sha256').where('sha256', '=', sha).executeTakeFirst()).toBeUndefined();

    expect((await put(photo)).statusCode).toBe(201);
    expect((await put(photo)).statusCode).toBe(200);
    const done = await pushOk(ctx, worker, clientId, [submit(2, withPhoto)]);
    expect(done.results).toEqual([{ seq: 2, status: 'applied' }]);
    const refs = await ctx.db.kysely.selectFrom('blob_refs').selectAll().where('sha256', '=', sha).execute();
    expect(refs.map((r) => [r.entity, r.row_id])).toEqual([['visit', withPhoto.id]]);

    const get = (s: Session) => ctx.app.inject({ method: 'GET', url: `/api/blobs/${sha}`, headers: s.headers });
    const mine = await get(worker);
    expect(mine.statusCode).toBe(200);
    expect(mine.rawPayload.equals(photo)).toBe(true);
    expect(mine.headers).toMatchObject({ 'content-type': 'image/jpeg', 'content-length': String(photo.length), etag: `"${sha}"` });
    expect((await get(await ctx.login('coord0'))).statusCode).toBe(200);
    expect((await get(await ctx.login('worker2'))).statusCode).toBe(404);
    expect((await get(await ctx.login('manager0'))).statusCode).toBe(404);
  });

  it('waits for a photo whose row the server has but whose bytes it lost, as for a photo never sent', async () => {
    const photo = Buffer.from(`lost-photo-${backend}-${Date.now()}-${Math.random()}`);
    const sha = createHash('sha256').update(photo).digest('hex');
    const put = () => ctx.app.inject({ method: 'PUT', url: `/api/blobs/${sha}`, headers: { ...worker.headers, 'content-type': 'image/jpeg' }, payload: photo });
    expect((await put()).statusCode).toBe(201);
    // The bytes are lost (a disk replaced, the blob directory restored apart from the database).
    await rm(path.join(testConfig.dataDir, 'blobs', sha.slice(0, 2), sha));

    const visit = await signedVisit(ctx, worker, { placeId: ctx.county.dataset.places[1]!.id, answers: [{ itemCode: 'A1', value: false, evidence: [sha] }] });
    const clientId = newClientId();
    const blocked = await pushRaw(ctx, worker, clientId, [submit(1, visit)]);
    expect(blocked.statusCode, blocked.body).toBe(503);
    expect(blocked.json()).toMatchObject({ error: { details: { code: 'blob_missing' } } });
    // The device sends the photo again (stored anew, not answered as already there); the visit goes through.
    expect((await put()).statusCode).toBe(201);
    expect((await pushOk(ctx, worker, clientId, [submit(1, visit)])).results).toEqual([{ seq: 1, status: 'applied' }]);
  });
});
