// The custom-code runner with the machine's real node and python3.
#include "engine/code_runner.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <boost/json/serialize.hpp>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace flowd::engine {
namespace {

namespace json = boost::json;

class CodeRunnerTest : public ::testing::Test {
 protected:
  CodeRunnerTest() : clock_(1'700'000'000'000) {}

  CodeRunnerOptions Options() {
    CodeRunnerOptions o;
    o.time_limit_ms = 5'000;
    return o;
  }

  static CodeRequest Node(std::string source) {
    CodeRequest r;
    r.runtime = "NODE20X";
    r.source_code = std::move(source);
    r.event.object_id = 123;
    r.event.object_type = "CONTACT";
    r.event.portal_id = 1000001;
    r.event.action_id = 10;
    r.event.input_fields = json::object{{"email", "ada@example.com"}, {"count", 3}};
    r.output_fields = {{"out", OutputType::kString, {}}};
    return r;
  }
  static CodeRequest Python(std::string source) {
    CodeRequest r = Node(std::move(source));
    r.runtime = "PYTHON39";
    return r;
  }

  CodeExecution Run(const CodeRequest& r, CodeRunnerOptions o) {
    return CodeRunner(clock_, o).Run(r);
  }
  CodeExecution Run(const CodeRequest& r) { return Run(r, Options()); }

