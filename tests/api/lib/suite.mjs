// One flowd server per describe(): the before()/after() pair every suite would otherwise repeat.
//
//   describe('x', () => {
//     let srv;
//     let api;
//     useServer({ onStart: (ctx) => ({ srv, api } = ctx) });
//     …
//   });
//
// before() starts a server (startServer in lib/server.mjs: account "A", one token, serve) and a
// client for its default token, fills the returned context {srv, api} and calls onStart(ctx);
// after() stops the server (srv.stop(), or `stop(ctx)` when a suite must look at the server
// around its shutdown). Nothing is stopped when the start failed.
//
// before() hooks registered after useServer() in the same describe() see the running server.
import { before, after } from 'node:test';
import { startServer } from './server.mjs';
import { client } from './api.mjs';

export function useServer({ onStart, stop, ...serverOptions } = {}) {
  const ctx = { srv: undefined, api: undefined };
  before(async () => {
    ctx.srv = await startServer(serverOptions);
    ctx.api = client(ctx.srv);
    onStart?.(ctx);
  });
  after(async () => {
    if (!ctx.srv) return;
    if (stop) {
      await stop(ctx);
    } else {
      await ctx.srv.stop();
    }
  });
  return ctx;
}
