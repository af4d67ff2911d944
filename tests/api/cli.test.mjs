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
});
