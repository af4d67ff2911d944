#include "engine/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>

namespace flowd::engine {

namespace {

using SteadyClock = std::chrono::steady_clock;

// Closes on destruction; -1 is "no descriptor".
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read, write;
};

Result<Pipe> MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return Error::Internal(std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  return Pipe{Fd(fds[0]), Fd(fds[1])};
}

std::string ErrnoText(int err) { return std::strerror(err); }

// Runs in the child between fork and exec: async-signal-safe calls only, no allocation, no locks.
[[noreturn]] void ExecChild(const ChildSpec& spec, char* const* argv, char* const* envp, int in_fd,
                            int out_fd, int err_fd, int result_fd, int report_fd) {
  ::setpgid(0, 0);
  // Move every pipe end above the target numbers first so that no dup2 clobbers another, then
  // place them: 0-3 for the program, 4 (close-on-exec) for reporting a failure to exec.
  int fds[5] = {in_fd, out_fd, err_fd, result_fd, report_fd};
  for (int& fd : fds) {
    fd = ::fcntl(fd, F_DUPFD_CLOEXEC, 10);
    if (fd < 0) ::_exit(127);
  }
  for (int target = 0; target < 4; ++target) {
    if (::dup2(fds[target], target) < 0) ::_exit(127);  // dup2 clears FD_CLOEXEC on the target
  }
  if (::dup3(fds[4], 4, O_CLOEXEC) < 0) ::_exit(127);
  auto die = [](int stage) {
    int err[2] = {stage, errno};
    ssize_t ignored = ::write(4, err, sizeof err);
    (void)ignored;
    ::_exit(127);
  };
  // Anything else this process had open and not marked close-on-exec stays out of the child.
  if (::syscall(SYS_close_range, 5u, ~0u, 0u) != 0) {
    for (int fd = 5; fd < 4096; ++fd) ::close(fd);
  }

  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);  // flowd blocks shutdown signals in its threads
  struct sigaction dfl;
  std::memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);  // SIG_IGN survives exec

  auto limit = [&](int resource, uint64_t value) {
    if (value == 0) return;
    struct rlimit rl;
    rl.rlim_cur = rl.rlim_max = static_cast<rlim_t>(value);
    if (::setrlimit(resource, &rl) != 0) die(2);
  };
  limit(RLIMIT_AS, spec.limits.address_space_bytes);
  limit(RLIMIT_DATA, spec.limits.data_bytes);
  limit(RLIMIT_NPROC, spec.limits.max_processes);
  limit(RLIMIT_NOFILE, spec.limits.max_open_files);
  limit(RLIMIT_FSIZE, spec.limits.max_file_bytes);
  struct rlimit no_core = {0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);

  if (::chdir(spec.working_directory.c_str()) != 0) die(3);
  ::execve(spec.executable.c_str(), argv, envp);
  die(4);
  ::_exit(127);  // not reached: die exits
}

void Append(Capture& c, const char* data, size_t n, size_t max) {
  c.total_bytes += n;
  if (c.head.size() < max) c.head.append(data, std::min(n, max - c.head.size()));
  if (n >= kCaptureTailBytes) {
    c.tail.assign(data + n - kCaptureTailBytes, kCaptureTailBytes);
  } else {
    c.tail.append(data, n);
    if (c.tail.size() > kCaptureTailBytes) c.tail.erase(0, c.tail.size() - kCaptureTailBytes);
  }
}

// Reads what is available on `fd` (non-blocking). False at end of file or on an error.
bool Drain(int fd, const std::function<void(const char*, size_t)>& sink) {
  char buf[16384];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      sink(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

// True once the child has exited (it is left a zombie, so its pid and group stay reserved until
// WaitFor reaps it).
bool HasExited(pid_t pid) {
  siginfo_t info;
  std::memset(&info, 0, sizeof info);
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
    return errno == ECHILD;
  }
  return info.si_pid == pid;
}

void Reap(pid_t pid, ChildOutcome& outcome) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return;
  }
  if (WIFEXITED(status)) outcome.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) outcome.signal = WTERMSIG(status);
}

}  // namespace

