// The same API under the date-versioned prefix /automation/2026-09-beta, plus its additions:
// flow revisions and the action-type catalogue.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crudSuite, createFlow, clockPast } from './lib/crud-suite.mjs';
import { useServer } from './lib/suite.mjs';
import { assertError } from './lib/api.mjs';
import { BETA, V4, fullContactFlow, fullPlatformFlow, putBodyFrom, ISO_RE } from './lib/fixtures.mjs';

crudSuite(BETA);

describe('2026-09-beta additions', () => {
  let api;
  useServer({ onStart: (ctx) => ({ api } = ctx) });

  describe('GET /flows/{flowId}/revisions/{revisionId}', () => {
    it('returns every stored revision; revision 1 still shows the original after a PUT', async () => {
      const created = await createFlow(api, BETA, fullContactFlow('rev original'));
      await clockPast(created.updatedAt);
      const put = await api('PUT', `${BETA}/flows/${created.id}`, { body: putBodyFrom(created, { name: 'rev changed', isEnabled: false }) });
      assert.equal(put.status, 200, put.text);

      const r1 = await api('GET', `${BETA}/flows/${created.id}/revisions/1`);
      assert.equal(r1.status, 200, r1.text);
      assert.equal(r1.json.id, created.id);
      assert.equal(r1.json.revisionId, '1');
      assert.match(r1.json.revisionCreatedAt, ISO_RE);
      assert.equal(r1.json.flow.name, 'rev original');
      assert.equal(r1.json.flow.revisionId, '1');
      assert.deepEqual(r1.json.flow.actions, created.actions);

      const r2 = await api('GET', `${BETA}/flows/${created.id}/revisions/2`);
      assert.equal(r2.status, 200, r2.text);
      assert.equal(r2.json.revisionId, '2');
      assert.equal(r2.json.flow.name, 'rev changed');
      assert.ok(Date.parse(r2.json.revisionCreatedAt) >= Date.parse(r1.json.revisionCreatedAt));
    });

    it('answers 404 for an unknown revision or flow, 400 for a malformed one', async () => {
      const created = await createFlow(api, BETA, fullPlatformFlow('rev 404'));
      assertError(await api('GET', `${BETA}/flows/${created.id}/revisions/7`), 404, 'OBJECT_NOT_FOUND');
      assertError(await api('GET', `${BETA}/flows/987654321/revisions/1`), 404, 'OBJECT_NOT_FOUND');
      assertError(await api('GET', `${BETA}/flows/abc/revisions/1`), 400, 'VALIDATION_ERROR');
    });

    it('does not serve revisions of a deleted flow', async () => {
      const created = await createFlow(api, BETA, fullPlatformFlow('rev deleted'));
      assert.equal((await api('DELETE', `${BETA}/flows/${created.id}`)).status, 204);
      assertError(await api('GET', `${BETA}/flows/${created.id}/revisions/1`), 404, 'OBJECT_NOT_FOUND');
    });

    it('sees flows created through /automation/v4 (same store)', async () => {
      const created = await createFlow(api, V4, fullContactFlow('cross prefix'));
      const r = await api('GET', `${BETA}/flows/${created.id}/revisions/1`);
      assert.equal(r.status, 200);
      assert.equal(r.json.flow.name, 'cross prefix');
    });
  });

  describe('GET /action-types', () => {
    const REQUIRED = ['0-1', '0-35', '0-3', '0-4', '0-5', '0-8', '0-9', '0-14', '0-63809083', '0-63863438'];

    it('lists the built-in catalogue', async () => {
      const r = await api('GET', `${BETA}/action-types`);
      assert.equal(r.status, 200);
      const ids = r.json.results.map((x) => x.actionTypeId);
      for (const id of REQUIRED) assert.ok(ids.includes(id), `action type ${id} is listed`);
      assert.equal(new Set(ids).size, ids.length, 'no duplicate actionTypeIds');
      for (const d of r.json.results) {
        assert.ok(d.actionName.length > 0);
        // an empty list means "every object type" (flowd's catalogue convention)
        assert.ok(Array.isArray(d.objectTypeIds), `${d.actionTypeId} objectTypeIds`);
      }
      const email = r.json.results.find((x) => x.actionTypeId === '0-4');
      assert.deepEqual(email.objectTypeIds, ['0-1'], 'marketing email applies to contacts only');
      const delay = r.json.results.find((x) => x.actionTypeId === '0-1');
      assert.ok(delay.inputFieldDefinitions.some((f) => f.name === 'delta'), '0-1 has a delta input');
      assert.ok(email.inputFieldDefinitions.some((f) => f.name === 'content_id'), '0-4 has a content_id input');
    });

    for (const objectTypeId of ['0-1', '0-3']) {
      it(`filters by objectTypeId=${objectTypeId}`, async () => {
        const all = (await api('GET', `${BETA}/action-types`)).json.results;
        const r = await api('GET', `${BETA}/action-types?objectTypeId=${objectTypeId}`);
        assert.equal(r.status, 200);
        assert.ok(r.json.results.length > 0);
        for (const d of r.json.results) {
          assert.ok(d.objectTypeIds.includes(objectTypeId), `${d.actionTypeId} applies to ${objectTypeId}`);
        }
        const applies = (d) => d.objectTypeIds.length === 0 || d.objectTypeIds.includes(objectTypeId);
        const expected = all.filter(applies).map((d) => d.actionTypeId).sort();
        assert.deepEqual(r.json.results.map((d) => d.actionTypeId).sort(), expected);
        assert.equal(r.json.results.some((d) => d.actionTypeId === '0-4'), objectTypeId === '0-1',
          'marketing email only for contacts');
        for (const id of ['0-1', '0-5', '0-3', '0-14']) {
          assert.ok(r.json.results.some((d) => d.actionTypeId === id), `${id} applies to ${objectTypeId}`);
        }
      });
    }

    it('requires authentication', async () => {
      assertError(await api('GET', `${BETA}/action-types`, { token: null }), 401, 'INVALID_AUTHENTICATION');
    });
  });
});
