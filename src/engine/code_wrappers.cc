#include "engine/code_wrappers.h"

namespace flowd::engine::internal {

// Node (CommonJS). The first result wins: a callback call, the value an async main resolves to,
// or a failure (a throw, a rejected promise, an uncaught exception). The process exits once the
// result is written; if the event loop empties first, that is reported as an error.
const char kNodeWrapper[] = R"js('use strict';
const fs = require('fs');
const path = require('path');
let reported = false;
function report(doc) {
  if (reported) return;
  reported = true;
  let text;
  try {
    text = JSON.stringify(doc);
  } catch (e) {
    text = JSON.stringify({ ok: false, error: { type: 'TypeError',
      message: 'the result cannot be written as JSON: ' + e.message, stack: '' } });
  }
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(3, buf, off);
    } catch (e) {
      if (e.code !== 'EAGAIN') break;
    }
  }
  try { fs.closeSync(3); } catch (e) { /* already closed */ }
  setImmediate(() => process.exit(0));
}
function describe(err) {
  if (err instanceof Error) {
    return { type: String(err.name || 'Error'), message: String(err.message),
             stack: String(err.stack || '') };
  }
  let message;
  try { message = typeof err === 'string' ? err : JSON.stringify(err); } catch (e) { message = String(err); }
  return { type: typeof err, message: String(message), stack: '' };
}
function fail(err) { report({ ok: false, error: describe(err) }); }
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
process.on('beforeExit', () => {
  if (!reported) {
    report({ ok: false, error: { type: 'FlowdNoResult', stack: '',
      message: 'main finished without calling callback or returning {outputFields}' } });
  }
});
const event = JSON.parse(fs.readFileSync(path.join(__dirname, 'event.json'), 'utf8'));
let userModule;
try {
  userModule = require(path.join(__dirname, 'main.js'));
} catch (e) {
  fail(e);
}
if (!reported) {
  if (!userModule || typeof userModule.main !== 'function') {
    fail(new TypeError('the code must define exports.main = async (event, callback) => { ... }'));
  } else {
    const callback = (result) => report({ ok: true, result: result === undefined ? null : result });
    Promise.resolve()
      .then(() => userModule.main(event, callback))
      .then((r) => { if (r !== undefined) report({ ok: true, result: r }); }, fail);
  }
}
)js";

// Python 3. main(event) returns the result; any exception (SystemExit included) is the failure.
// The process exits once the result is written, even with threads left running.
const char kPythonWrapper[] = R"py(import importlib.util
import json
import os
import sys
import traceback


def _report(doc):
    try:
        text = json.dumps(doc, allow_nan=False)
    except (TypeError, ValueError) as e:
        text = json.dumps({"ok": False, "error": {
            "type": "TypeError", "stack": "",
            "message": "the result cannot be written as JSON: " + str(e)}})
    view = memoryview(text.encode("utf-8"))
    while view:
        view = view[os.write(3, view):]
    os.close(3)


def _run():
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "event.json"), encoding="utf-8") as f:
        event = json.load(f)
    try:
        spec = importlib.util.spec_from_file_location("main", os.path.join(here, "main.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules["main"] = module
        spec.loader.exec_module(module)
        main = getattr(module, "main", None)
        if not callable(main):
            raise TypeError("the code must define def main(event): ...")
        result = main(event)
    except MemoryError:
        _report({"ok": False, "error": {"type": "MemoryError", "message": "out of memory",
                                        "stack": ""}})
        return
    except BaseException as e:
        _report({"ok": False, "error": {"type": type(e).__name__, "message": str(e),
                                        "stack": traceback.format_exc()}})
        return
    _report({"ok": True, "result": result})


_run()
# As the Node wrapper: the run ends with its result, not when leftover threads finish.
sys.stdout.flush()
sys.stderr.flush()
os._exit(0)
)py";

}  // namespace flowd::engine::internal
