// The flowd command line: help, version, usage errors, and the admin commands the harness uses.
import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFlowd } from './lib/server.mjs';

describe('flowd CLI', () => {
  let dir;
  let db;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowd-cli-'));
    db = `sqlite:${join(dir, 'flowd.db')}`;
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('--help exits 0 and describes the commands', () => {
    const r = runFlowd(['--help']);
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout + r.stderr;
    for (const cmd of ['serve', 'migrate', 'token', 'account']) assert.match(out, new RegExp(cmd), `--help mentions ${cmd}`);
  });

  it('--version exits 0 and prints a version', () => {
    const r = runFlowd(['--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\d+\.\d+/);
  });

  it('an unknown flag exits 2 with a usage line on stderr', () => {
    const r = runFlowd(['--no-such-flag']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /usage/i);
  });

  it('an unknown flag on a subcommand exits 2', () => {
    const r = runFlowd(['serve', '--no-such-flag']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /usage/i);
  });

  it('an unknown command fails with usage on stderr', () => {
    const r = runFlowd(['frobnicate']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /usage/i);
  });

  it('migrate is idempotent; account create prints a decimal id', () => {
    assert.equal(runFlowd(['migrate', '--db', db]).code, 0);
    const again = runFlowd(['migrate', '--db', db]);
    assert.equal(again.code, 0, again.stderr);
    const a = runFlowd(['account', 'create', '--db', db, '--name', 'cli']);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout.trim(), /^\d+$/);
    const b = runFlowd(['account', 'create', '--db', db, '--name', 'cli2']);
    assert.notEqual(b.stdout.trim(), a.stdout.trim());
  });

  it('token create without --account exits 2', () => {
    runFlowd(['migrate', '--db', db]);
    const r = runFlowd(['token', 'create', '--db', db, '--scopes', 'automation']);
    assert.equal(r.code, 2);
    assert.ok(r.stderr.length > 0);
    assert.equal(r.stdout.trim(), '', 'no token printed');
  });

  it('token create/list/revoke round trip; list never shows the token', () => {
    runFlowd(['migrate', '--db', db]);
    const account = runFlowd(['account', 'create', '--db', db, '--name', 'tokens']).stdout.trim();
    const t = runFlowd(['token', 'create', '--db', db, '--account', account, '--scopes', 'automation,crm.objects.contacts.read', '--name', 'cli-token']);
    assert.equal(t.code, 0, t.stderr);
    const token = t.stdout.trim();
    assert.ok(token.length >= 20, 'a token long enough to be a secret');
    const list = runFlowd(['token', 'list', '--db', db]);
    assert.equal(list.code, 0, list.stderr);
    assert.ok(!list.stdout.includes(token));
    const entries = list.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const e = entries.find((x) => x.name === 'cli-token');
    assert.ok(e);
    assert.equal(String(e.accountId), account);
    assert.deepEqual([...e.scopes].sort(), ['automation', 'crm.objects.contacts.read']);
    assert.equal(e.revoked, false);
    const rv = runFlowd(['token', 'revoke', '--db', db, String(e.id)]);
    assert.equal(rv.code, 0, rv.stderr);
    const after = runFlowd(['token', 'list', '--db', db]).stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    assert.equal(after.find((x) => x.id === e.id).revoked, true);
  });

  it('token create refuses a malformed --rate-limit', () => {
    runFlowd(['migrate', '--db', db]);
    const account = runFlowd(['account', 'create', '--db', db, '--name', 'rl']).stdout.trim();
    const r = runFlowd(['token', 'create', '--db', db, '--account', account, '--scopes', 'automation', '--rate-limit', 'lots']);
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout.trim(), '');
  });

  it('secret set/list/delete: value from stdin or --value, never printed', () => {
    runFlowd(['migrate', '--db', db]);
    const account = runFlowd(['account', 'create', '--db', db, '--name', 'secrets']).stdout.trim();
    const set = runFlowd(['secret', 'set', '--db', db, '--account', account, 'API_KEY'], { input: 'from-stdin-value\n' });
    assert.equal(set.code, 0, set.stderr);
    assert.equal(set.stdout, '');
    assert.ok(!set.stderr.includes('from-stdin-value'));
    const other = runFlowd(['secret', 'set', '--db', db, '--account', account, '--value', 'flag-value', 'OTHER_1']);
    assert.equal(other.code, 0, other.stderr);
    const list = runFlowd(['secret', 'list', '--db', db, '--account', account]);
    assert.equal(list.code, 0, list.stderr);
    assert.ok(!list.stdout.includes('from-stdin-value') && !list.stdout.includes('flag-value'));
    const entries = list.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    assert.deepEqual(entries.map((e) => e.name), ['API_KEY', 'OTHER_1']);
    for (const e of entries) {
      assert.deepEqual(Object.keys(e).sort(), ['createdAt', 'name', 'updatedAt']);
      assert.match(e.createdAt, /^\d{4}-\d{2}-\d{2}T/);
    }
    const del = runFlowd(['secret', 'delete', '--db', db, '--account', account, 'API_KEY']);
    assert.equal(del.code, 0, del.stderr);
    const again = runFlowd(['secret', 'delete', '--db', db, '--account', account, 'API_KEY']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /not found/i);
    const left = runFlowd(['secret', 'list', '--db', db, '--account', account]).stdout.split('\n').filter(Boolean);
    assert.equal(left.length, 1);
  });

  it('secret set refuses bad names and empty values (1) and missing arguments (2)', () => {
    runFlowd(['migrate', '--db', db]);
    const account = runFlowd(['account', 'create', '--db', db, '--name', 'bad-secrets']).stdout.trim();
    const bad = runFlowd(['secret', 'set', '--db', db, '--account', account, '--value', 'v', '1-bad']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /secret name/);
    const empty = runFlowd(['secret', 'set', '--db', db, '--account', account, 'EMPTY'], { input: '' });
    assert.equal(empty.code, 1);
    const noName = runFlowd(['secret', 'set', '--db', db, '--account', account]);
    assert.equal(noName.code, 2);
    const noAccount = runFlowd(['secret', 'list', '--db', db]);
    assert.equal(noAccount.code, 2);
    const unknown = runFlowd(['secret', 'list', '--db', db, '--account', '999']);
    assert.equal(unknown.code, 1);
  });
});
