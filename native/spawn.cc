// fork + exec with a strict child. Everything that allocates or can lock (argv/envp strings,
// PATH candidates, the fd keep-list) is built in the parent; between fork and exec the child
// makes only async-signal-safe calls (signal-safety(7)). A failure in the child travels back
// as {errno, step} on a close-on-exec pipe: EOF means exec succeeded.
#include "exports.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <string>
#include <vector>

#include "errno_error.h"

namespace tinit {
namespace {

// Where the child failed; the index names the syscall reported to JavaScript.
enum Step : int32_t {
  kSetpgid, kSetsid, kTcsetpgrp, kDup2, kFcntl, kCloseRange, kChdir, kSetrlimit, kUmask,
  kSetgroups, kSetgid, kSetuid, kPrctl, kExecve, kStepCount
};
const char* const kStepNames[kStepCount] = {
  "setpgid", "setsid", "tcsetpgrp", "dup2", "fcntl", "close_range", "chdir", "setrlimit", "umask",
  "setgroups", "setgid", "setuid", "prctl", "execve",
};

struct ChildFailure {
  int32_t err;
  int32_t step;
};

// Owns the C strings handed to execve; built before fork.
struct CStringArray {
  std::vector<std::string> storage;
  std::vector<char*> pointers;
  void Seal() {
    pointers.clear();
    for (auto& s : storage) pointers.push_back(const_cast<char*>(s.c_str()));
    pointers.push_back(nullptr);
  }
};

struct SpawnSpec {
  std::string file;                     // as the user wrote it, for error messages
  std::vector<std::string> candidates;  // paths to execve in turn (PATH search done in TS)
  CStringArray argv;
  CStringArray envp;
  CStringArray shArgv;                  // /bin/sh fallback for ENOEXEC, as execvp(3) does
  std::string cwd;
  int stdio[3] = {0, 1, 2};
  std::vector<int> keepFds;             // inherited fds >= 3 the child keeps (sorted)
  std::vector<std::pair<int, int>> extraFds;  // {target, source}: source appears as target
  bool newProcessGroup = true;
  bool newSession = false;              // setsid(2), and take stdin's terminal if it is one
  bool foreground = false;
  bool hasNofile = false;
  rlim_t nofileSoft = 0;
  int umaskValue = -1;
  bool hasGroups = false;
  std::vector<gid_t> groups;
  long gid = -1;
  long uid = -1;
  int pdeathsig = 0;
};

// --- the child side: async-signal-safe only ---

[[noreturn]] void Fail(int pipeFd, Step step, int err) {
  ChildFailure f = {err, step};
  ssize_t ignored = write(pipeFd, &f, sizeof f);
  (void)ignored;
  _exit(127);
}

// close_range(2) (Linux 5.9) through syscall(2): the glibc wrapper only exists from 2.34.
int CloseRange(unsigned first, unsigned last) {
#ifdef SYS_close_range
  return static_cast<int>(syscall(SYS_close_range, first, last, 0));
#else
  errno = ENOSYS;
  return -1;
#endif
}

// Closes every fd >= 3 except those in `keep` (sorted, the error pipe included). Where
// close_range is missing, the fds left open are the ones Node marked close-on-exec anyway.
void CloseOtherFds(const std::vector<int>& keep) {
  unsigned next = 3;
  for (int fd : keep) {
    if (fd < 3) continue;
    if (static_cast<unsigned>(fd) > next && CloseRange(next, fd - 1) != 0 && errno == ENOSYS) return;
    next = static_cast<unsigned>(fd) + 1;
  }
  CloseRange(next, UINT_MAX);
}

void ExecCandidates(SpawnSpec& spec, int pipeFd) {
  bool sawEacces = false;
  int lastErr = ENOENT;
  for (auto& path : spec.candidates) {
    execve(path.c_str(), spec.argv.pointers.data(), spec.envp.pointers.data());
    int err = errno;
    if (err == ENOEXEC) {
      // A script without a #! line runs under /bin/sh, as execvp(3) does it.
      spec.shArgv.pointers[1] = const_cast<char*>(path.c_str());
      execve("/bin/sh", spec.shArgv.pointers.data(), spec.envp.pointers.data());
      err = errno;
    }
    switch (err) {
      case EACCES:
        sawEacces = true;
        lastErr = err;
        continue;
      case ENOENT: case ENOTDIR: case ESTALE: case ENODEV: case ETIMEDOUT:
        lastErr = err;
        continue;
      default:
        Fail(pipeFd, kExecve, err);
    }
  }
  Fail(pipeFd, kExecve, sawEacces ? EACCES : lastErr);
}

[[noreturn]] void RunChild(SpawnSpec& spec, int pipeFd, pid_t parent) {
  // 1. Every disposition back to default while all signals are still blocked: SIG_IGN
  //    survives execve(2), and Node ignores SIGPIPE and SIGXFSZ. 32/33 (NPTL) fail harmlessly.
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int signo = 1; signo < NSIG; signo++) {
    if (signo != SIGKILL && signo != SIGSTOP) sigaction(signo, &dfl, nullptr);
  }

