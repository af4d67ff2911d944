// The flows CRUD suite, written once and run per API prefix (v4 and 2026-09-beta).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useServer } from './suite.mjs';
import { client, assertError } from './api.mjs';
import {
  minimalContactFlow, minimalPlatformFlow, fullContactFlow, fullPlatformFlow, putBodyFrom, ISO_RE,
  everyVariantFlow, delayAction,
} from './fixtures.mjs';

const LISTING_KEYS = new Set(['id', 'name', 'uuid', 'isEnabled', 'flowType', 'objectTypeId', 'revisionId', 'createdAt', 'updatedAt']);

export async function createFlow(api, prefix, body) {
  const r = await api('POST', `${prefix}/flows`, { body });
  assert.equal(r.status, 201, `create: ${r.text}`);
  return r.json;
}

// Waits (bounded) until the wall clock has moved past an ISO timestamp, so that a later write
// must carry a later updatedAt. Not synchronisation with the server: only clock resolution.
export async function clockPast(iso) {
  const t = Date.parse(iso);
  const deadline = Date.now() + 1000;
  while (Date.now() <= t + 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
}

async function pool(n, concurrency, fn) {
  const out = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  }));
  return out;
}

export function crudSuite(prefix) {
  describe(`flows CRUD under ${prefix}`, () => {
    let srv;
    let api;
    useServer({ onStart: (ctx) => ({ srv, api } = ctx) });

    describe('create', () => {
      it('answers 201 with Location and a complete ApiFlow, filling spec-required collections', async () => {
        const body = minimalContactFlow('minimal');
        const r = await api('POST', `${prefix}/flows`, { body });
        assert.equal(r.status, 201, r.text);
        const f = r.json;
        assert.match(f.id, /^\d+$/);
        const loc = r.headers.get('location');
        assert.ok(loc, 'Location header');
        assert.ok(loc.endsWith(`${prefix}/flows/${f.id}`), `Location ${loc} must end with ${prefix}/flows/${f.id}`);
        assert.equal(loc, `${srv.baseUrl}${prefix}/flows/${f.id}`);
        // Behind a TLS-terminating proxy the Location says https.
        const proxied = await api('POST', `${prefix}/flows`, { body, headers: { 'x-forwarded-proto': 'https' } });
        assert.equal(proxied.status, 201, proxied.text);
        assert.equal(proxied.headers.get('location'),
          `${srv.baseUrl.replace(/^http:/, 'https:')}${prefix}/flows/${proxied.json.id}`);
        assert.equal(f.revisionId, '1');
        assert.equal(f.type, 'CONTACT_FLOW');
        assert.equal(f.objectTypeId, '0-1');
        assert.equal(f.flowType, 'WORKFLOW');
        assert.equal(f.isEnabled, false);
        assert.equal(f.name, 'minimal');
        assert.match(f.createdAt, ISO_RE);
        assert.match(f.updatedAt, ISO_RE);
        assert.match(f.nextAvailableActionId, /^\d+$/);
        assert.equal(f.crmObjectCreationStatus, 'COMPLETE');
        assert.deepEqual(f.actions, []);
        assert.deepEqual(f.timeWindows, []);
        assert.deepEqual(f.blockedDates, []);
        assert.deepEqual(f.customProperties, {});
        assert.deepEqual(f.dataSources, []);
        assert.deepEqual(f.suppressionListIds, []);
        assert.equal(f.canEnrollFromSalesforce, false);
        assert.equal(f.startActionId, undefined, 'no startActionId without actions');
      });

      it('keeps actions and enrollment criteria as sent and computes nextAvailableActionId', async () => {
        const body = fullContactFlow();
        const f = await createFlow(api, prefix, body);
        assert.deepEqual(f.actions, body.actions);
        assert.deepEqual(f.enrollmentCriteria, body.enrollmentCriteria);
        assert.equal(f.startActionId, '1');
        assert.equal(f.nextAvailableActionId, '3');
        assert.equal(f.description, body.description);
      });

      it('creates a PLATFORM_FLOW without the contact-only fields', async () => {
        const body = fullPlatformFlow();
        const f = await createFlow(api, prefix, body);
        assert.equal(f.type, 'PLATFORM_FLOW');
        assert.equal(f.objectTypeId, '0-3');
        assert.equal(f.suppressionListIds, undefined);
        assert.equal(f.canEnrollFromSalesforce, undefined);
        assert.deepEqual(f.timeWindows, body.timeWindows);
        assert.deepEqual(f.blockedDates, body.blockedDates);
        assert.deepEqual(f.enrollmentCriteria, body.enrollmentCriteria);
        assert.deepEqual(f.actions, body.actions);
      });

      it('creates a minimal PLATFORM_FLOW with defaults', async () => {
        const f = await createFlow(api, prefix, minimalPlatformFlow('deals'));
        assert.equal(f.type, 'PLATFORM_FLOW');
        assert.deepEqual(f.timeWindows, []);
        assert.deepEqual(f.customProperties, {});
      });
    });

    describe('round trips', () => {
      it('keeps every action variant and every optional part as sent', async () => {
        const body = everyVariantFlow(`variants ${prefix}`);
        const f = await createFlow(api, prefix, body);
        for (const k of Object.keys(body)) {
          if (k === 'isEnabled' || k === 'dataSources') continue;
          assert.deepEqual(f[k], body[k], `field ${k} round-trips`);
        }
        assert.equal(f.nextAvailableActionId, '10');
        const g = await api('GET', `${prefix}/flows/${f.id}`);
        assert.deepEqual(g.json, f);
        const put = await api('PUT', `${prefix}/flows/${f.id}`, { body: putBodyFrom(f, { name: 'variants v2' }) });
        assert.equal(put.status, 200, put.text);
        assert.deepEqual(put.json.actions, body.actions);
        assert.deepEqual(put.json.goalFilterBranch, body.goalFilterBranch);
      });

      it('lists the uuid when one is set', async () => {
        const f = await createFlow(api, prefix, everyVariantFlow(`with uuid ${prefix}`));
        const r = await api('GET', `${prefix}/flows`);
        const item = r.json.results.find((x) => x.id === f.id);
        assert.equal(item.uuid, f.uuid);
      });

      it('accepts the "GO-TO" spelling of the edge type and answers GOTO', async () => {
        const body = fullContactFlow('go-to');
        body.actions = [delayAction('1', '2'), delayAction('2')];
        body.actions[0].connection.edgeType = 'GO-TO';
        const f = await createFlow(api, prefix, body);
        assert.equal(f.actions.find((a) => a.actionId === '1').connection.edgeType, 'GOTO');
      });

      it('accepts the legacy list action 0-13 on input', async () => {
        const body = fullContactFlow('legacy list');
        body.actions = [{ type: 'SINGLE_CONNECTION', actionId: '1', actionTypeId: '0-13', actionTypeVersion: 0, fields: { operation: 'ADD', list_id: '178' } }];
        const r = await api('POST', `${prefix}/flows`, { body });
        assert.equal(r.status, 201, r.text);
      });

      it('computes nextAvailableActionId from the highest numeric actionId', async () => {
        const body = fullContactFlow('sparse ids');
        body.startActionId = '7';
        body.actions = [delayAction('7', '41'), delayAction('41')];
        const f = await createFlow(api, prefix, body);
        assert.equal(f.nextAvailableActionId, '42');
      });
    });

    describe('get', () => {
      it('returns what create returned', async () => {
        const created = await createFlow(api, prefix, fullContactFlow('get me'));
        const r = await api('GET', `${prefix}/flows/${created.id}`);
        assert.equal(r.status, 200);
        assert.deepEqual(r.json, created);
      });

      it('answers 404 OBJECT_NOT_FOUND for an unknown id', async () => {
        assertError(await api('GET', `${prefix}/flows/987654321`), 404, 'OBJECT_NOT_FOUND');
      });

      for (const bad of ['abc', '99999999999999999999', '12x']) {
        it(`answers 400 VALIDATION_ERROR for flowId ${bad} on GET, PUT and DELETE`, async () => {
          assertError(await api('GET', `${prefix}/flows/${bad}`), 400, 'VALIDATION_ERROR');
          const put = { ...minimalContactFlow(), revisionId: '1' };
          delete put.objectTypeId;
          delete put.flowType;
          assertError(await api('PUT', `${prefix}/flows/${bad}`, { body: put }), 400, 'VALIDATION_ERROR');
          assertError(await api('DELETE', `${prefix}/flows/${bad}`), 400, 'VALIDATION_ERROR');
        });
      }
    });

    describe('list', () => {
      it('lists listing fields only', async () => {
        const created = await createFlow(api, prefix, fullContactFlow('listed'));
        const r = await api('GET', `${prefix}/flows`);
        assert.equal(r.status, 200);
        const mine = r.json.results.find((x) => x.id === created.id);
        assert.ok(mine, 'created flow is listed');
        for (const item of r.json.results) {
          for (const k of Object.keys(item)) assert.ok(LISTING_KEYS.has(k), `unexpected listing key ${k}`);
          assert.equal(item.actions, undefined);
        }
        assert.deepEqual(mine, {
          id: created.id, name: 'listed', isEnabled: false, flowType: 'WORKFLOW', objectTypeId: '0-1',
          revisionId: '1', createdAt: created.createdAt, updatedAt: created.updatedAt,
        });
      });

      it('validates limit: 101, 0, -1 and "abc" → 400; 100 is accepted', async () => {
        for (const limit of ['101', '0', '-1', 'abc', '1.5']) {
          assertError(await api('GET', `${prefix}/flows?limit=${limit}`), 400, 'VALIDATION_ERROR');
        }
        assert.equal((await api('GET', `${prefix}/flows?limit=100`)).status, 200);
      });

      it('pages with limit and the after cursor, omitting paging on the last page', async () => {
        const accountId = srv.createAccount('paging');
        const token = srv.createToken(accountId, { name: 'paging' });
        const papi = client(srv, token);
        const ids = [];
        for (let i = 0; i < 5; i++) ids.push((await createFlow(papi, prefix, minimalContactFlow(`p${i}`))).id);
        const seen = [];
        let after = null;
        for (let page = 0; page < 10; page++) {
          const q = after ? `?limit=2&after=${encodeURIComponent(after)}` : '?limit=2';
          const r = await papi('GET', `${prefix}/flows${q}`);
          assert.equal(r.status, 200);
          seen.push(...r.json.results.map((x) => x.id));
          if (!r.json.paging) break;
          assert.equal(r.json.results.length, 2);
          after = r.json.paging.next.after;
          assert.equal(typeof after, 'string');
        }
        assert.deepEqual([...seen].sort(), [...ids].sort(), 'every flow exactly once across pages');
        assert.equal(new Set(seen).size, seen.length, 'no duplicates across pages');
      });

      it('defaults limit to 100', async () => {
        const accountId = srv.createAccount('hundred');
        const token = srv.createToken(accountId, { name: 'hundred' });
        const papi = client(srv, token);
        const ids = await pool(101, 8, async (i) => (await createFlow(papi, prefix, minimalPlatformFlow(`h${i}`))).id);
        const first = await papi('GET', `${prefix}/flows`);
        assert.equal(first.status, 200);
        assert.equal(first.json.results.length, 100);
        assert.ok(first.json.paging?.next?.after, 'paging.next.after on a full page');
        const second = await papi('GET', `${prefix}/flows?after=${encodeURIComponent(first.json.paging.next.after)}`);
        assert.equal(second.status, 200);
        assert.equal(second.json.results.length, 1);
        assert.equal(second.json.paging, undefined, 'no paging on the last page');
        const all = [...first.json.results, ...second.json.results].map((x) => x.id).sort();
        assert.deepEqual(all, [...ids].sort());
      });
    });

    describe('update (PUT)', () => {
      it('replaces the flow, bumps revisionId, changes updatedAt, keeps createdAt; a GET body can be sent back', async () => {
        const created = await createFlow(api, prefix, fullContactFlow('before'));
        await clockPast(created.updatedAt);
        const body = putBodyFrom(created, { name: 'after', description: 'changed' });
        const r = await api('PUT', `${prefix}/flows/${created.id}`, { body });
        assert.equal(r.status, 200, r.text);
        const u = r.json;
        assert.equal(u.id, created.id);
        assert.equal(u.revisionId, '2');
        assert.equal(u.name, 'after');
        assert.equal(u.description, 'changed');
        assert.equal(u.createdAt, created.createdAt);
        assert.notEqual(u.updatedAt, created.updatedAt);
        assert.ok(Date.parse(u.updatedAt) > Date.parse(created.updatedAt), 'updatedAt moves forward');
        assert.deepEqual(u.actions, created.actions);
        assert.deepEqual(u.enrollmentCriteria, created.enrollmentCriteria);
        const g = await api('GET', `${prefix}/flows/${created.id}`);
        assert.deepEqual(g.json, u);
      });

      it('ignores read-only fields (id, createdAt, updatedAt, dataSources, nextAvailableActionId, crmObjectCreationStatus, flowType)', async () => {
        const created = await createFlow(api, prefix, fullContactFlow('readonly'));
        const body = putBodyFrom(created, {
          id: '12345', createdAt: '2001-01-01T00:00:00.000Z', updatedAt: '2001-01-01T00:00:00.000Z',
          nextAvailableActionId: '999', crmObjectCreationStatus: 'PENDING', flowType: 'ACTION_SET',
          dataSources: [{ type: 'STATIC_PROPERTY_FILTER', name: 'x', propertyName: 'email', staticValue: 'a@b.c' }],
        });
        const r = await api('PUT', `${prefix}/flows/${created.id}`, { body });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.id, created.id);
        assert.equal(r.json.createdAt, created.createdAt);
        assert.notEqual(r.json.updatedAt, '2001-01-01T00:00:00.000Z');
        assert.equal(r.json.nextAvailableActionId, '3');
        assert.equal(r.json.crmObjectCreationStatus, 'COMPLETE');
        assert.equal(r.json.flowType, 'WORKFLOW');
        assert.deepEqual(r.json.dataSources, created.dataSources);
      });

      it('ignores objectTypeId on PUT', async () => {
        const created = await createFlow(api, prefix, fullPlatformFlow('ot'));
        const r = await api('PUT', `${prefix}/flows/${created.id}`, { body: putBodyFrom(created, { objectTypeId: '0-2' }) });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.objectTypeId, '0-3');
      });

      it('clears omitted optional parts such as enrollmentCriteria', async () => {
        const created = await createFlow(api, prefix, fullContactFlow('clear'));
        const body = putBodyFrom(created);
        delete body.enrollmentCriteria;
        delete body.description;
        const r = await api('PUT', `${prefix}/flows/${created.id}`, { body });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.enrollmentCriteria, undefined);
        assert.equal(r.json.description, undefined);
        const g = await api('GET', `${prefix}/flows/${created.id}`);
        assert.equal(g.json.enrollmentCriteria, undefined);
      });

      it('answers 409 CONFLICT naming the current revision for a stale revisionId', async () => {
        const created = await createFlow(api, prefix, fullContactFlow('stale'));
        const ok = await api('PUT', `${prefix}/flows/${created.id}`, { body: putBodyFrom(created, { name: 'v2' }) });
        assert.equal(ok.status, 200);
        const stale = await api('PUT', `${prefix}/flows/${created.id}`, { body: putBodyFrom(created, { name: 'v2b' }) });
        assertError(stale, 409, 'CONFLICT');
        assert.match(stale.json.message, /\b2\b/, 'message names the current revision "2"');
        const g = await api('GET', `${prefix}/flows/${created.id}`);
        assert.equal(g.json.name, 'v2');
        assert.equal(g.json.revisionId, '2');
      });

      it('answers 400 when revisionId is missing', async () => {
        const created = await createFlow(api, prefix, fullContactFlow('norev'));
        const body = putBodyFrom(created);
        delete body.revisionId;
        assertError(await api('PUT', `${prefix}/flows/${created.id}`, { body }), 400, 'VALIDATION_ERROR');
      });

      it('lets exactly one of 10 concurrent PUTs with the same revisionId win', async () => {
        const created = await createFlow(api, prefix, fullContactFlow('race'));
        const rs = await Promise.all(Array.from({ length: 10 }, (_, i) =>
          api('PUT', `${prefix}/flows/${created.id}`, { body: putBodyFrom(created, { name: `racer ${i}` }) })));
        const statuses = rs.map((r) => r.status).sort();
        assert.deepEqual(statuses, [200, ...Array(9).fill(409)], `statuses ${statuses}`);
        const winner = rs.find((r) => r.status === 200).json;
        const g = await api('GET', `${prefix}/flows/${created.id}`);
        assert.equal(g.json.revisionId, '2');
        assert.equal(g.json.name, winner.name);
      });

      it('refuses to change the flow type (CONTACT_FLOW → PLATFORM_FLOW)', async () => {
        const created = await createFlow(api, prefix, fullContactFlow('type change'));
        const body = putBodyFrom(created, { type: 'PLATFORM_FLOW' });
        delete body.suppressionListIds;
        delete body.canEnrollFromSalesforce;
        assertError(await api('PUT', `${prefix}/flows/${created.id}`, { body }), 400, 'VALIDATION_ERROR');
      });

      it('answers 404 for an unknown id', async () => {
        const created = await createFlow(api, prefix, fullContactFlow('template'));
        const r = await api('PUT', `${prefix}/flows/987654321`, { body: putBodyFrom(created) });
        assertError(r, 404, 'OBJECT_NOT_FOUND');
      });
    });

    describe('delete', () => {
      it('answers 204 and the flow is gone afterwards', async () => {
        const created = await createFlow(api, prefix, fullContactFlow('doomed'));
        const d = await api('DELETE', `${prefix}/flows/${created.id}`);
        assert.equal(d.status, 204);
        assert.equal(d.text, '');
        assertError(await api('GET', `${prefix}/flows/${created.id}`), 404, 'OBJECT_NOT_FOUND');
        assertError(await api('DELETE', `${prefix}/flows/${created.id}`), 404, 'OBJECT_NOT_FOUND');
        assertError(await api('PUT', `${prefix}/flows/${created.id}`, { body: putBodyFrom(created) }), 404, 'OBJECT_NOT_FOUND');
        const list = await api('GET', `${prefix}/flows`);
        assert.ok(!list.json.results.some((x) => x.id === created.id), 'deleted flow is not listed');
      });

      it('answers 404 for an unknown id', async () => {
        assertError(await api('DELETE', `${prefix}/flows/987654321`), 404, 'OBJECT_NOT_FOUND');
      });
    });

  });
}
