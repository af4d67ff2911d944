// POST /automation/v4/flows/batch/read (and the beta twin).
import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import { createFlow } from './lib/crud-suite.mjs';
import { useServer } from './lib/suite.mjs';
import { assertError } from './lib/api.mjs';
import { V4, BETA, fullContactFlow, fullPlatformFlow, ISO_RE } from './lib/fixtures.mjs';

const ids = (inputs) => ({ inputs: inputs.map((flowId) => ({ flowId, type: 'FLOW_ID' })) });

for (const prefix of [V4, BETA]) {
  describe(`batch read under ${prefix}`, () => {
    let api;
    let a;
    let b;
    useServer({ onStart: (ctx) => ({ api } = ctx) });
    before(async () => {
      a = await createFlow(api, prefix, fullContactFlow('batch a'));
      b = await createFlow(api, prefix, fullPlatformFlow('batch b'));
    });

    it('returns 200 COMPLETE with full flows', async () => {
      const r = await api('POST', `${prefix}/flows/batch/read`, { body: ids([a.id, b.id]) });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status, 'COMPLETE');
      assert.match(r.json.startedAt, ISO_RE);
      assert.match(r.json.completedAt, ISO_RE);
      assert.ok(Date.parse(r.json.completedAt) >= Date.parse(r.json.startedAt));
      assert.equal(r.json.numErrors, undefined);
      const byId = Object.fromEntries(r.json.results.map((f) => [f.id, f]));
      assert.deepEqual(Object.keys(byId).sort(), [a.id, b.id].sort());
      assert.deepEqual(byId[a.id], a);
      assert.deepEqual(byId[b.id], b);
    });

    it('returns 207 with numErrors and StandardError entries for unknown ids', async () => {
      const r = await api('POST', `${prefix}/flows/batch/read`, { body: ids([a.id, '987654321', '987654322']) });
      assert.equal(r.status, 207, r.text);
      assert.equal(r.json.status, 'COMPLETE');
      assert.deepEqual(r.json.results.map((f) => f.id), [a.id]);
      assert.equal(r.json.numErrors, r.json.errors.length);
      assert.ok(r.json.numErrors >= 1);
      const missing = new Set();
      for (const e of r.json.errors) {
        assert.equal(e.category, 'OBJECT_NOT_FOUND');
        assert.equal(typeof e.status, 'string');
        assert.equal(typeof e.message, 'string');
        assert.ok(Array.isArray(e.errors));
        assert.equal(typeof e.links, 'object');
        for (const id of e.context.ids ?? []) missing.add(id);
      }
      assert.deepEqual([...missing].sort(), ['987654321', '987654322']);
    });

    it('answers 207 with no results when nothing is found', async () => {
      const r = await api('POST', `${prefix}/flows/batch/read`, { body: ids(['987654329']) });
      assert.equal(r.status, 207, r.text);
      assert.deepEqual(r.json.results, []);
      assert.equal(r.json.numErrors, 1);
    });

    it('rejects 101 inputs with 400', async () => {
      const many = Array.from({ length: 101 }, (_, i) => String(1000 + i));
      assertError(await api('POST', `${prefix}/flows/batch/read`, { body: ids(many) }), 400, 'VALIDATION_ERROR');
    });

    it('accepts 100 inputs', async () => {
      const many = [a.id, ...Array.from({ length: 99 }, (_, i) => String(900000 + i))];
      const r = await api('POST', `${prefix}/flows/batch/read`, { body: ids(many) });
      assert.equal(r.status, 207);
      assert.equal(r.json.results.length, 1);
    });

    it('rejects {inputs:[{id}]} and other malformed inputs with 400', async () => {
      for (const body of [
        { inputs: [{ id: a.id }] },
        { inputs: [{ flowId: a.id }] },
        { inputs: [{ flowId: a.id, type: 'WORKFLOW_ID' }] },
        { inputs: 'x' },
        {},
      ]) {
        const r = await api('POST', `${prefix}/flows/batch/read`, { body });
        assertError(r, 400, 'VALIDATION_ERROR', undefined);
      }
    });
  });
}
