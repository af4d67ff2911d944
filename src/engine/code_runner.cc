#include "engine/code_runner.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/json.h"
#include "common/log.h"
#include "engine/child_process.h"
#include "engine/code_wrappers.h"
#include "store/secret_store.h"

extern char** environ;

namespace flowd::engine {

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

// Memory the interpreter itself needs on top of the code's limit (V8's young generation and
// code space, the Python runtime): measured at ~40 MiB for node 20 and ~10 MiB for python 3.11.
constexpr uint64_t kRuntimeOverheadBytes = 128ull << 20;
constexpr int64_t kResolveTimeLimitMs = 10'000;

bool AllDigits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// Names the child's environment already uses, or that make the loader or the interpreter run
// other code (LD_PRELOAD, NODE_OPTIONS, PYTHONSTARTUP, …): refused as secret names here.
bool IsReservedEnvName(std::string_view name) {
  for (std::string_view exact : {"PATH", "HOME", "LANG", "TMPDIR"}) {
    if (name == exact) return true;
  }
  for (std::string_view prefix : {"LD_", "NODE_", "PYTHON", "LC_"}) {
    if (name.starts_with(prefix)) return true;
  }
  return false;
}

bool MentionsOutOfMemory(std::string_view text) {
  for (std::string_view sign :
       {"JavaScript heap out of memory", "Fatal process out of memory", "MemoryError",
        "Array buffer allocation failed", "could not allocate memory", "Cannot allocate memory"}) {
    if (text.find(sign) != std::string_view::npos) return true;
  }
  return false;
}

std::string LastLine(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  size_t nl = text.rfind('\n');
  std::string_view line = nl == std::string_view::npos ? text : text.substr(nl + 1);
  if (line.size() > 300) line = line.substr(0, 300);
  return std::string(line);
}

bool WriteFile(const fs::path& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  return !out.fail();
}

void RemoveTree(const fs::path& dir) {
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (!ec) return;
  // The code may have taken write permission away from its own directories.
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    std::error_code perm_ec;
    fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, perm_ec);
  }
  fs::remove_all(dir, ec);
  if (ec)
    log::Write(log::Level::kWarn, "custom code: temporary directory left behind",
               {{"dir", dir.string()}, {"error", ec.message()}});
}

json::object EventJson(const CodeEvent& e) {
  return json::object{
      {"inputFields", e.input_fields},
      {"object", json::object{{"objectId", e.object_id}, {"objectType", e.object_type}}},
      {"origin", json::object{{"portalId", e.portal_id},
                              {"actionDefinitionId", e.action_id},
                              {"actionDefinitionVersion", e.action_version},
                              {"actionExecutionIndexIdentifier",
                               json::object{{"enrollmentId", e.enrollment_id},
                                            {"actionExecutionIndex", e.execution_index}}}}},
      {"context",
       json::object{{"source", "WORKFLOWS"}, {"workflowId", e.flow_id}, {"actionId", e.action_id}}},
      {"callbackId", e.callback_id}};
}

CodeExecution Failed(CodeFailure failure, std::string message) {
  CodeExecution ex;
  ex.failure = failure;
  ex.message = std::move(message);
  return ex;
}

}  // namespace

Result<CodeLanguage> LanguageForRuntime(std::string_view runtime) {
  if (runtime.starts_with("NODE") && runtime.size() > 5 && runtime.back() == 'X' &&
      AllDigits(runtime.substr(4, runtime.size() - 5))) {
    return CodeLanguage::kNode;
  }
  if (runtime.starts_with("PYTHON") && AllDigits(runtime.substr(6))) return CodeLanguage::kPython;
  return Error::Invalid("unsupported custom code runtime '" + std::string(runtime) +
                        "' (expected NODE…X such as NODE20X, or PYTHON… such as PYTHON39)");
}