  FakeClock clock_;
};

std::string Describe(const CodeExecution& ex) {
  return std::string(CodeFailureName(ex.failure)) + ": " + ex.message +
         "\nstdout: " + ex.stdout_log + "\nstderr: " + ex.stderr_log;
}

TEST(Runtimes, NodeAndPythonVersionsMap) {
  for (const char* r : {"NODE12X", "NODE16X", "NODE18X", "NODE20X", "NODE22X"}) {
    auto l = LanguageForRuntime(r);
    ASSERT_TRUE(l.ok()) << r;
    EXPECT_EQ(*l, CodeLanguage::kNode);
  }
  for (const char* r : {"PYTHON39", "PYTHON311"}) {
    auto l = LanguageForRuntime(r);
    ASSERT_TRUE(l.ok()) << r;
    EXPECT_EQ(*l, CodeLanguage::kPython);
  }
  for (const char* r : {"", "NODE", "NODEX", "NODE20", "node20x", "PYTHON3.9", "RUBY3", "JAVA"}) {
    EXPECT_FALSE(LanguageForRuntime(r).ok()) << r;
  }
}

TEST_F(CodeRunnerTest, NodeCallbackOutputsInputsAndEvent) {
  auto ex = Run(Node(R"js(
exports.main = async (event, callback) => {
  callback({ outputFields: { out: event.inputFields.email + '|' + event.inputFields.count + '|' +
    event.object.objectId + '|' + event.object.objectType + '|' + event.origin.portalId + '|' +
    event.origin.actionDefinitionId, ignored: 'x' } });
};)js"));
  ASSERT_TRUE(ex.ok()) << Describe(ex);
  EXPECT_EQ(json::serialize(ex.output_fields),
            R"({"out":"ada@example.com|3|123|CONTACT|1000001|10"})");
  EXPECT_EQ(ex.started_at_ms, 1'700'000'000'000);
  EXPECT_EQ(ex.duration_ms, 0);  // the fake clock did not move
}

TEST_F(CodeRunnerTest, NodeReturnedObjectAndLaterCallback) {
  auto returned = Run(Node("exports.main = async () => ({ outputFields: { out: 'returned' } });"));
  ASSERT_TRUE(returned.ok()) << Describe(returned);
  EXPECT_EQ(returned.output_fields.at("out"), "returned");
  auto later = Run(
      Node("exports.main = (event, callback) => { setTimeout(() => callback({ outputFields: { out: "
           "'later' } }), 50); };"));
  ASSERT_TRUE(later.ok()) << Describe(later);
  EXPECT_EQ(later.output_fields.at("out"), "later");
  auto never = Run(Node("exports.main = async () => {};"));
  EXPECT_EQ(never.failure, CodeFailure::kInvalidResult) << Describe(never);
  EXPECT_NE(never.message.find("callback"), std::string::npos) << never.message;
}

TEST_F(CodeRunnerTest, PythonReturnsOutputs) {
  auto ex = Run(Python(R"py(
def main(event):
    fields = event.get("inputFields")
    return {"outputFields": {"out": fields["email"] + "|" + str(event["object"]["objectId"])}}
)py"));
  ASSERT_TRUE(ex.ok()) << Describe(ex);
  EXPECT_EQ(ex.output_fields.at("out"), "ada@example.com|123");
}

// A run ends with its result: timers or threads left behind do not hold it to the time limit.
TEST_F(CodeRunnerTest, RunEndsWithItsResult) {
  CodeRunnerOptions o = Options();
  o.time_limit_ms = 3'000;
  for (CodeRequest r :
       {Node("exports.main = async () => { setTimeout(() => {}, 30000); return { outputFields: { "
             "out: 'node' } }; };"),
        Python("import threading, time\ndef main(event):\n    threading.Thread(target=time.sleep, "
               "args=(30,)).start()\n    return {'outputFields': {'out': 'py'}}\n")}) {
    auto start = std::chrono::steady_clock::now();
    auto ex = Run(r, o);
    ASSERT_TRUE(ex.ok()) << Describe(ex);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2'500));
  }
}

TEST_F(CodeRunnerTest, SecretsVisibleAndEnvironmentClean) {
  ::setenv("FLOWD_TEST_LEAK", "leaked", 1);
  CodeRequest node = Node(R"js(
exports.main = async (event, callback) => {
  callback({ outputFields: { out: [process.env.API_KEY, String(process.env.FLOWD_TEST_LEAK),
    Object.keys(process.env).sort().join(',')].join('|') } });
};)js");
  node.secrets = {{"API_KEY", "s3cr3t value"}};
  auto ex = Run(node);
  ASSERT_TRUE(ex.ok()) << Describe(ex);
  EXPECT_EQ(ex.output_fields.at("out"), "s3cr3t value|undefined|API_KEY,HOME,LANG,PATH,TMPDIR");

  CodeRequest py = Python(R"py(
import os
def main(event):
    return {"outputFields": {"out": os.environ["API_KEY"] + "|" + str(os.environ.get("FLOWD_TEST_LEAK")) + "|" + os.getcwd() + "|" + os.environ["HOME"]}}
)py");
  py.secrets = {{"API_KEY", "py-secret"}};
  ex = Run(py);
  ASSERT_TRUE(ex.ok()) << Describe(ex);
  std::string out(ex.output_fields.at("out").as_string());
  EXPECT_EQ(out.substr(0, 15), "py-secret|None|") << out;
  // The working directory is HOME, a fresh temporary directory, gone afterwards.
  std::string cwd = out.substr(15, out.find('|', 15) - 15);
  EXPECT_EQ(out.substr(out.rfind('|') + 1), cwd);
  EXPECT_NE(cwd.find("flowd-code-"), std::string::npos) << cwd;
  EXPECT_FALSE(std::filesystem::exists(cwd));
  ::unsetenv("FLOWD_TEST_LEAK");
}

TEST_F(CodeRunnerTest, ReservedAndInvalidSecretNamesRefused) {
  for (const char* name : {"PATH", "LD_PRELOAD", "NODE_OPTIONS", "PYTHONPATH", "1BAD", "a-b"}) {
    CodeRequest r = Node("exports.main = async () => ({ outputFields: {} });");
    r.secrets = {{name, "v"}};
    auto ex = Run(r);
    EXPECT_EQ(ex.failure, CodeFailure::kInvalidRequest) << name << " " << Describe(ex);
    EXPECT_EQ(ex.message.find("v\n"), std::string::npos);
  }
}

TEST_F(CodeRunnerTest, StdoutAndStderrCapturedAndBounded) {
  auto ex =
      Run(Node("exports.main = async () => { console.log('hello out'); console.error('hello err'); "
               "return { outputFields: { out: 'x' } }; };"));
  ASSERT_TRUE(ex.ok()) << Describe(ex);
  EXPECT_EQ(ex.stdout_log, "hello out\n");
  EXPECT_EQ(ex.stderr_log, "hello err\n");
  EXPECT_FALSE(ex.stdout_truncated);

  CodeRunnerOptions o = Options();
  o.max_log_bytes = 1000;
  ex = Run(Python(R"py(
import sys
def main(event):
    print("x" * 100000)
    sys.stderr.write("e" * 5000)
    return {"outputFields": {"out": "done"}}
)py"),
           o);
  ASSERT_TRUE(ex.ok()) << Describe(ex);
  EXPECT_EQ(ex.stdout_log.size(), 1000u);
  EXPECT_TRUE(ex.stdout_truncated);
  EXPECT_EQ(ex.stderr_log.size(), 1000u);
  EXPECT_TRUE(ex.stderr_truncated);
  EXPECT_EQ(ex.output_fields.at("out"), "done");
}

TEST_F(CodeRunnerTest, TimeoutKillsTheProcessGroup) {
  CodeRunnerOptions o = Options();
  o.time_limit_ms = 1'000;
  for (CodeRequest r :
       {Node("exports.main = async () => { require('child_process').spawn('sleep', ['30']); "
             "while (true) {} };"),
        Python("import time\ndef main(event):\n    time.sleep(30)\n")}) {
    auto start = std::chrono::steady_clock::now();
    auto ex = Run(r, o);
    auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(ex.failure, CodeFailure::kTimeout) << Describe(ex);
    EXPECT_NE(ex.message.find("1000 ms"), std::string::npos) << ex.message;
    EXPECT_LT(elapsed, std::chrono::seconds(4)) << r.runtime;
    EXPECT_GE(elapsed, std::chrono::milliseconds(900)) << r.runtime;
  }
}

TEST_F(CodeRunnerTest, MemoryLimitEnforced) {
  CodeRunnerOptions o = Options();
  o.memory_limit_mb = 64;
  o.time_limit_ms = 15'000;
  auto heap = Run(Node("exports.main = async () => { const a = []; while (true) a.push(new "
                       "Array(100000).fill(1.5)); };"),
                  o);
  EXPECT_EQ(heap.failure, CodeFailure::kMemory) << Describe(heap);
  auto buffers = Run(Node("exports.main = async () => { const a = []; for (let i = 0; i < 100; "
                          "i++) a.push(Buffer.alloc(100e6)); return { outputFields: {} }; };"),
                     o);
  EXPECT_EQ(buffers.failure, CodeFailure::kMemory) << Describe(buffers);
  auto py =
      Run(Python("def main(event):\n    x = bytearray(1024 * 1024 * 1024)\n    return {}\n"), o);
  EXPECT_EQ(py.failure, CodeFailure::kMemory) << Describe(py);
  // fetch() (WebAssembly inside) still works under the limit: it fails only to connect.
  auto fetch =
      Run(Node("exports.main = async () => { try { await fetch('http://127.0.0.1:59999/'); } "
               "catch (e) { return { outputFields: { out: String(e.cause && e.cause.code) "
               "} }; } };"),
          o);
  ASSERT_TRUE(fetch.ok()) << Describe(fetch);
  EXPECT_EQ(fetch.output_fields.at("out"), "ECONNREFUSED");
}

TEST_F(CodeRunnerTest, ThrownErrorsReportTheirMessage) {
  auto node = Run(Node("exports.main = async () => { throw new TypeError('bad input'); };"));
  EXPECT_EQ(node.failure, CodeFailure::kThrown) << Describe(node);
  EXPECT_EQ(node.message, "TypeError: bad input");
  EXPECT_NE(node.stderr_log.find("main.js"), std::string::npos) << node.stderr_log;  // the stack
  auto sync = Run(Node("throw new Error('at load');"));
  EXPECT_EQ(sync.failure, CodeFailure::kThrown);
  EXPECT_EQ(sync.message, "Error: at load");
  auto syntax = Run(Node("exports.main = async () => {"));
  EXPECT_EQ(syntax.failure, CodeFailure::kThrown);
  EXPECT_NE(syntax.message.find("SyntaxError"), std::string::npos) << syntax.message;
  auto no_main = Run(Node("exports.other = 1;"));
  EXPECT_EQ(no_main.failure, CodeFailure::kThrown);
  EXPECT_NE(no_main.message.find("exports.main"), std::string::npos);
  auto py = Run(Python("def main(event):\n    raise ValueError('no good')\n"));
  EXPECT_EQ(py.failure, CodeFailure::kThrown) << Describe(py);
  EXPECT_EQ(py.message, "ValueError: no good");
  EXPECT_NE(py.stderr_log.find("Traceback"), std::string::npos);
}

TEST_F(CodeRunnerTest, ExitStatusAndInvalidResults) {
  auto exited = Run(Node("exports.main = async () => { process.exit(3); };"));
  EXPECT_EQ(exited.failure, CodeFailure::kExitStatus) << Describe(exited);
  EXPECT_NE(exited.message.find("status 3"), std::string::npos) << exited.message;
  EXPECT_EQ(exited.exit_code, 3);
  auto killed = Run(Node("exports.main = async () => { process.kill(process.pid, 'SIGSEGV'); };"));
  EXPECT_EQ(killed.failure, CodeFailure::kExitStatus) << Describe(killed);
  EXPECT_NE(killed.message.find("SIGSEGV"), std::string::npos) << killed.message;
  auto garbage =
      Run(Python("import os\ndef main(event):\n    os.write(3, b'not json')\n    os._exit(0)\n"));
  EXPECT_EQ(garbage.failure, CodeFailure::kInvalidResult) << Describe(garbage);
  EXPECT_NE(garbage.message.find("JSON"), std::string::npos);
  auto not_object = Run(Python("def main(event):\n    return 42\n"));
  EXPECT_EQ(not_object.failure, CodeFailure::kInvalidResult) << Describe(not_object);
  auto unserializable =
      Run(Python("def main(event):\n    return {'outputFields': {'out': object()}}\n"));
  EXPECT_EQ(unserializable.failure, CodeFailure::kThrown) << Describe(unserializable);
  auto bad_fields = Run(Node("exports.main = async () => ({ outputFields: 'text' });"));
  EXPECT_EQ(bad_fields.failure, CodeFailure::kInvalidResult) << Describe(bad_fields);
}

TEST_F(CodeRunnerTest, OutputsCoercedAndTypeErrorsNameTheField) {
  CodeRequest r = Node(
      "exports.main = async () => ({ outputFields: { n: '42.5', b: 'TRUE', d: '2024-02-29', "
      "t: 1717781228101, e: 'gold', s: 7 } });");
  r.output_fields = {{"n", OutputType::kNumber, {}},
                     {"b", OutputType::kBool, {}},
                     {"d", OutputType::kDate, {}},
                     {"t", OutputType::kDateTime, {}},
                     {"e", OutputType::kEnumeration, {"gold", "silver"}},
                     {"s", OutputType::kString, {}}};
  auto ex = Run(r);
  ASSERT_TRUE(ex.ok()) << Describe(ex);
  EXPECT_EQ(
      json::serialize(ex.output_fields),
      R"({"n":4.25E1,"b":true,"d":"2024-02-29","t":"2024-06-07T17:27:08.101Z","e":"gold","s":"7"})");
  r.source_code = "exports.main = async () => ({ outputFields: { n: 'many' } });";
  ex = Run(r);
  EXPECT_EQ(ex.failure, CodeFailure::kOutputType) << Describe(ex);
  EXPECT_NE(ex.message.find("'n'"), std::string::npos) << ex.message;
  r.source_code = "exports.main = async () => ({ outputFields: { e: 'bronze' } });";
  ex = Run(r);
  EXPECT_EQ(ex.failure, CodeFailure::kOutputType) << Describe(ex);
  EXPECT_NE(ex.message.find("'e'"), std::string::npos) << ex.message;
}

TEST_F(CodeRunnerTest, MissingRuntimeAndBadRequests) {
  CodeRunnerOptions o = Options();
  o.search_path = "/nonexistent-dir";
  auto ex = Run(Python("def main(event):\n    return {}\n"), o);
  EXPECT_EQ(ex.failure, CodeFailure::kMissingRuntime) << Describe(ex);
  EXPECT_NE(ex.message.find("python3"), std::string::npos) << ex.message;
  ex = Run(Node("exports.main = async () => ({})"), o);
  EXPECT_EQ(ex.failure, CodeFailure::kMissingRuntime);
  EXPECT_NE(ex.message.find("node"), std::string::npos) << ex.message;

  CodeRequest r = Node("exports.main = async () => ({})");
  r.runtime = "RUBY3";
  EXPECT_EQ(Run(r).failure, CodeFailure::kInvalidRequest);
  o = Options();
  o.max_source_bytes = 10;
  EXPECT_EQ(Run(Node("exports.main = async () => ({})"), o).failure, CodeFailure::kInvalidRequest);
}

TEST_F(CodeRunnerTest, FileSizeLimit) {
  CodeRunnerOptions o = Options();
  o.max_file_bytes = 1 << 20;
  // Both runtimes ignore SIGXFSZ, so the write past the limit fails with EFBIG instead.
  auto node = Run(Node("exports.main = async () => { require('fs').writeFileSync('big', "
                       "Buffer.alloc(2 << 20)); return { outputFields: {} }; };"),
                  o);
  EXPECT_EQ(node.failure, CodeFailure::kThrown) << Describe(node);
  EXPECT_NE(node.message.find("EFBIG"), std::string::npos) << node.message;
  auto py = Run(Python("def main(event):\n    open('big', 'wb').write(b'x' * (2 << 20))\n"), o);
  EXPECT_EQ(py.failure, CodeFailure::kThrown) << Describe(py);
  EXPECT_NE(py.message.find("File too large"), std::string::npos) << py.message;
  auto small = Run(Node("exports.main = async () => { require('fs').writeFileSync('ok', "
                        "Buffer.alloc(1000)); return { outputFields: {} }; };"),
                   o);
  EXPECT_TRUE(small.ok()) << Describe(small);
}

size_t OpenDescriptors() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd"))
    ++n;
  return n;
}

// Every run reaps its child (and kills the group), and closes every descriptor it opened.
TEST_F(CodeRunnerTest, NoZombiesNoLeakedDescriptors) {
  CodeRunnerOptions o = Options();
  o.time_limit_ms = 500;
  Run(Node("exports.main = async () => ({ outputFields: {} });"));  // resolves the interpreter
  const size_t before = OpenDescriptors();
  Run(Node("exports.main = async () => ({ outputFields: {} });"), o);
  Run(Python("import subprocess\ndef main(event):\n    subprocess.Popen(['sleep', '30'])\n    "
             "return {}\n"),
      o);
  Run(Node("exports.main = async () => { while (true) {} };"), o);
  EXPECT_EQ(OpenDescriptors(), before);
  int status = 0;
  EXPECT_EQ(::waitpid(-1, &status, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

// Runs on several threads at once (fork from a multi-threaded process) keep to their own data.
TEST_F(CodeRunnerTest, ConcurrentRuns) {
  CodeRunner runner(clock_, Options());
  std::vector<std::thread> threads;
  std::vector<std::string> outs(4);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      CodeRequest r = i % 2 == 0 ? Node(
                                       "exports.main = async (e) => ({ outputFields: { out: "
                                       "String(e.inputFields.count) } });")
                                 : Python(
                                       "def main(e):\n    return {'outputFields': {'out': "
                                       "str(e['inputFields']['count'])}}\n");
      r.event.input_fields["count"] = i;
      auto ex = runner.Run(r);
      outs[static_cast<size_t>(i)] =
          ex.ok() ? std::string(ex.output_fields.at("out").as_string()) : Describe(ex);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(outs, (std::vector<std::string>{"0", "1", "2", "3"}));
}

TEST_F(CodeRunnerTest, DurationFromTheInjectedClock) {
  // The clock is not advanced by the run, so a real 200 ms sleep reads as 0 ms.
  auto ex = Run(Python(
      "import time\ndef main(event):\n    time.sleep(0.2)\n    return {'outputFields': {}}\n"));
  ASSERT_TRUE(ex.ok()) << Describe(ex);
  EXPECT_EQ(ex.duration_ms, 0);
}

}  // namespace
}  // namespace flowd::engine
