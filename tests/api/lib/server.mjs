// Starts the real flowd binary on a loopback port for one test file.
//
//   const srv = await startServer();          // migrate, account A, token, serve, wait for /healthz
//   srv.baseUrl, srv.token, srv.accountId      // ready to use
//   srv.createAccount('B'), srv.createToken(accountId, {scopes, name, rateLimit})
//   srv.cli(['token', 'list']) → {code, stdout, stderr}   (adds --db for commands that need it)
//   await srv.stop()                           // SIGTERM, asserts exit code 0 and no token in logs
//   startServer({dbUrl: 'postgres://…'}), startPeer(srv)   // several processes on one database
//
// FLOWD_BIN overrides the binary (default: build/release/flowd under the repository root).
// Every wait is bounded; nothing sleeps to synchronise except short polls with a deadline.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, isAbsolute } from 'node:path';
import { repoRoot } from './paths.mjs';

export function flowdBin() {
  const bin = process.env.FLOWD_BIN || 'build/release/flowd';
  return isAbsolute(bin) ? bin : resolve(repoRoot, bin);
}

export function binaryExists() {
  return existsSync(flowdBin());
}

const CLI_TIMEOUT_MS = 15_000;
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;

// Runs `flowd args…` synchronously (bounded); returns {code, stdout, stderr, signal}.
export function runFlowd(args, { timeout = CLI_TIMEOUT_MS, input } = {}) {
  const r = spawnSync(flowdBin(), args, { encoding: 'utf8', timeout, input });
  if (r.error) throw new Error(`flowd ${args.join(' ')}: ${r.error.message}`);
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function mustRun(args) {
  const r = runFlowd(args);
  if (r.code !== 0) {
    throw new Error(`flowd ${args.join(' ')} exited ${r.code} (${r.signal ?? ''})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
  return r.stdout.trim();
}

export async function freePort() {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolvePort(port));
    });
  });
}

// Servers still running when this process exits (a crashed suite) are killed, never orphaned.
const running = new Set();
process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

function delay(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

class FlowdServer {
  constructor(serveArgs = [], dbUrl = null) {
    this.serveArgs = serveArgs; // extra `flowd serve` arguments (--clock manual, --smtp …)
    this.dir = mkdtempSync(join(tmpdir(), 'flowd-api-'));
    this.dbUrl = dbUrl ?? `sqlite:${join(this.dir, 'flowd.db')}`;
    this.secrets = []; // every token handed out; none may appear in the logs
    this.stderr = '';
    this.stdout = '';
    this.proc = null;
    this.exit = null;
  }

  cli(args) {
    return runFlowd(args);
  }

  migrate() {
    mustRun(['migrate', '--db', this.dbUrl]);
  }

  createAccount(name = 'A') {
    const out = mustRun(['account', 'create', '--db', this.dbUrl, '--name', name]);
    if (!/^\d+$/.test(out)) throw new Error(`account create printed ${JSON.stringify(out)}, expected a decimal id`);
    return out;
  }

  createToken(accountId, { scopes = ['automation'], name, rateLimit } = {}) {
    const args = ['token', 'create', '--db', this.dbUrl, '--account', String(accountId), '--scopes', scopes.join(',')];
    if (name) args.push('--name', name);
    if (rateLimit) args.push('--rate-limit', rateLimit);
    const out = mustRun(args);
    if (!out || /\s/.test(out)) throw new Error(`token create printed ${JSON.stringify(out)}, expected the token alone`);
    this.secrets.push(out);
    return out;
  }

  listTokens() {
    const out = mustRun(['token', 'list', '--db', this.dbUrl]);
    return out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  }

  revokeToken(tokenId) {
    mustRun(['token', 'revoke', '--db', this.dbUrl, String(tokenId)]);
  }

  async serve() {
    let lastError = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      this.port = await freePort();
      this.baseUrl = `http://127.0.0.1:${this.port}`;
      this.stderr = '';
      this.stdout = '';
      this.exit = null;
      const proc = spawn(flowdBin(), ['serve', '--db', this.dbUrl, '--listen', `127.0.0.1:${this.port}`, '--threads', '2', ...this.serveArgs],
        { stdio: ['ignore', 'pipe', 'pipe'] });
      this.proc = proc;
      running.add(proc);
      proc.stdout.setEncoding('utf8').on('data', (d) => { this.stdout += d; });
      proc.stderr.setEncoding('utf8').on('data', (d) => { this.stderr += d; });
      this.exited = new Promise((r) => proc.on('exit', (code, signal) => {
        running.delete(proc);
        this.exit = { code, signal };
        r(this.exit);
      }));
      proc.on('error', (e) => { lastError = e; });
      try {
        await this.waitHealthy();
        return;
      } catch (e) {
        lastError = e;
        if (this.exit === null) {
          proc.kill('SIGKILL');
          await this.exited;
        }
        // a port race (someone took the port) shows as an early exit: try another port
      }
    }
    throw new Error(`flowd serve did not become healthy: ${lastError?.message}\nstderr:\n${this.stderr.slice(-4000)}`);
  }

  async waitHealthy() {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.exit) throw new Error(`flowd serve exited early: ${JSON.stringify(this.exit)}`);
      try {
        const r = await fetch(`${this.baseUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
        await r.arrayBuffer();
        if (r.status === 200) return;
      } catch {
        // not listening yet
      }
      await delay(50);
    }
    throw new Error(`GET /healthz did not answer 200 within ${START_TIMEOUT_MS} ms`);
  }

  // SIGKILL: the crash tests' fault. The next serve() starts the same database again.
  async kill9() {
    if (!this.proc || this.exit !== null) return;
    this.proc.kill('SIGKILL');
    await this.exited;
    this.proc = null;
  }

  // Parsed JSON lines from stderr (non-JSON lines are returned as {raw}).
  logLines() {
    return this.stderr.split('\n').filter((l) => l.trim()).map((l) => {
      try { return JSON.parse(l); } catch { return { raw: l }; }
    });
  }

  accessLines() {
    return this.logLines().filter((l) => l && typeof l === 'object' && 'method' in l && 'status' in l);
  }

  // Throws when any token handed out by this harness appears in the server's output.
  assertNoSecretsInLogs() {
    for (const s of this.secrets) {
      if (this.stderr.includes(s) || this.stdout.includes(s)) {
        throw new Error(`a token appears in the server log output`);
      }
    }
  }

  async stop({ keepDir = false } = {}) {
    if (!this.proc) return;
    let code = null;
    let signal = null;
    if (this.exit === null) {
      this.proc.kill('SIGTERM');
      let timer;
      const timeout = new Promise((r) => { timer = setTimeout(() => r('timeout'), STOP_TIMEOUT_MS); });
      const res = await Promise.race([this.exited, timeout]);
      clearTimeout(timer);
      if (res === 'timeout') {
        this.proc.kill('SIGKILL');
        await this.exited;
        throw new Error(`flowd did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM\nstderr tail:\n${this.stderr.slice(-2000)}`);
      }
    }
    ({ code, signal } = this.exit);
    this.proc = null;
    this.assertNoSecretsInLogs();
    if (!keepDir) rmSync(this.dir, { recursive: true, force: true });
    if (code !== 0) {
      throw new Error(`flowd exited with code ${code} signal ${signal} after SIGTERM\nstderr tail:\n${this.stderr.slice(-2000)}`);
    }
  }
}

// Starts a server with one account "A" and one token with scope `automation`.
// `serveArgs`: extra arguments of `flowd serve` (e.g. ['--clock', 'manual']); `dbUrl`: another
// database than a fresh SQLite file (e.g. a PostgreSQL schema of its own).
export async function startServer({ accountName = 'A', scopes = ['automation'], serveArgs = [], dbUrl = null } = {}) {
  const srv = new FlowdServer(serveArgs, dbUrl);
  try {
    srv.migrate();
    srv.accountId = srv.createAccount(accountName);
    srv.token = srv.createToken(srv.accountId, { scopes, name: 'default' });
    await srv.serve();
  } catch (e) {
    if (srv.proc && srv.exit === null) srv.proc.kill('SIGKILL');
    rmSync(srv.dir, { recursive: true, force: true });
    throw e;
  }
  return srv;
}

// Another `flowd serve` process on `srv`'s database (PostgreSQL: processes share the queue), with
// the same account and token.
export async function startPeer(srv, { serveArgs = srv.serveArgs } = {}) {
  const peer = new FlowdServer(serveArgs, srv.dbUrl);
  peer.accountId = srv.accountId;
  peer.token = srv.token;
  peer.secrets = srv.secrets;
  try {
    await peer.serve();
  } catch (e) {
    rmSync(peer.dir, { recursive: true, force: true });
    throw e;
  }
  return peer;
}