  // 2. Own process group, then the terminal's foreground (SIGTTOU is still blocked, so this
  //    works from a background group too). ENOTTY/ENXIO: stdin is no terminal; that is fine.
  //    A new session instead (dumb-init's mode) leads its own group and takes the terminal on
  //    stdin as its controlling tty (TIOCSCTTY, tty_ioctl(4)); the caller released it first.
  if (spec.newSession) {
    if (setsid() < 0) Fail(pipeFd, kSetsid, errno);
    if (isatty(STDIN_FILENO)) ioctl(STDIN_FILENO, TIOCSCTTY, 0);
  } else if (spec.newProcessGroup && setpgid(0, 0) != 0) {
    Fail(pipeFd, kSetpgid, errno);
  }
  if (!spec.newSession && spec.foreground && tcsetpgrp(STDIN_FILENO, getpgrp()) != 0 && errno != ENOTTY && errno != ENXIO) {
    Fail(pipeFd, kTcsetpgrp, errno);
  }

  // 3. stdio: sources below 3 that would be overwritten are first moved out of the way.
  int src[3];
  for (int i = 0; i < 3; i++) {
    src[i] = spec.stdio[i];
    if (src[i] != i && src[i] < 3) {
      int moved = fcntl(src[i], F_DUPFD_CLOEXEC, 3);
      if (moved < 0) Fail(pipeFd, kFcntl, errno);
      src[i] = moved;
    }
  }
  for (int i = 0; i < 3; i++) {
    if (src[i] != i) {
      if (dup2(src[i], i) < 0) Fail(pipeFd, kDup2, errno);
    } else if (fcntl(i, F_SETFD, 0) != 0) {  // Node marks 0-2 close-on-exec
      Fail(pipeFd, kFcntl, errno);
    }
    // Blocking again: a pipe Node (or another child) made O_NONBLOCK breaks naive writers.
    int fl = fcntl(i, F_GETFL);
    if (fl >= 0 && (fl & O_NONBLOCK)) fcntl(i, F_SETFL, fl & ~O_NONBLOCK);
  }

  // 3b. Extra fds (an s6 notification fd): the parent moved every source above every target,
  //     so no dup2 here can overwrite a source still to come.
  for (auto& [target, source] : spec.extraFds) {
    if (dup2(source, target) < 0) Fail(pipeFd, kDup2, errno);
  }

  // 4. Inherited fds stay (Node marked the low ones close-on-exec); nothing else survives.
  for (int fd : spec.keepFds) {
    if (fd != pipeFd && fcntl(fd, F_SETFD, 0) != 0 && errno != EBADF) Fail(pipeFd, kFcntl, errno);
  }
  CloseOtherFds(spec.keepFds);

