// POST /automation/v4/workflow-id-mappings/batch/read and GET …/flows/performance/{flowId}.
import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import { createFlow } from './lib/crud-suite.mjs';
import { useServer } from './lib/suite.mjs';
import { assertError } from './lib/api.mjs';
import { V4, BETA, fullContactFlow, fullPlatformFlow } from './lib/fixtures.mjs';

describe('workflow-id mappings', () => {
  let api;
  let a;
  let b;
  useServer({ onStart: (ctx) => ({ api } = ctx) });
  before(async () => {
    a = await createFlow(api, V4, fullContactFlow('map a'));
    b = await createFlow(api, V4, fullPlatformFlow('map b'));
  });

  for (const prefix of [V4, BETA]) {
    it(`maps flowId → workflowId and back under ${prefix}`, async () => {
      const r = await api('POST', `${prefix}/workflow-id-mappings/batch/read`,
        { body: { inputs: [{ type: 'FLOW_ID', flowId: a.id }, { type: 'FLOW_ID', flowId: b.id }] } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status, 'COMPLETE');
      assert.equal(r.json.results.length, 2);
      for (const m of r.json.results) {
        assert.equal(typeof m.flowId, 'number');
        assert.equal(typeof m.workflowId, 'number');
      }
      const ma = r.json.results.find((m) => String(m.flowId) === a.id);
      const mb = r.json.results.find((m) => String(m.flowId) === b.id);
      assert.ok(ma && mb, 'both flows mapped');
      assert.notEqual(ma.workflowId, mb.workflowId);

      const back = await api('POST', `${prefix}/workflow-id-mappings/batch/read`,
        { body: { inputs: [{ type: 'WORKFLOW_ID', workflowId: String(ma.workflowId) }] } });
      assert.equal(back.status, 200, back.text);
      assert.deepEqual(back.json.results, [{ flowId: Number(a.id), workflowId: ma.workflowId }]);

      const mixed = await api('POST', `${prefix}/workflow-id-mappings/batch/read`,
        { body: { inputs: [{ type: 'FLOW_ID', flowId: a.id }, { type: 'WORKFLOW_ID', workflowId: String(mb.workflowId) }] } });
      assert.equal(mixed.status, 200, mixed.text);
      assert.equal(mixed.json.results.length, 2);
    });
  }

  it('answers 207 for unknown ids', async () => {
    const r = await api('POST', `${V4}/workflow-id-mappings/batch/read`,
      { body: { inputs: [{ type: 'FLOW_ID', flowId: a.id }, { type: 'FLOW_ID', flowId: '987654321' }, { type: 'WORKFLOW_ID', workflowId: '2000000000' }] } });
    assert.equal(r.status, 207, r.text);
    assert.equal(r.json.results.length, 1);
    assert.equal(r.json.numErrors, r.json.errors.length);
    assert.ok(r.json.numErrors >= 1);
    for (const e of r.json.errors) assert.equal(e.category, 'OBJECT_NOT_FOUND');
  });

  it('rejects 101 inputs with 400', async () => {
    const inputs = Array.from({ length: 101 }, (_, i) => ({ type: 'FLOW_ID', flowId: String(i + 1) }));
    assertError(await api('POST', `${V4}/workflow-id-mappings/batch/read`, { body: { inputs } }), 400, 'VALIDATION_ERROR');
  });

  it('rejects malformed inputs with 400', async () => {
    for (const body of [{}, { inputs: [{ flowId: a.id }] }, { inputs: [{ type: 'NOPE', flowId: a.id }] }]) {
      assertError(await api('POST', `${V4}/workflow-id-mappings/batch/read`, { body }), 400, 'VALIDATION_ERROR');
    }
  });
});

describe('performance', () => {
  let api;
  useServer({ onStart: (ctx) => ({ api } = ctx) });

  it('answers the histogram: one data point per bucket and series, zero for a new flow', async () => {
    const f = await createFlow(api, V4, fullContactFlow('perf'));
    const now = Date.now();
    const r = await api('GET', `${V4}/flows/performance/${f.id}?bucketType=DAY&start=${now - 2 * 86_400_000}&end=${now}`);
    assert.equal(r.status, 200, r.text);
    const series = new Set(r.json.results.map((p) => p.series));
    assert.deepEqual([...series].sort(), ['ACTIONS_EXECUTED', 'COMPLETED', 'ENROLLED', 'FAILED', 'GOAL_MET', 'UNENROLLED']);
    assert.equal(r.json.results.length, 6 * 3);
    assert.ok(r.json.results.every((p) => p.frequency === 0 && /^\d{4}-\d{2}-\d{2}$/.test(p.bucket)));
  });

  it('lists every problem of a bad query with 400', async () => {
    const f = await createFlow(api, V4, fullContactFlow('perf-bad'));
    const r = await api('GET', `${V4}/flows/performance/${f.id}?bucketType=HOUR&firstDay=FUNDAY&start=x`);
    assertError(r, 400, 'VALIDATION_ERROR');
    assert.ok(r.json.errors.length >= 3, r.text);
    assertError(await api('GET', `${V4}/flows/performance/${f.id}?start=0&end=${Date.now()}`), 400, 'VALIDATION_ERROR', /buckets/);
  });

  it('answers 404 for an unknown flow and 400 for a malformed id', async () => {
    assertError(await api('GET', `${V4}/flows/performance/987654321`), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('GET', `${V4}/flows/performance/abc`), 400, 'VALIDATION_ERROR');
  });

  it('still requires authentication', async () => {
    assertError(await api('GET', `${V4}/flows/performance/1`, { token: null }), 401, 'INVALID_AUTHENTICATION');
  });
});
