// The programs that host user code in the child process (internal to code_runner.cc). Each reads
// event.json from its own directory, loads main.js / main.py from there, calls main, and writes
// exactly one JSON document to fd 3:
//   {"ok": true, "result": <what main returned or passed to callback>}
//   {"ok": false, "error": {"type": "TypeError", "message": "…", "stack": "…"}}
// User code's stdout and stderr stay its own (fds 1 and 2).
#pragma once

namespace flowd::engine::internal {

// The error type of a run that ended without a result (an event loop that emptied first).
inline constexpr const char* kNoResultType = "FlowdNoResult";

extern const char kNodeWrapper[];
extern const char kPythonWrapper[];

}  // namespace flowd::engine::internal
