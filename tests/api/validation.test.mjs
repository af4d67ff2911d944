// Request validation: malformed JSON, schema violations, graph rules, draft vs enabled flows,
// size limits — and the shape of every error body (checked by lib/api.mjs on each response).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFlow } from './lib/crud-suite.mjs';
import { useServer } from './lib/suite.mjs';
import { assertError, assertErrorConvention } from './lib/api.mjs';
import { RawConnection } from './lib/raw.mjs';
import { V4, fullContactFlow, minimalContactFlow, minimalPlatformFlow, delayAction, propertyFilterBranch, putBodyFrom } from './lib/fixtures.mjs';

const FLOWS = `${V4}/flows`;

function inPaths(r) {
  return (r.json?.errors ?? []).map((e) => e.in);
}

function listBranchFlow(n) {
  const body = fullContactFlow(`list branches ${n}`);
  body.actions = [{
    type: 'LIST_BRANCH', actionId: '1',
    listBranches: Array.from({ length: n }, (_, i) => ({ branchName: `b${i}`, filterBranch: propertyFilterBranch('lifecyclestage', [`s${i}`]) })),
    defaultBranchName: 'none',
  }];
  body.startActionId = '1';
  return body;
}

function staticBranchFlow(n) {
  const body = fullContactFlow(`static branches ${n}`);
  body.actions = [{
    type: 'STATIC_BRANCH', actionId: '1',
    inputValue: { type: 'OBJECT_PROPERTY', propertyName: 'lifecyclestage' },
    staticBranches: Array.from({ length: n }, (_, i) => ({ branchValue: `v${i}` })),
  }];
  body.startActionId = '1';
  return body;
}

