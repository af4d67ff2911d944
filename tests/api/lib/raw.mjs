// A raw HTTP/1.1 connection over node:net, for what fetch cannot express: several requests on
// one socket, garbage request lines, oversized headers and bodies. Every wait is bounded.
import { connect } from 'node:net';

const DEFAULT_TIMEOUT_MS = 10_000;

function parseHeaders(block) {
  const lines = block.split('\r\n');
  const statusLine = lines.shift();
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!m) throw new Error(`bad status line: ${JSON.stringify(statusLine)}`);
  const headers = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  return { status: Number(m[1]), statusLine, headers };
}

// Tries to cut one complete response off the front of `buf`; returns {response, rest} or null.
function cutResponse(buf, ended) {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const head = parseHeaders(buf.subarray(0, end).toString('latin1'));
  let offset = end + 4;
  let body;
  if (head.headers['transfer-encoding']?.toLowerCase().includes('chunked')) {
    const parts = [];
    for (;;) {
      const le = buf.indexOf('\r\n', offset);
      if (le < 0) return null;
      const size = parseInt(buf.subarray(offset, le).toString('latin1'), 16);
      if (Number.isNaN(size)) throw new Error('bad chunk size');
      if (buf.length < le + 2 + size + 2) return null;
      if (size === 0) {
        const trailerEnd = buf.indexOf('\r\n\r\n', le); // == le when there are no trailers
        if (trailerEnd < 0) return null;
        offset = trailerEnd + 4;
        break;
      }
      parts.push(buf.subarray(le + 2, le + 2 + size));
      offset = le + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  } else if (head.headers['content-length'] !== undefined) {
    const n = Number(head.headers['content-length']);
    if (buf.length < offset + n) return null;
    body = buf.subarray(offset, offset + n);
    offset += n;
  } else if (head.status === 204 || head.status === 304) {
    body = Buffer.alloc(0);
  } else {
    if (!ended) return null; // body delimited by connection close
    body = buf.subarray(offset);
    offset = buf.length;
  }
  const text = body.toString('utf8');
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  return { response: { ...head, body: text, json }, rest: buf.subarray(offset) };
}

export class RawConnection {
  static open(port, host = '127.0.0.1', timeout = DEFAULT_TIMEOUT_MS) {
    return new Promise((resolve, reject) => {
      const sock = connect({ port, host });
      const t = setTimeout(() => { sock.destroy(); reject(new Error('connect timeout')); }, timeout);
      sock.once('connect', () => { clearTimeout(t); resolve(new RawConnection(sock)); });
      sock.once('error', (e) => { clearTimeout(t); reject(e); });
    });
  }

  constructor(sock) {
    this.sock = sock;
    this.buf = Buffer.alloc(0);
    this.ended = false;
    this.writeError = null;
    this.waiters = [];
    sock.on('data', (d) => { this.buf = Buffer.concat([this.buf, d]); this.wake(); });
    sock.on('end', () => { this.ended = true; this.wake(); });
    sock.on('close', () => { this.ended = true; this.wake(); });
    sock.on('error', (e) => { this.writeError = e; this.ended = true; this.wake(); });
  }

  wake() {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  // Writes data; write errors (the server may close early, e.g. on 413) are recorded, not thrown.
  write(data) {
    return new Promise((resolve) => {
      if (this.sock.destroyed) return resolve(false);
      this.sock.write(data, (err) => resolve(!err));
    });
  }

  // Resolves with the next complete response; rejects on timeout or when the peer closed first.
  async readResponse(timeout = DEFAULT_TIMEOUT_MS) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const cut = cutResponse(this.buf, this.ended);
      if (cut) {
        this.buf = cut.rest;
        return cut.response;
      }
      if (this.ended) throw new Error(`connection closed before a complete response (${this.buf.length} bytes buffered)`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a response');
      await new Promise((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  // Resolves true when the server closes the connection within `timeout`, false otherwise.
  async waitClosed(timeout = DEFAULT_TIMEOUT_MS) {
    const deadline = Date.now() + timeout;
    while (!this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
    return true;
  }

  close() {
    this.sock.destroy();
  }
}

// One request on a fresh connection; returns the first response.
export async function rawExchange(port, data, timeout = DEFAULT_TIMEOUT_MS) {
  const c = await RawConnection.open(port);
  try {
    await c.write(data);
    return await c.readResponse(timeout);
  } finally {
    c.close();
  }
}
