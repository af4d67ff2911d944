// Runs one program in a child process under limits and captures what it writes: the building
// block of the custom-code runner (code_runner.h), knowing nothing of JavaScript or Python.
//
// The child gets: stdin from /dev/null; stdout and stderr into pipes (captured, bounded); fd 3, a
// third pipe for a result document; no other descriptor of this process; the environment given
// (nothing inherited); its own process group; the resource limits of ChildLimits; default signal
// dispositions and an empty signal mask. The wall-clock limit is real time (the child does not
// run on an injected clock): at the deadline the whole process group is killed with SIGKILL. The
// group is also killed when the child exits, so no grandchild outlives a run; the child is always
// reaped. Thread-safe: any number of RunChild calls may run at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace flowd::engine {

struct ChildLimits {
  int64_t time_limit_ms = 20'000;
  uint64_t address_space_bytes = 0;  // RLIMIT_AS; 0 = unlimited
  uint64_t data_bytes = 0;           // RLIMIT_DATA; 0 = unlimited
  uint64_t max_processes = 0;        // RLIMIT_NPROC (counts all of the user's tasks); 0 = unlimited
  uint64_t max_open_files = 256;     // RLIMIT_NOFILE
  uint64_t max_file_bytes = 64ull << 20;  // RLIMIT_FSIZE
  size_t max_capture_bytes = 64 << 10;    // kept of stdout and of stderr, each
  size_t max_result_bytes = 1 << 20;      // kept of fd 3
};

struct ChildSpec {
  std::string executable;         // absolute path; not looked up in PATH
  std::vector<std::string> argv;  // argv[0] included
  std::vector<std::string> env;   // "NAME=value", the child's whole environment
  std::string working_directory;  // must exist
  ChildLimits limits;
};

// One captured stream: the first max bytes, whether more came, and the last bytes (so that a
// fatal message at the end of a long log can still be recognised).
struct Capture {
  std::string head;
  std::string tail;  // the last kCaptureTailBytes written, overlapping `head` when short
  uint64_t total_bytes = 0;
  bool truncated() const { return total_bytes > head.size(); }
};
inline constexpr size_t kCaptureTailBytes = 4096;

struct ChildOutcome {
  bool timed_out = false;
  std::optional<int> exit_code;  // set when the child exited
  std::optional<int> signal;     // set when a signal ended it (SIGKILL after a timeout)
  Capture out;
  Capture err;
  std::string result;  // what was written to fd 3, up to max_result_bytes
  bool result_truncated = false;
  int64_t elapsed_ms = 0;  // real time from spawn to reaping
};

// kInternal when the child cannot be started (pipes, fork, exec failure: the message names the
// executable and errno text). Everything that happens once it runs is in the outcome.
Result<ChildOutcome> RunChild(const ChildSpec& spec);

// The first executable regular file named `name` in the ':'-separated `search_path`, or nullopt.
std::optional<std::string> FindInPath(const std::string& name, const std::string& search_path);

}  // namespace flowd::engine