describe('validation', () => {
  let srv;
  let api;
  useServer({ onStart: (ctx) => ({ srv, api } = ctx) });

  describe('malformed JSON', () => {
    it('answers 400 "Invalid input JSON" for broken JSON', async () => {
      for (const body of ['{"name": ', '{"name":"x"} trailing', '', 'nul', "{'name':'x'}", '{"a":1,}']) {
        const r = await api('POST', FLOWS, { body });
        assertError(r, 400, 'VALIDATION_ERROR', /Invalid input JSON/);
      }
    });

    it('answers 400 for a JSON value that is not an object', async () => {
      for (const body of ['[]', '"flow"', '42', 'null']) {
        assertError(await api('POST', FLOWS, { body }), 400, 'VALIDATION_ERROR');
      }
    });

    it('answers 400 for duplicate keys', async () => {
      const body = '{"type":"CONTACT_FLOW","type":"PLATFORM_FLOW","name":"dup","flowType":"WORKFLOW","isEnabled":false,"objectTypeId":"0-1","actions":[]}';
      assertError(await api('POST', FLOWS, { body }), 400, 'VALIDATION_ERROR');
      const nested = '{"type":"CONTACT_FLOW","name":"dup","flowType":"WORKFLOW","isEnabled":false,"objectTypeId":"0-1","actions":[],"customProperties":{"a":"1","a":"2"}}';
      assertError(await api('POST', FLOWS, { body: nested }), 400, 'VALIDATION_ERROR');
    });

    it('answers 400 for invalid UTF-8', async () => {
      const body = Buffer.concat([
        Buffer.from('{"name":"bad '), Buffer.from([0xff, 0xfe, 0xc3]),
        Buffer.from('","type":"CONTACT_FLOW","flowType":"WORKFLOW","isEnabled":false,"objectTypeId":"0-1","actions":[]}'),
      ]);
      assertError(await api('POST', FLOWS, { body }), 400, 'VALIDATION_ERROR');
    });

    it('answers 400 for nesting 200 levels deep', async () => {
      const deep = '{"a":'.repeat(200) + '1' + '}'.repeat(200);
      const body = `{"name":"deep","type":"CONTACT_FLOW","flowType":"WORKFLOW","isEnabled":false,"objectTypeId":"0-1","actions":[],"customProperties":${deep}}`;
      assertError(await api('POST', FLOWS, { body }), 400, 'VALIDATION_ERROR');
      const arrays = '['.repeat(200) + ']'.repeat(200);
      assertError(await api('POST', FLOWS, { body: arrays }), 400, 'VALIDATION_ERROR');
    });

    it('answers 400 for broken JSON on PUT and batch read', async () => {
      const f = await createFlow(api, V4, minimalContactFlow('put json'));
      assertError(await api('PUT', `${FLOWS}/${f.id}`, { body: '{"revisionId":' }), 400, 'VALIDATION_ERROR', /Invalid input JSON/);
      assertError(await api('POST', `${FLOWS}/batch/read`, { body: '{"inputs":[' }), 400, 'VALIDATION_ERROR', /Invalid input JSON/);
    });
  });

  describe('schema', () => {
    it('answers 400 naming `type` when it is missing', async () => {
      const body = minimalContactFlow('no type');
      delete body.type;
      const r = await api('POST', FLOWS, { body });
      assertError(r, 400, 'VALIDATION_ERROR');
      assert.ok(inPaths(r).includes('type'), `errors[].in must include "type": ${JSON.stringify(r.json.errors)}`);
    });

    for (const field of ['objectTypeId', 'flowType', 'isEnabled', 'actions']) {
      it(`answers 400 naming \`${field}\` when it is missing on create`, async () => {
        const body = minimalContactFlow(`no ${field}`);
        delete body[field];
        const r = await api('POST', FLOWS, { body });
        assertError(r, 400, 'VALIDATION_ERROR');
        assert.ok(inPaths(r).includes(field), JSON.stringify(r.json.errors));
      });
    }

    it('answers 400 when isEnabled is missing on PUT, and for a non-string revisionId', async () => {
      const f = await createFlow(api, V4, fullContactFlow('put required'));
      const body = putBodyFrom(f);
      delete body.isEnabled;
      assertError(await api('PUT', `${FLOWS}/${f.id}`, { body }), 400, 'VALIDATION_ERROR');
      assertError(await api('PUT', `${FLOWS}/${f.id}`, { body: putBodyFrom(f, { revisionId: 1 }) }), 400, 'VALIDATION_ERROR');
      assertError(await api('PUT', `${FLOWS}/${f.id}`, { body: putBodyFrom(f, { revisionId: 'abc' }) }), 400, 'VALIDATION_ERROR');
    });

    it('answers 409 CONFLICT for a uuid already used in the account', async () => {
      const body = { ...fullContactFlow('uuid one'), uuid: 'shared-uuid' };
      assert.equal((await api('POST', FLOWS, { body })).status, 201);
      assertError(await api('POST', FLOWS, { body: { ...body, name: 'uuid two' } }), 409, 'CONFLICT');
    });

    it('answers 400 for an unknown flow type tag', async () => {
      assertError(await api('POST', FLOWS, { body: { ...minimalContactFlow(), type: 'WORKFLOW_FLOW' } }), 400, 'VALIDATION_ERROR');
    });

    it('refuses PLATFORM_FLOW with 0-1 and CONTACT_FLOW with 0-3', async () => {
      assertError(await api('POST', FLOWS, { body: minimalPlatformFlow('p', '0-1') }), 400, 'VALIDATION_ERROR');
      assertError(await api('POST', FLOWS, { body: { ...minimalContactFlow('c'), objectTypeId: '0-3' } }), 400, 'VALIDATION_ERROR');
    });

    it('answers 400 for wrong JSON types of known fields', async () => {
      for (const change of [{ name: 42 }, { isEnabled: 'yes' }, { actions: {} }, { customProperties: { a: 1 } }, { timeWindows: 'never' }]) {
        const r = await api('POST', FLOWS, { body: { ...minimalContactFlow('types'), ...change } });
        assertError(r, 400, 'VALIDATION_ERROR');
        const field = Object.keys(change)[0];
        assert.ok(inPaths(r).some((p) => p?.startsWith(field)), `errors[].in names ${field}: ${JSON.stringify(r.json.errors)}`);
      }
    });

    it('names a connection whose nextActionId does not exist', async () => {
      const body = fullContactFlow('dangling');
      body.actions = [delayAction('1', '2'), delayAction('2', '99')];
      const r = await api('POST', FLOWS, { body });
      assertError(r, 400, 'VALIDATION_ERROR');
      assert.ok(inPaths(r).includes('actions[1].connection.nextActionId'), JSON.stringify(r.json.errors));
    });

    it('reports a schema problem and a graph problem together', async () => {
      const body = fullContactFlow('two problems');
      body.timeWindows = [{ day: 'FUNDAY' }];
      body.actions = [delayAction('1', '2'), delayAction('2', '99')];
      const r = await api('POST', FLOWS, { body });
      assertError(r, 400, 'VALIDATION_ERROR');
      assert.deepEqual(inPaths(r).sort(), ['actions[1].connection.nextActionId', 'timeWindows[0].day']);
    });

    it('reports several problems at once, one errors[] entry each with its path', async () => {
      const body = fullContactFlow('many problems');
      body.timeWindows = [{ day: 'FUNDAY' }];
      body.actions = [
        delayAction('1', '2'),
        delayAction('2', '99'),
        { type: 'NOT_AN_ACTION', actionId: '3' },
      ];
      const r = await api('POST', FLOWS, { body });
      assertError(r, 400, 'VALIDATION_ERROR');
      const paths = inPaths(r);
      assert.ok(paths.includes('timeWindows[0].day'), `timeWindows[0].day in ${JSON.stringify(paths)}`);
      assert.ok(paths.includes('actions[1].connection.nextActionId'), `actions[1].connection.nextActionId in ${JSON.stringify(paths)}`);
      assert.ok(paths.some((p) => p?.startsWith('actions[2]')), `actions[2]… in ${JSON.stringify(paths)}`);
      assert.ok(r.json.errors.length >= 3);
      for (const e of r.json.errors) assert.equal(typeof e.message, 'string');
    });

    it('refuses int32 overflow in suppressionListIds', async () => {
      const r = await api('POST', FLOWS, { body: { ...fullContactFlow('overflow'), suppressionListIds: [3000000000] } });
      assertError(r, 400, 'VALIDATION_ERROR');
      const ok = await api('POST', FLOWS, { body: { ...fullContactFlow('in range'), suppressionListIds: [2147483647, 7] } });
      assert.equal(ok.status, 201, ok.text);
      assert.deepEqual(ok.json.suppressionListIds, [2147483647, 7]);
    });
  });

  describe('action graph', () => {
    it('refuses duplicate actionIds', async () => {
      const body = fullContactFlow('dup ids');
      body.actions = [delayAction('1', '2'), delayAction('2'), delayAction('2')];
      assertError(await api('POST', FLOWS, { body }), 400, 'VALIDATION_ERROR');
    });

    it('refuses a cycle of STANDARD edges', async () => {
      const body = fullContactFlow('cycle');
      body.actions = [delayAction('1', '2'), delayAction('2', '3'), delayAction('3', '1')];
      assertError(await api('POST', FLOWS, { body }), 400, 'VALIDATION_ERROR');
    });

    it('refuses a startActionId that does not exist', async () => {
      const body = fullContactFlow('bad start');
      body.startActionId = '42';
      assertError(await api('POST', FLOWS, { body }), 400, 'VALIDATION_ERROR');
    });

    it('accepts 20 list branches and refuses 21', async () => {
      const ok = await api('POST', FLOWS, { body: listBranchFlow(20) });
      assert.equal(ok.status, 201, ok.text);
      assertError(await api('POST', FLOWS, { body: listBranchFlow(21) }), 400, 'VALIDATION_ERROR');
    });

    it('accepts 250 static branches and refuses 251', async () => {
      const ok = await api('POST', FLOWS, { body: staticBranchFlow(250) });
      assert.equal(ok.status, 201, ok.text);
      assertError(await api('POST', FLOWS, { body: staticBranchFlow(251) }), 400, 'VALIDATION_ERROR');
    });
  });

  describe('drafts and enabling', () => {
    function noDelta(isEnabled) {
      const body = fullContactFlow(`no delta ${isEnabled}`);
      body.isEnabled = isEnabled;
      body.actions = [{ type: 'SINGLE_CONNECTION', actionId: '1', actionTypeId: '0-1', actionTypeVersion: 0, fields: { time_unit: 'MINUTES' } }];
      body.startActionId = '1';
      return body;
    }

    it('creates a complete flow enabled', async () => {
      const r = await api('POST', FLOWS, { body: { ...fullContactFlow('enabled ok'), isEnabled: true } });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.isEnabled, true);
    });

    it('refuses to enable a flow whose 0-1 delay lacks delta, naming actions[0].fields.delta', async () => {
      const r = await api('POST', FLOWS, { body: noDelta(true) });
      assertError(r, 400, 'VALIDATION_ERROR');
      assert.ok(inPaths(r).includes('actions[0].fields.delta'), JSON.stringify(r.json.errors));
    });

    it('saves the same flow disabled as a draft, then refuses PUT isEnabled:true', async () => {
      const c = await api('POST', FLOWS, { body: noDelta(false) });
      assert.equal(c.status, 201, c.text);
      const r = await api('PUT', `${FLOWS}/${c.json.id}`, { body: putBodyFrom(c.json, { isEnabled: true }) });
      assertError(r, 400, 'VALIDATION_ERROR');
      assert.ok(inPaths(r).includes('actions[0].fields.delta'), JSON.stringify(r.json.errors));
      const g = await api('GET', `${FLOWS}/${c.json.id}`);
      assert.equal(g.json.isEnabled, false);
      assert.equal(g.json.revisionId, '1', 'a refused PUT stores nothing');
      const fixed = putBodyFrom(c.json, { isEnabled: true });
      fixed.actions[0].fields.delta = '60';
      const ok = await api('PUT', `${FLOWS}/${c.json.id}`, { body: fixed });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.json.isEnabled, true);
    });
  });

  describe('transfer encodings', () => {
    it('accepts a chunked request body', async () => {
      const json = JSON.stringify(minimalContactFlow('chunked'));
      const half = Math.floor(json.length / 2);
      const chunk = (s) => `${s.length.toString(16)}\r\n${s}\r\n`;
      const c = await RawConnection.open(srv.port);
      try {
        await c.write(`POST ${FLOWS} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${srv.token}\r\n` +
          `Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunk(json.slice(0, half))}${chunk(json.slice(half))}0\r\n\r\n`);
        const r = await c.readResponse();
        assert.equal(r.status, 201, r.body);
        assert.equal(r.json.name, 'chunked');
      } finally {
        c.close();
      }
    });
  });

  describe('size limits', () => {
    it('answers 413 for a body of 10 MiB + 1', async () => {
      const size = 10 * 1024 * 1024 + 1;
      const prefix = '{"name":"';
      const suffix = '","type":"CONTACT_FLOW","flowType":"WORKFLOW","isEnabled":false,"objectTypeId":"0-1","actions":[]}';
      const body = Buffer.alloc(size, 'a');
      body.write(prefix, 0);
      body.write(suffix, size - suffix.length);
      const c = await RawConnection.open(srv.port);
      try {
        await c.write(`POST ${FLOWS} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${srv.token}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`);
        c.write(body); // may fail part-way: the server is allowed to answer before reading it all
        const r = await c.readResponse(20_000);
        assert.equal(r.status, 413, `${r.statusLine} ${r.body.slice(0, 300)}`);
        if (r.json) {
          assertErrorConvention({ json: r.json, text: r.body, headers: new Headers(r.headers) }, '413');
        }
      } finally {
        c.close();
      }
      // the server is still fine
      assert.equal((await api('GET', FLOWS)).status, 200);
    });
  });
});