  // 5. Working directory, the open-files limit Node raised, umask.
  if (!spec.cwd.empty() && chdir(spec.cwd.c_str()) != 0) Fail(pipeFd, kChdir, errno);
  if (spec.hasNofile) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
      rl.rlim_cur = std::min(spec.nofileSoft, rl.rlim_max);
      if (setrlimit(RLIMIT_NOFILE, &rl) != 0) Fail(pipeFd, kSetrlimit, errno);
    }
  }
  if (spec.umaskValue >= 0) umask(static_cast<mode_t>(spec.umaskValue));

  // 6. Credentials: groups first, then gid, then uid (after setuid the others are refused).
  if (spec.hasGroups && setgroups(spec.groups.size(), spec.groups.data()) != 0) Fail(pipeFd, kSetgroups, errno);
  if (spec.gid >= 0 && setgid(static_cast<gid_t>(spec.gid)) != 0) Fail(pipeFd, kSetgid, errno);
  if (spec.uid >= 0 && setuid(static_cast<uid_t>(spec.uid)) != 0) Fail(pipeFd, kSetuid, errno);

  // 7. Parent-death signal after the id change (set*id clears it, prctl(2)); if the parent
  //    is already gone the signal would never come, so deliver it now.
  if (spec.pdeathsig > 0) {
    if (prctl(PR_SET_PDEATHSIG, spec.pdeathsig, 0, 0, 0) != 0) Fail(pipeFd, kPrctl, errno);
    if (getppid() != parent) kill(getpid(), spec.pdeathsig);
  }

  // 8. An empty mask, then exec.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  ExecCandidates(spec, pipeFd);
  _exit(127);  // not reached: ExecCandidates always ends in execve or Fail
}

// --- the parent side ---

// A string (UTF-8) or a Buffer (raw bytes: argv and environment need not be UTF-8).
bool ReadBytes(Napi::Value v, std::string* out) {
  if (v.IsString()) {
    *out = v.As<Napi::String>().Utf8Value();
    return true;
  }
  if (v.IsBuffer()) {
    Napi::Buffer<char> b = v.As<Napi::Buffer<char>>();
    out->assign(b.Data(), b.Length());
    return out->find('\0') == std::string::npos;
  }
  return false;
}

bool ReadStrings(Napi::Value value, std::vector<std::string>* out) {
  if (!value.IsArray()) return false;
  Napi::Array list = value.As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); i++) {
    std::string s;
    if (!ReadBytes(list.Get(i), &s)) return false;
    out->push_back(std::move(s));
  }
  return true;
}

bool ReadInts(Napi::Value value, std::vector<int>* out) {
  if (!value.IsArray()) return false;
  Napi::Array list = value.As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); i++) {
    Napi::Value v = list.Get(i);
    if (!v.IsNumber()) return false;
    out->push_back(v.As<Napi::Number>().Int32Value());
  }
  return true;
}

bool HasNumber(const Napi::Object& o, const char* key) { return o.Has(key) && o.Get(key).IsNumber(); }

