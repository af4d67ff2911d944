// Real receivers on loopback for the engine's external effects: an SMTP sink (speaks enough
// SMTP for libcurl: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and an HTTP receiver whose
// answers a test scripts. Both record what arrived; waits are bounded.
import { createServer as createNetServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';

export async function startSmtpSink() {
  const messages = []; // {from, to: [], data, headers: {lower-case name: value}}
  const server = createNetServer((sock) => {
    sock.setEncoding('utf8');
    let buf = '';
    let inData = false;
    let cur = { from: '', to: [], data: '' };
    sock.write('220 flowd-test-sink ESMTP\r\n');
    sock.on('data', (chunk) => {
      buf += chunk;
      while (true) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          cur.data = buf.slice(0, end).replace(/\r\n\.\./g, '\r\n.');
          buf = buf.slice(end + 5);
          inData = false;
          const headers = {};
          for (const line of cur.data.split('\r\n\r\n')[0].split('\r\n')) {
            const i = line.indexOf(':');
            if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
          }
          messages.push({ ...cur, headers });
          cur = { from: '', to: [], data: '' };
          sock.write('250 OK queued\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const cmd = line.slice(0, 4).toUpperCase();
        if (cmd === 'EHLO' || cmd === 'HELO') sock.write('250 flowd-test-sink\r\n');
        else if (cmd === 'MAIL') { cur.from = line.replace(/^MAIL FROM:\s*/i, ''); sock.write('250 OK\r\n'); }
        else if (cmd === 'RCPT') { cur.to.push(line.replace(/^RCPT TO:\s*/i, '')); sock.write('250 OK\r\n'); }
        else if (cmd === 'DATA') { inData = true; sock.write('354 End data with <CR><LF>.<CR><LF>\r\n'); }
        else if (cmd === 'QUIT') { sock.end('221 Bye\r\n'); return; }
        else sock.write('250 OK\r\n');
      }
    });
    sock.on('error', () => {});
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `smtp://127.0.0.1:${server.address().port}`,
    messages,
    close: () => new Promise((r) => server.close(r)),
  };
}

// `respond(req, body, n)` → {status, headers, body, delayMs} for the n-th request (0-based);
// `delayMs` holds the answer back (a slow receiver).
export async function startHttpReceiver(respond = () => ({ status: 200 })) {
  const requests = []; // {method, url, headers, body}
  const server = createHttpServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const n = requests.length;
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      const a = respond(req, body, n) ?? { status: 200 };
      const answer = () => {
        res.writeHead(a.status ?? 200, { 'content-type': 'application/json', ...(a.headers ?? {}) });
        res.end(a.body === undefined ? '{}' : (typeof a.body === 'string' ? a.body : JSON.stringify(a.body)));
      };
      if (a.delayMs) setTimeout(answer, a.delayMs);
      else answer();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}

// Polls `check` (sync or async) until it returns a truthy value; throws after `ms`.
export async function eventually(check, { ms = 10_000, label = 'condition' } = {}) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${label} did not happen within ${ms} ms (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}