std::string_view CodeFailureName(CodeFailure failure) {
  switch (failure) {
    case CodeFailure::kNone:
      return "NONE";
    case CodeFailure::kInvalidRequest:
      return "INVALID_REQUEST";
    case CodeFailure::kMissingRuntime:
      return "MISSING_RUNTIME";
    case CodeFailure::kTimeout:
      return "TIMEOUT";
    case CodeFailure::kMemory:
      return "MEMORY";
    case CodeFailure::kThrown:
      return "THROWN";
    case CodeFailure::kExitStatus:
      return "EXIT_STATUS";
    case CodeFailure::kInvalidResult:
      return "INVALID_RESULT";
    case CodeFailure::kOutputType:
      return "OUTPUT_TYPE";
    case CodeFailure::kInternal:
      return "INTERNAL";
  }
  return "INTERNAL";
}

CodeRunner::CodeRunner(const Clock& clock, CodeRunnerOptions options)
    : clock_(clock), options_(std::move(options)) {}

Result<std::string> CodeRunner::Interpreter(CodeLanguage language) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = interpreters_.find(language); it != interpreters_.end()) return it->second;
  const bool node = language == CodeLanguage::kNode;
  const std::string& configured = node ? options_.node_executable : options_.python_executable;
  const char* name = node ? "node" : "python3";
  std::string search = options_.search_path;
  if (search.empty()) {
    const char* path = std::getenv("PATH");  // NOLINT(concurrency-mt-unsafe): never set by flowd
    search = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  }
  std::optional<std::string> found =
      configured.empty() ? FindInPath(name, search) : FindInPath(configured, "");
  if (!found) {
    return Error::NotFound(configured.empty()
                               ? std::string(name) + " was not found on the PATH (" + search + ")"
                               : configured + " is not an executable file");
  }
  // Ask the interpreter for its own path, with this process's environment: a version-manager
  // shim (pyenv, asdf, nvm) needs that environment and does not work in the child's clean one.
  ChildSpec spec;
  spec.executable = *found;
  spec.argv =
      node ? std::vector<std::string>{*found, "-p", "process.execPath"}
           : std::vector<std::string>{*found, "-c", "import sys; sys.stdout.write(sys.executable)"};
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) spec.env.emplace_back(*e);
  spec.working_directory = "/";
  spec.limits.time_limit_ms = kResolveTimeLimitMs;
  std::string resolved = *found;
  auto asked = RunChild(spec);
  if (asked.ok() && asked->exit_code == 0) {
    std::string path = LastLine(asked->out.head);
    if (!path.empty() && path.front() == '/' && ::access(path.c_str(), X_OK) == 0) resolved = path;
  }
  interpreters_[language] = resolved;
  return resolved;
}

CodeExecution CodeRunner::Run(const CodeRequest& request) const {
  const int64_t started_at_ms = clock_.NowMs();
  const int64_t start_ns = clock_.MonotonicNs();
  CodeExecution ex;
  try {
    auto language = LanguageForRuntime(request.runtime);
    if (!language.ok()) {
      ex = Failed(CodeFailure::kInvalidRequest, language.error().message);
    } else if (request.source_code.size() > options_.max_source_bytes) {
      ex = Failed(CodeFailure::kInvalidRequest,
                  "the source code is " + std::to_string(request.source_code.size()) +
                      " bytes; at most " + std::to_string(options_.max_source_bytes) +
                      " are allowed");
    } else {
      std::string bad_secret;
      for (const auto& [name, value] : request.secrets) {
        if (Status st = store::ValidateSecretName(name); !st.ok()) {
          bad_secret = st.error().message;
        } else if (IsReservedEnvName(name)) {
          bad_secret = "secret name '" + name + "' is reserved for the runtime's environment";
        } else if (value.find('\0') != std::string::npos) {
          bad_secret = "secret '" + name + "' contains a NUL byte";
        }
        if (!bad_secret.empty()) break;
      }
      auto interpreter = bad_secret.empty() ? Interpreter(*language) : Result<std::string>("");
      if (!bad_secret.empty()) {
        ex = Failed(CodeFailure::kInvalidRequest, bad_secret);
      } else if (!interpreter.ok()) {
        ex = Failed(
            CodeFailure::kMissingRuntime,
            "runtime " + request.runtime + " is not available: " + interpreter.error().message);
      } else {
        std::error_code ec;
        fs::path root =
            options_.temp_root.empty() ? fs::temp_directory_path(ec) : fs::path(options_.temp_root);
        std::string templ = (root / "flowd-code-XXXXXX").string();
        if (ec || ::mkdtemp(templ.data()) == nullptr) {
          ex = Failed(CodeFailure::kInternal, "cannot create a temporary directory under " +
                                                  root.string() + ": " + ::strerror(errno));
        } else {
          ex = Execute(request, *language, *interpreter, templ);
          RemoveTree(templ);
        }
      }
    }
  } catch (const std::exception& e) {
    ex = Failed(CodeFailure::kInternal, std::string("custom code runner: ") + e.what());
  }
  ex.started_at_ms = started_at_ms;
  ex.duration_ms = (clock_.MonotonicNs() - start_ns) / 1'000'000;
  return ex;
}