Result<ChildOutcome> RunChild(const ChildSpec& spec) {
  if (spec.argv.empty()) return Error::Internal("RunChild needs argv[0]");
  // Everything the child needs is allocated before fork.
  std::vector<char*> argv, envp;
  for (const std::string& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const std::string& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  Fd devnull(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (devnull.get() < 0) return Error::Internal("cannot open /dev/null: " + ErrnoText(errno));
  FLOWD_ASSIGN_OR_RETURN(Pipe out, MakePipe());
  FLOWD_ASSIGN_OR_RETURN(Pipe err, MakePipe());
  FLOWD_ASSIGN_OR_RETURN(Pipe result, MakePipe());
  FLOWD_ASSIGN_OR_RETURN(Pipe report, MakePipe());  // exec failures; closed by a successful exec

  const auto start = SteadyClock::now();
  pid_t pid = ::fork();
  if (pid < 0) return Error::Internal("cannot start " + spec.executable + ": " + ErrnoText(errno));
  if (pid == 0) {
    ExecChild(spec, argv.data(), envp.data(), devnull.get(), out.write.get(), err.write.get(),
              result.write.get(), report.write.get());
  }
  ::setpgid(pid, pid);  // also done by the child: whichever runs first wins the race
  devnull.reset();
  out.write.reset();
  err.write.reset();
  result.write.reset();
  report.write.reset();

  ChildOutcome outcome;
  int failure[2] = {0, 0};
  ssize_t got;
  do {
    got = ::read(report.read.get(), failure, sizeof failure);
  } while (got < 0 && errno == EINTR);
  if (got == static_cast<ssize_t>(sizeof failure)) {
    Reap(pid, outcome);
    static constexpr const char* kStages[] = {"", "set up descriptors for", "set limits for",
                                              "enter the working directory of", "execute"};
    const char* stage = failure[0] >= 1 && failure[0] <= 4 ? kStages[failure[0]] : "start";
    return Error::Internal(std::string("cannot ") + stage + " " + spec.executable + ": " +
                           ErrnoText(failure[1]));
  }

  struct Stream {
    int fd;
    std::function<void(const char*, size_t)> sink;
  };
  const ChildLimits& lim = spec.limits;
  std::vector<Stream> open = {
      {out.read.get(),
       [&](const char* d, size_t n) { Append(outcome.out, d, n, lim.max_capture_bytes); }},
      {err.read.get(),
       [&](const char* d, size_t n) { Append(outcome.err, d, n, lim.max_capture_bytes); }},
      {result.read.get(), [&](const char* d, size_t n) {
         size_t room = lim.max_result_bytes - std::min(lim.max_result_bytes, outcome.result.size());
         if (n > room) outcome.result_truncated = true;
         outcome.result.append(d, std::min(n, room));
       }}};
  for (const Stream& s : open) ::fcntl(s.fd, F_SETFL, ::fcntl(s.fd, F_GETFL) | O_NONBLOCK);

  auto deadline = start + std::chrono::milliseconds(std::max<int64_t>(lim.time_limit_ms, 1));
  bool exited = false;
  while (true) {
    if (!exited && HasExited(pid)) {
      // Grandchildren may still hold the pipes: end them, and read what is left for a moment.
      exited = true;
      ::kill(-pid, SIGKILL);
      deadline = std::min(deadline, SteadyClock::now() + std::chrono::milliseconds(500));
    }
    if (open.empty() && exited) break;
    auto now = SteadyClock::now();
    if (now >= deadline) {
      if (!exited) outcome.timed_out = true;
      break;
    }
    // Exit is noticed by polling every 10 ms while the pipes stay open (user code may close its
    // stdout); the pipes themselves wake the loop at once.
    int64_t wait_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
    if (!exited) wait_ms = std::min<int64_t>(wait_ms, open.empty() ? 5 : 10);
    std::vector<pollfd> fds;
    for (const Stream& s : open) fds.push_back({s.fd, POLLIN, 0});
    int ready = ::poll(fds.data(), fds.size(), static_cast<int>(wait_ms));
    if (ready < 0 && errno != EINTR) break;
    for (size_t i = fds.size(); i-- > 0;) {
      if (fds[i].revents == 0) continue;
      if (!Drain(open[i].fd, open[i].sink)) open.erase(open.begin() + static_cast<long>(i));
    }
  }
  ::kill(-pid, SIGKILL);  // a no-op for a group that has already gone
  Reap(pid, outcome);
  for (const Stream& s : open) Drain(s.fd, s.sink);  // whatever was buffered when it ended
  outcome.elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start).count();
  return outcome;
}

std::optional<std::string> FindInPath(const std::string& name, const std::string& search_path) {
  if (name.find('/') != std::string::npos) {
    return ::access(name.c_str(), X_OK) == 0 ? std::optional<std::string>(name) : std::nullopt;
  }
  size_t start = 0;
  while (start <= search_path.size()) {
    size_t colon = search_path.find(':', start);
    std::string dir =
        search_path.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!dir.empty() && dir.front() == '/') {
      std::string candidate = dir + "/" + name;
      struct stat st;
      if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
          ::access(candidate.c_str(), X_OK) == 0) {
        return candidate;
      }
    }
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return std::nullopt;
}

}  // namespace flowd::engine