const char* ParseSpec(const Napi::Object& o, SpawnSpec* spec) {
  if (!ReadBytes(o.Get("file"), &spec->file)) return "spec.file must be a string or Buffer";
  if (!ReadStrings(o.Get("candidates"), &spec->candidates) || spec->candidates.empty()) {
    return "spec.candidates must be a non-empty (string | Buffer)[]";
  }
  if (!ReadStrings(o.Get("argv"), &spec->argv.storage) || spec->argv.storage.empty()) {
    return "spec.argv must be a non-empty (string | Buffer)[]";
  }
  if (!ReadStrings(o.Get("envp"), &spec->envp.storage)) return "spec.envp must be a (string | Buffer)[]";
  if (o.Has("cwd") && !o.Get("cwd").IsUndefined() && !ReadBytes(o.Get("cwd"), &spec->cwd)) return "spec.cwd must be a string or Buffer";
  if (o.Has("stdio")) {
    std::vector<int> stdio;
    if (!ReadInts(o.Get("stdio"), &stdio) || stdio.size() != 3) return "spec.stdio must be [fd, fd, fd]";
    for (int i = 0; i < 3; i++) spec->stdio[i] = stdio[i];
  }
  if (o.Has("keepFds") && !ReadInts(o.Get("keepFds"), &spec->keepFds)) return "spec.keepFds must be a number[]";
  if (o.Has("extraFds") && !o.Get("extraFds").IsUndefined()) {
    std::vector<int> flat;
    if (!ReadInts(o.Get("extraFds"), &flat) || flat.size() % 2 != 0) return "spec.extraFds must be [target, source, ...]";
    for (size_t i = 0; i < flat.size(); i += 2) {
      if (flat[i] < 3) return "spec.extraFds targets must be >= 3 (0-2 are stdio)";
      spec->extraFds.emplace_back(flat[i], flat[i + 1]);
    }
  }
  if (o.Has("newProcessGroup")) spec->newProcessGroup = o.Get("newProcessGroup").ToBoolean().Value();
  if (o.Has("newSession")) spec->newSession = o.Get("newSession").ToBoolean().Value();
  if (o.Has("foreground")) spec->foreground = o.Get("foreground").ToBoolean().Value();
  if (HasNumber(o, "nofileSoft")) {
    double v = o.Get("nofileSoft").As<Napi::Number>().DoubleValue();
    spec->hasNofile = true;
    spec->nofileSoft = v < 0 ? RLIM_INFINITY : static_cast<rlim_t>(v);
  }
  if (HasNumber(o, "umask")) spec->umaskValue = o.Get("umask").As<Napi::Number>().Int32Value();
  if (o.Has("groups") && !o.Get("groups").IsUndefined()) {
    std::vector<int> groups;
    if (!ReadInts(o.Get("groups"), &groups)) return "spec.groups must be a number[]";
    spec->hasGroups = true;
    for (int g : groups) spec->groups.push_back(static_cast<gid_t>(g));
  }
  if (HasNumber(o, "gid")) spec->gid = o.Get("gid").As<Napi::Number>().Int64Value();
  if (HasNumber(o, "uid")) spec->uid = o.Get("uid").As<Napi::Number>().Int64Value();
  if (HasNumber(o, "pdeathsig")) spec->pdeathsig = o.Get("pdeathsig").As<Napi::Number>().Int32Value();
  return nullptr;
}

// spawn(spec) -> pid. Throws an errno error whose syscall names the failed step.
Napi::Value Spawn(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) return ThrowUsage(env, "spawn(spec)");
  SpawnSpec spec;
  if (const char* problem = ParseSpec(info[0].As<Napi::Object>(), &spec)) return ThrowUsage(env, problem);

  spec.argv.Seal();
  spec.envp.Seal();
  spec.shArgv.storage.push_back("/bin/sh");
  spec.shArgv.storage.push_back("");  // the script path, filled in by the child
  for (size_t i = 1; i < spec.argv.storage.size(); i++) spec.shArgv.storage.push_back(spec.argv.storage[i]);
  spec.shArgv.Seal();

  // Everything the child must not lose while it places the extra fds goes above them.
  int floor = 3;
  for (auto& [target, source] : spec.extraFds) floor = std::max(floor, target + 1);
  std::vector<int> moved;
  for (auto& [target, source] : spec.extraFds) {
    int high = fcntl(source, F_DUPFD_CLOEXEC, floor);
    if (high < 0) {
      for (int fd : moved) close(fd);
      return ThrowErrno(env, errno, "fcntl");
    }
    moved.push_back(high);
    source = high;
    spec.keepFds.push_back(target);
  }
  auto closeMoved = [&moved]() {
    for (int fd : moved) close(fd);
  };
  int pipeFds[2];
  if (pipe2(pipeFds, O_CLOEXEC) != 0) {
    closeMoved();
    return ThrowErrno(env, errno, "pipe2");
  }
  for (int& end : pipeFds) {
    if (end < floor) {
      int high = fcntl(end, F_DUPFD_CLOEXEC, floor);
      if (high >= 0) {
        close(end);
        end = high;
      }
    }
  }
  spec.keepFds.push_back(pipeFds[1]);
  std::sort(spec.keepFds.begin(), spec.keepFds.end());
  spec.keepFds.erase(std::unique(spec.keepFds.begin(), spec.keepFds.end()), spec.keepFds.end());

  // Block everything around fork so no handler of ours runs in the child before step 1.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    close(pipeFds[0]);
    RunChild(spec, pipeFds[1], parent);
  }
  int forkErr = errno;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  close(pipeFds[1]);
  closeMoved();
  if (pid < 0) {
    close(pipeFds[0]);
    return ThrowErrno(env, forkErr, "fork");
  }

  ChildFailure failure;
  ssize_t n;
  do {
    n = read(pipeFds[0], &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  close(pipeFds[0]);
  if (n == 0) return Napi::Number::New(env, pid);  // EOF: execve succeeded

  // The child failed before exec: collect it here so no reaper reports a phantom exit.
  // (spawn runs on the JS thread, the only thread that reaps, so nobody else can take it.)
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (n != static_cast<ssize_t>(sizeof failure) || failure.step < 0 || failure.step >= kStepCount) {
    return ThrowErrno(env, n < 0 ? errno : EIO, "read");
  }
  std::string path = failure.step == kExecve ? spec.file : failure.step == kChdir ? spec.cwd : "";
  return ThrowErrno(env, failure.err, kStepNames[failure.step], path);
}

// makePipe() -> [readFd, writeFd], both close-on-exec: a service's stdout or stderr. The
// write end reaches the child only through spawn's stdio (dup2 clears close-on-exec there).
Napi::Value MakePipe(const Napi::CallbackInfo& info) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return ThrowErrno(info.Env(), errno, "pipe2");
  Napi::Array out = Napi::Array::New(info.Env(), 2);
  out.Set(0u, Napi::Number::New(info.Env(), fds[0]));
  out.Set(1u, Napi::Number::New(info.Env(), fds[1]));
  return out;
}

