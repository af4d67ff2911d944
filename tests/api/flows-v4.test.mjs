// Flows CRUD under /automation/v4, plus the /automation/v4/{flowId} aliases (DESIGN.md §4).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crudSuite, createFlow } from './lib/crud-suite.mjs';
import { startServer } from './lib/server.mjs';
import { useServer } from './lib/suite.mjs';
import { client, assertError } from './lib/api.mjs';
import { V4, fullContactFlow, putBodyFrom } from './lib/fixtures.mjs';

crudSuite(V4);

describe('aliases PUT/DELETE /automation/v4/{flowId}', () => {
  let api;
  useServer({ onStart: (ctx) => ({ api } = ctx) });

  it('PUT /automation/v4/{flowId} updates like the spec path', async () => {
    const created = await createFlow(api, V4, fullContactFlow('alias'));
    const r = await api('PUT', `${V4}/${created.id}`, { body: putBodyFrom(created, { name: 'alias v2' }) });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.revisionId, '2');
    assert.equal(r.json.name, 'alias v2');
    const g = await api('GET', `${V4}/flows/${created.id}`);
    assert.deepEqual(g.json, r.json);
    const stale = await api('PUT', `${V4}/${created.id}`, { body: putBodyFrom(created) });
    assertError(stale, 409, 'CONFLICT');
  });

  it('DELETE /automation/v4/{flowId} deletes like the spec path', async () => {
    const created = await createFlow(api, V4, fullContactFlow('alias delete'));
    const d = await api('DELETE', `${V4}/${created.id}`);
    assert.equal(d.status, 204);
    assert.equal(d.text, '');
    assertError(await api('GET', `${V4}/flows/${created.id}`), 404, 'OBJECT_NOT_FOUND');
  });

  it('answers 404 for unknown ids and 400 for non-numeric ids', async () => {
    const created = await createFlow(api, V4, fullContactFlow('alias template'));
    assertError(await api('PUT', `${V4}/987654321`, { body: putBodyFrom(created) }), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('DELETE', `${V4}/987654321`), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('DELETE', `${V4}/99999999999999999999`), 400, 'VALIDATION_ERROR');
  });
});

describe('persistence across a restart', () => {
  it('serves the same flows after SIGTERM and a new serve on the same database', async () => {
    const srv = await startServer();
    try {
      const api = client(srv);
      const created = await createFlow(api, V4, fullContactFlow('durable'));
      const put = await api('PUT', `${V4}/flows/${created.id}`, { body: putBodyFrom(created, { name: 'durable v2' }) });
      assert.equal(put.status, 200);
      await srv.stop({ keepDir: true });
      await srv.serve();
      const again = client(srv);
      const g = await again('GET', `${V4}/flows/${created.id}`);
      assert.equal(g.status, 200);
      assert.deepEqual(g.json, put.json);
      const next = await createFlow(again, V4, fullContactFlow('after restart'));
      assert.notEqual(next.id, created.id, 'ids are not reused after a restart');
    } finally {
      await srv.stop();
    }
  });
});
