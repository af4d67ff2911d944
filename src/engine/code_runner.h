// Runs the source of a CUSTOM_CODE action (HubSpot's custom code workflow action) in a child
// process with the machine's `node` (NODE… runtimes) or `python3` (PYTHON… runtimes), and turns
// what it returns into checked output fields.
//
// The code follows HubSpot's contract. Node: `exports.main = async (event, callback) => {
// callback({outputFields: {…}}) }` (returning {outputFields} from an async main works too).
// Python: `def main(event): return {"outputFields": {…}}`. `event` is the JSON document of
// CodeEvent (see there). Secrets are environment variables (process.env.NAME / os.environ), and
// they are the only thing of flowd's environment the child sees besides PATH, HOME (the run's
// own temporary directory, also its working directory and TMPDIR) and LANG.
//
// Limits: a wall-clock time limit (real time: the whole process group is killed with SIGKILL at
// the deadline), a memory limit (Node: V8's --max-old-space-size plus RLIMIT_DATA; RLIMIT_AS is
// not usable with Node, whose WebAssembly — and so its built-in fetch() — reserves ~10 GiB of
// address space; Python: RLIMIT_AS), RLIMIT_NPROC/NOFILE/FSIZE, a source size bound, bounded
// capture of stdout/stderr for the execution log. The temporary directory is removed afterwards.
//
// Thread-safe: Run may be called from any number of threads at once (each run is its own
// process); a CodeRunner must outlive its runs. Run never throws.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "engine/code_output.h"

namespace flowd::engine {

enum class CodeLanguage { kNode, kPython };

// NODE<digits>X (NODE16X, NODE18X, NODE20X, …) → kNode; PYTHON<digits> (PYTHON39, PYTHON311, …) →
// kPython. The spec leaves `runtime` a free string; every version maps to the one installed
// interpreter. kInvalidArgument otherwise.
Result<CodeLanguage> LanguageForRuntime(std::string_view runtime);

// What the code receives as `event`. As JSON:
//   {"inputFields": {…},
//    "object": {"objectId": 123, "objectType": "CONTACT"},
//    "origin": {"portalId": 1000001, "actionDefinitionId": 10, "actionDefinitionVersion": 1,
//               "actionExecutionIndexIdentifier": {"enrollmentId": 7, "actionExecutionIndex": 0}},
//    "context": {"source": "WORKFLOWS", "workflowId": 500000001, "actionId": 10},
//    "callbackId": "…"}
struct CodeEvent {
  boost::json::object input_fields;  // name → value, resolved by the caller
  int64_t object_id = 0;
  std::string object_type;  // "CONTACT", "COMPANY", "DEAL", "TICKET", or an object type id
  int64_t portal_id = 0;    // the account
  int64_t flow_id = 0;
  int64_t action_id = 0;
  int64_t action_version = 1;  // the flow revision
  int64_t enrollment_id = 0;
  int64_t execution_index = 0;
  std::string callback_id;
};

struct CodeRequest {
  std::string runtime;      // the action's `runtime`
  std::string source_code;  // the action's `sourceCode`
  CodeEvent event;
  std::map<std::string, std::string> secrets;  // name → value: those of `secretNames` resolved
  std::vector<OutputFieldSpec> output_fields;  // the action's declared outputFields
};

struct CodeRunnerOptions {
  int64_t time_limit_ms = 20'000;  // HubSpot's 20 s
  int64_t memory_limit_mb = 128;   // HubSpot's 128 MB
  size_t max_source_bytes = 256 << 10;
  size_t max_event_bytes = 1 << 20;
  size_t max_log_bytes = 64 << 10;    // kept of stdout and of stderr, each
  size_t max_result_bytes = 1 << 20;  // the result document
  uint64_t max_processes = 512;  // RLIMIT_NPROC: counts all of the user's tasks; root is exempt
  uint64_t max_open_files = 256;
  uint64_t max_file_bytes = 64ull << 20;
  // Where `node` and `python3` are looked up (':'-separated); empty: this process's PATH.
  std::string search_path;
  // Explicit interpreters, bypassing the lookup.
  std::string node_executable;
  std::string python_executable;
  // Parent of each run's temporary directory; empty: std::filesystem::temp_directory_path().
  std::string temp_root;
};

enum class CodeFailure {
  kNone,
  kInvalidRequest,  // unknown runtime, source too large, reserved or invalid secret name
  kMissingRuntime,  // no node / python3 found
  kTimeout,
  kMemory,
  kThrown,         // the code threw (or Python raised); the message is the error's
  kExitStatus,     // the process ended (non-zero status or signal) without a result
  kInvalidResult,  // no result, not JSON, not an object, no callback called
  kOutputType,     // an output does not fit its declared type (the message names the field)
  kInternal,       // flowd could not run the child
};
// "TIMEOUT", "MEMORY", … for logs and execution records.
std::string_view CodeFailureName(CodeFailure failure);

struct CodeExecution {
  CodeFailure failure = CodeFailure::kNone;
  std::string message;                // why it failed; empty on success
  boost::json::object output_fields;  // on success: the declared outputs, coerced
  std::string stdout_log;             // at most max_log_bytes each
  std::string stderr_log;
  bool stdout_truncated = false;
  bool stderr_truncated = false;
  std::optional<int> exit_code;
  std::optional<int> signal;
  int64_t started_at_ms = 0;  // from the injected clock
  int64_t duration_ms = 0;    // from the injected clock
  bool ok() const { return failure == CodeFailure::kNone; }
};

class CodeRunner {
 public:
  explicit CodeRunner(const Clock& clock, CodeRunnerOptions options = {});
  CodeRunner(const CodeRunner&) = delete;
  CodeRunner& operator=(const CodeRunner&) = delete;

  CodeExecution Run(const CodeRequest& request) const;

  const CodeRunnerOptions& options() const { return options_; }

 private:
  // The interpreter's real path (shims such as pyenv's resolved once, with this process's
  // environment, since they do not work in the child's clean one), cached per language.
  Result<std::string> Interpreter(CodeLanguage language) const;
  CodeExecution Execute(const CodeRequest& request, CodeLanguage language,
                        const std::string& interpreter, const std::string& dir) const;

  const Clock& clock_;
  const CodeRunnerOptions options_;
  mutable std::mutex mu_;
  mutable std::map<CodeLanguage, std::string> interpreters_;  // guarded by mu_
};

}  // namespace flowd::engine