// execve(file, argv, envp): replace this process (the single-file build re-executes itself with
// a clean environment). Node marks fds 0-2 close-on-exec (node-pid1.md §4): they are made
// inheritable again first, or the new image would start without stdio. Returns only on error.
Napi::Value Execve(const Napi::CallbackInfo& info) {
  std::string file;
  CStringArray argv, envp;
  if (info.Length() < 3 || !ReadBytes(info[0], &file) || !ReadStrings(info[1], &argv.storage) ||
      !ReadStrings(info[2], &envp.storage) || argv.storage.empty()) {
    Napi::TypeError::New(info.Env(), "execve(file, argv, envp): strings or Buffers without NUL bytes, argv not empty").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  argv.Seal();
  envp.Seal();
  for (int fd = 0; fd <= 2; fd++) {
    int flags = fcntl(fd, F_GETFD);
    if (flags >= 0) fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
  }
  execve(file.c_str(), argv.pointers.data(), envp.pointers.data());
  return ThrowErrno(info.Env(), errno, "execve", file.c_str());
}

// setPipeCapacity(fd, bytes): F_SETPIPE_SZ (fcntl(2)). Returns the capacity now in force, or
// 0 when fd is no pipe or the kernel refused (capped by /proc/sys/fs/pipe-max-size, or the
// user's pipe quota): a refusal only keeps the default size, so it is not an error.
Napi::Value SetPipeCapacity(const Napi::CallbackInfo& info) {
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsNumber()) {
    Napi::TypeError::New(info.Env(), "setPipeCapacity(fd, bytes)").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  int size = fcntl(info[0].As<Napi::Number>().Int32Value(), F_SETPIPE_SZ, info[1].As<Napi::Number>().Int32Value());
  return Napi::Number::New(info.Env(), size < 0 ? 0 : size);
}

}  // namespace

void RegisterSpawn(Napi::Env env, Napi::Object exports) {
  exports.Set("setPipeCapacity", Napi::Function::New(env, SetPipeCapacity));
  exports.Set("spawn", Napi::Function::New(env, Spawn));
  exports.Set("execve", Napi::Function::New(env, Execve));
  exports.Set("makePipe", Napi::Function::New(env, MakePipe));
}

}  // namespace tinit
