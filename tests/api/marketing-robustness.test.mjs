// No input makes the forms, marketing-email, submission or event endpoints answer 5xx:
// deterministic mutations of valid bodies go through the real HTTP path, and every accepted
// form or email round-trips (GET returns it; sending the GET body back is accepted).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/suite.mjs';
import { mutate, rng } from './lib/mutate.mjs';
import { contactForm } from './lib/forms-fixtures.mjs';

const email = {
  name: 'Robust', subject: 'Hi {{ contact.firstname }}', from: { fromName: 'T', replyTo: 't@example.com' },
  to: { contactIlsLists: { include: ['1'], exclude: [] } }, state: 'DRAFT', language: 'en', publishDate: '2024-01-01T00:00:00Z',
  content: { widgets: { a: { order: 1, body: { html: '<p>x</p>' } } }, styleSettings: { headingOneFont: { size: 20 } } },
  webversion: { enabled: true, expiresAt: '2030-01-01T00:00:00Z' },
};

describe('robustness: forms, emails, submissions, events never answer 5xx', () => {
  let srv; let api;
  useServer({ scopes: ['forms', 'content', 'analytics.behavioral_events.send', 'crm.objects.contacts.write'],
    onStart: (ctx) => ({ srv, api } = ctx) });

  it('form definitions', async () => {
    const random = rng(1);
    const base = (await api('POST', '/marketing/v3/forms', { body: contactForm })).json;
    let accepted = 0;
    for (let i = 0; i < 300; i++) {
      const body = mutate(contactForm, random);
      const r = await api('POST', '/marketing/v3/forms', { body });
      assert.ok(r.status === 201 || r.status === 400, `#${i} ${r.status} ${r.text.slice(0, 300)}\n${JSON.stringify(body).slice(0, 500)}`);
      if (r.status === 201) {
        accepted++;
        const g = await api('GET', `/marketing/v3/forms/${r.json.id}`);
        assert.deepEqual(g.json, r.json);
        const put = await api('PUT', `/marketing/v3/forms/${r.json.id}`, { body: g.json });
        assert.equal(put.status, 200, `#${i} PUT of the GET body: ${put.text.slice(0, 300)}`);
      }
      const p = await api('PATCH', `/marketing/v3/forms/${base.id}`, { body: mutate({ name: 'x', configuration: base.configuration, fieldGroups: base.fieldGroups }, random) });
      assert.ok(p.status === 200 || p.status === 400, `#${i} PATCH ${p.status} ${p.text.slice(0, 300)}`);
    }
    assert.ok(accepted > 0, 'some mutations are still valid');
  });

  it('marketing emails', async () => {
    const random = rng(2);
    const base = (await api('POST', '/marketing/v3/emails', { body: email })).json;
    for (let i = 0; i < 300; i++) {
      const body = mutate(email, random);
      const r = await api('POST', '/marketing/v3/emails', { body });
      assert.ok(r.status === 201 || r.status === 400, `#${i} ${r.status} ${r.text.slice(0, 300)}`);
      if (r.status === 201) {
        const g = await api('GET', `/marketing/v3/emails/${r.json.id}`);
        assert.deepEqual(g.json, r.json);
        const back = await api('PATCH', `/marketing/v3/emails/${r.json.id}`, { body: g.json });
        assert.equal(back.status, 200, `#${i} PATCH of the GET body: ${back.text.slice(0, 300)}`);
      }
      const p = await api('PATCH', `/marketing/v3/emails/${base.id}`, { body: mutate(email, random) });
      assert.ok(p.status === 200 || p.status === 400, `#${i} PATCH ${p.status} ${p.text.slice(0, 300)}`);
      const c = await api('POST', '/marketing/v3/emails/clone', { body: mutate({ id: base.id, cloneName: 'c', language: 'de' }, random) });
      assert.ok([200, 400, 404].includes(c.status), `#${i} clone ${c.status} ${c.text.slice(0, 300)}`);
    }
  });

  it('submissions and events', async () => {
    const random = rng(3);
    const form = (await api('POST', '/marketing/v3/forms', { body: contactForm })).json;
    const submission = { fields: [{ objectTypeId: '0-1', name: 'email', value: 'r@example.com' }, { name: 'firstname', value: 'R' },
      { name: 'lifecyclestage', value: 'lead' }], context: { pageUri: 'https://x', hutk: 'h' }, submittedAt: 1700000000000,
    legalConsentOptions: { consent: {} } };
    // 55 stays within one address's 60 a minute.
    for (let i = 0; i < 55; i++) {
      const r = await api('POST', `/submissions/v3/integration/submit/${srv.accountId}/${form.id}`, { token: null, body: mutate(submission, random) });
      assert.ok([200, 400, 413].includes(r.status), `#${i} ${r.status} ${r.text.slice(0, 300)}`);
    }
    const event = { eventName: 'pe1_x', email: 'r@example.com', objectId: '1', utk: 'h', uuid: 'u', occurredAt: '2024-01-01T00:00:00Z', properties: { a: 'b' } };
    for (let i = 0; i < 300; i++) {
      const r = await api('POST', '/events/v3/send', { body: mutate(event, random) });
      assert.ok([204, 400].includes(r.status), `#${i} ${r.status} ${r.text.slice(0, 300)}`);
      const b = await api('POST', '/events/v3/send/batch', { body: mutate({ inputs: [event, event] }, random) });
      assert.ok([204, 400].includes(b.status), `#${i} batch ${b.status} ${b.text.slice(0, 300)}`);
    }
  });
});