CodeExecution CodeRunner::Execute(const CodeRequest& request, CodeLanguage language,
                                  const std::string& interpreter, const std::string& dir) const {
  const bool node = language == CodeLanguage::kNode;
  const fs::path d(dir);
  const std::string event = json::serialize(EventJson(request.event));
  if (event.size() > options_.max_event_bytes) {
    return Failed(CodeFailure::kInvalidRequest,
                  "the event (input fields) is " + std::to_string(event.size()) +
                      " bytes; at most " + std::to_string(options_.max_event_bytes) +
                      " are allowed");
  }
  const char* wrapper_name = node ? "flowd-wrapper.js" : "flowd_wrapper.py";
  if (!WriteFile(d / (node ? "main.js" : "main.py"), request.source_code) ||
      !WriteFile(d / "event.json", event) ||
      !WriteFile(d / wrapper_name, node ? internal::kNodeWrapper : internal::kPythonWrapper)) {
    return Failed(CodeFailure::kInternal, "cannot write the code to " + dir);
  }

  const uint64_t memory = static_cast<uint64_t>(std::max<int64_t>(options_.memory_limit_mb, 16))
                          << 20;
  ChildSpec spec;
  spec.executable = interpreter;
  const std::string wrapper = (d / wrapper_name).string();
  if (node) {
    spec.argv = {interpreter, "--max-old-space-size=" + std::to_string(memory >> 20), wrapper};
  } else {
    spec.argv = {interpreter, "-I", "-u", wrapper};  // isolated (no PYTHON* variables), unbuffered
  }
  spec.env = {
      "PATH=" + fs::path(interpreter).parent_path().string() + ":/usr/local/bin:/usr/bin:/bin",
      "HOME=" + dir, "TMPDIR=" + dir, "LANG=C.UTF-8"};
  for (const auto& [name, value] : request.secrets) spec.env.push_back(name + "=" + value);
  spec.working_directory = dir;
  ChildLimits& lim = spec.limits;
  lim.time_limit_ms = options_.time_limit_ms;
  // Node: RLIMIT_AS would break WebAssembly (and fetch), RLIMIT_DATA counts only memory in use.
  if (node) {
    lim.data_bytes = memory + kRuntimeOverheadBytes;
  } else {
    lim.address_space_bytes = memory + kRuntimeOverheadBytes;
  }
  lim.max_processes = options_.max_processes;
  lim.max_open_files = options_.max_open_files;
  lim.max_file_bytes = options_.max_file_bytes;
  lim.max_capture_bytes = options_.max_log_bytes;
  lim.max_result_bytes = options_.max_result_bytes;

  auto ran = RunChild(spec);
  if (!ran.ok()) return Failed(CodeFailure::kInternal, ran.error().message);
  ChildOutcome& o = *ran;

  CodeExecution ex;
  ex.stdout_truncated = o.out.truncated();
  ex.stderr_truncated = o.err.truncated();
  ex.stdout_log = o.out.head;
  ex.stderr_log = o.err.head;
  ex.exit_code = o.exit_code;
  ex.signal = o.signal;
  const std::string limit_text = std::to_string(memory >> 20) + " MB";
  auto fail = [&](CodeFailure failure, std::string message) {
    ex.failure = failure;
    ex.message = std::move(message);
    return ex;
  };

  // A complete result document decides, whatever happened to the process afterwards.
  if (!o.result.empty()) {
    if (o.result_truncated) {
      return fail(
          CodeFailure::kInvalidResult,
          "the result is larger than " + std::to_string(options_.max_result_bytes) + " bytes");
    }
    auto doc = ParseJsonStrict(o.result, JsonLimits{128});
    const json::object* top = doc.ok() ? doc->if_object() : nullptr;
    const json::value* ok = top ? top->if_contains("ok") : nullptr;
    if (ok == nullptr || !ok->is_bool()) {
      return fail(CodeFailure::kInvalidResult,
                  "the result is not valid JSON" + (doc.ok() ? "" : ": " + doc.error().message));
    }
    if (!ok->as_bool()) {
      const json::object* err = top->contains("error") ? top->at("error").if_object() : nullptr;
      auto text = [&](const char* key) -> std::string {
        const json::value* v = err ? err->if_contains(key) : nullptr;
        return v && v->is_string() ? std::string(v->as_string()) : std::string();
      };
      const std::string type = text("type"), message = text("message"), stack = text("stack");
      if (!stack.empty() && ex.stderr_log.size() + stack.size() + 1 <= options_.max_log_bytes) {
        ex.stderr_log += (ex.stderr_log.empty() || ex.stderr_log.back() == '\n' ? "" : "\n");
        ex.stderr_log += stack;
      }
      if (type == internal::kNoResultType) return fail(CodeFailure::kInvalidResult, message);
      if (type == "MemoryError" || MentionsOutOfMemory(message)) {
        return fail(CodeFailure::kMemory, "the code ran out of memory (limit " + limit_text +
                                              "): " + type + ": " + message);
      }
      return fail(CodeFailure::kThrown, (type.empty() ? "Error" : type) + ": " + message);
    }
    const json::value* result = top->if_contains("result");
    const json::object* obj = result ? result->if_object() : nullptr;
    if (obj == nullptr) {
      return fail(CodeFailure::kInvalidResult,
                  "main must return (or pass to callback) an object with outputFields, got " +
                      (result ? json::serialize(*result).substr(0, 80) : std::string("nothing")));
    }
    const json::value* outputs = obj->if_contains("outputFields");
    if (outputs == nullptr || outputs->is_null()) {
      ex.output_fields = {};
      return ex;
    }
    if (!outputs->is_object()) {
      return fail(CodeFailure::kInvalidResult, "outputFields must be an object");
    }
    auto coerced = CoerceOutputs(*outputs, request.output_fields);
    if (!coerced.ok()) return fail(CodeFailure::kOutputType, coerced.error().message);
    ex.output_fields = std::move(coerced).value();
    return ex;
  }

  if (o.timed_out) {
    return fail(CodeFailure::kTimeout, "the code did not finish within " +
                                           std::to_string(options_.time_limit_ms) +
                                           " ms and was stopped");
  }
  if (MentionsOutOfMemory(o.err.head) || MentionsOutOfMemory(o.err.tail)) {
    return fail(CodeFailure::kMemory, "the code ran out of memory (limit " + limit_text + ")");
  }
  if (o.signal && *o.signal == SIGXFSZ) {
    return fail(CodeFailure::kExitStatus, "the code wrote a file larger than the limit of " +
                                              std::to_string(options_.max_file_bytes) + " bytes");
  }
  if (o.signal) {
    const char* abbrev = ::sigabbrev_np(*o.signal);
    return fail(CodeFailure::kExitStatus,
                "the process was killed by signal " + std::to_string(*o.signal) +
                    (abbrev ? std::string(" (SIG") + abbrev + ")" : std::string()));
  }
  if (o.exit_code && *o.exit_code != 0) {
    std::string last = LastLine(o.err.tail);
    return fail(CodeFailure::kExitStatus, "the process exited with status " +
                                              std::to_string(*o.exit_code) +
                                              (last.empty() ? "" : ": " + last));
  }
  return fail(CodeFailure::kInvalidResult, "the process exited without producing a result");
}

}  // namespace flowd::engine
