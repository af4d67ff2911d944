// No input makes flowd answer 5xx: every seed of the decoder's fuzz corpus, and thousands of
// deterministic mutations of the valid ones, go through the real HTTP path (create, and PUT
// onto an existing flow). Every 201/200 must round-trip: GET returns it and a PUT of the GET
// body is accepted.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { useServer } from './lib/suite.mjs';

const FLOWS = '/automation/v4/flows';
const corpusDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fuzz/corpus');
const seeds = readdirSync(corpusDir).sort().map((f) => ({ name: f, bytes: readFileSync(path.join(corpusDir, f)) }));

// Small deterministic PRNG (mulberry32) so that a failure reproduces.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_VALUES = [null, true, 0, -1, 1.5, 1e300, 2 ** 31, -(2 ** 63), 9007199254740993, '', 'x'.repeat(70000),
  '0-1', 'GOTO', 'STANDARD', [], {}, [null], { type: 'STATIC_VALUE' }, '\u0000', '💥'];

// Every [container, key] pair of a JSON value.
function slots(value, out = []) {
  if (Array.isArray(value)) {
    value.forEach((v, i) => { out.push([value, i]); slots(v, out); });
  } else if (value && typeof value === 'object') {
    for (const k of Object.keys(value)) { out.push([value, k]); slots(value[k], out); }
  }
  return out;
}

function mutate(body, random) {
  const copy = structuredClone(body);
  const all = slots(copy);
  if (all.length === 0) return copy;
  const n = 1 + Math.floor(random() * 3);
  for (let i = 0; i < n; i++) {
    const [container, key] = all[Math.floor(random() * all.length)];
    const r = random();
    if (r < 0.3) {
      if (Array.isArray(container)) container.splice(key, 1); else delete container[key];
    } else {
      container[key] = structuredClone(ODD_VALUES[Math.floor(random() * ODD_VALUES.length)]);
    }
  }
  return copy;
}

describe('robustness: no input answers 5xx', () => {
  let api;
  useServer({ onStart: (ctx) => ({ api } = ctx) });

  async function roundTrip(created) {
    const got = await api('GET', `${FLOWS}/${created.id}`);
    assert.equal(got.status, 200);
    // The GET text as it is (JSON.parse would round int64 values such as datasetId).
    const put = await api('PUT', `${FLOWS}/${created.id}`, { body: got.text });
    assert.equal(put.status, 200, `PUT of the GET body: ${put.text.slice(0, 300)}`);
  }

  it('answers every fuzz-corpus seed with 201 or 400', async () => {
    for (const seed of seeds) {
      const r = await api('POST', FLOWS, { body: seed.bytes });
      assert.ok(r.status === 201 || r.status === 400, `${seed.name} → ${r.status} ${r.text.slice(0, 300)}`);
      if (r.status === 201) await roundTrip(r.json);
    }
  });

  it('answers 2,000 mutations of the valid seeds with 2xx or 4xx, on create and on PUT', async () => {
    const valid = [];
    for (const seed of seeds) {
      try {
        const body = JSON.parse(seed.bytes.toString('utf8'));
        const r = await api('POST', FLOWS, { body });
        if (r.status === 201) valid.push({ name: seed.name, body, id: r.json.id });
      } catch { /* not JSON: covered above */ }
    }
    assert.ok(valid.length >= 5, `valid seeds: ${valid.length}`);
    const random = rng(20261126);
    for (let i = 0; i < 2000; i++) {
      const seed = valid[i % valid.length];
      const body = mutate(seed.body, random);
      const created = await api('POST', FLOWS, { body });
      assert.ok(created.status === 201 || created.status === 400,
        `mutation ${i} of ${seed.name} on create → ${created.status}: ${created.text.slice(0, 300)}\n${JSON.stringify(body).slice(0, 2000)}`);
      if (created.status === 201 && i % 10 === 0) await roundTrip(created.json);
      const current = await api('GET', `${FLOWS}/${seed.id}`);
      const putBody = { ...body, revisionId: current.json.revisionId };
      const put = await api('PUT', `${FLOWS}/${seed.id}`, { body: putBody });
      assert.ok([200, 400, 409].includes(put.status),
        `mutation ${i} of ${seed.name} on PUT → ${put.status}: ${put.text.slice(0, 300)}`);
    }
  });
});
