// Zombie factories for `tinit zombies` and `tinit doctor`: real orphans and real zombies, made
// with fork(2) alone so they behave exactly as an app's would. Only async-signal-safe calls
// run in the forked processes (signal-safety(7)): this process has other threads.
#include "exports.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vector>

#include "errno_error.h"

namespace tinit {
namespace {

[[noreturn]] void ChildExit(int code) { _exit(code); }

void ResetSignals() {
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int signo = 1; signo < NSIG; signo++) {
    if (signo != SIGKILL && signo != SIGSTOP) sigaction(signo, &dfl, nullptr);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

// Forks a worker named `name` with every handler reset, that reports pids on report[1]. In the
// worker it returns 0 (signals still blocked as fork left them; ResetSignals unblocks); in the
// parent it returns the pid (or -1 with errno), report[1] closed.
pid_t ForkWorker(const char* name, int report[2]) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pid_t pid = fork();
  if (pid == 0) {
    ResetSignals();
    prctl(PR_SET_NAME, name, 0, 0, 0);
    close(report[0]);
    return 0;
  }
  int err = errno;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  close(report[1]);
  errno = err;
  return pid;
}

// Reads pids written by the middle process until it closes the pipe.
std::vector<int32_t> ReadPids(int fd) {
  std::vector<int32_t> pids;
  int32_t pid;
  for (;;) {
    ssize_t n = read(fd, &pid, sizeof pid);
    if (n == static_cast<ssize_t>(sizeof pid)) {
      pids.push_back(pid);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  return pids;
}

Napi::Value PidArray(Napi::Env env, const std::vector<int32_t>& pids) {
  Napi::Array out = Napi::Array::New(env, pids.size());
  for (size_t i = 0; i < pids.size(); i++) out.Set(static_cast<uint32_t>(i), Napi::Number::New(env, pids[i]));
  return out;
}

// makeOrphans(count, lingerMs) -> pids. A middle process forks `count` children that block on a gate
// pipe only the middle can write to, reports their pids, and exits: the gate closes, and all
// of them exit at the same moment as orphans, for the nearest subreaper or PID 1 to reap.
// The first orphan lingers `lingerMs` before exiting, long enough to see its new parent.
// The middle is collected here, so the caller sees only the orphans' fate.
Napi::Value MakeOrphans(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) return ThrowUsage(env, "makeOrphans(count, lingerMs?)");
  int count = info[0].As<Napi::Number>().Int32Value();
  int lingerMs = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().Int32Value() : 0;
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) return ThrowErrno(env, errno, "pipe2");
  pid_t middle = ForkWorker("tinit-orphans", report);
  if (middle == 0) {
    int gate[2];
    if (pipe(gate) != 0) ChildExit(1);
    for (int i = 0; i < count; i++) {
      pid_t orphan = fork();
      if (orphan == 0) {
        prctl(PR_SET_NAME, "tinit-orphan", 0, 0, 0);
        close(gate[1]);
        close(report[1]);
        char byte;
        while (read(gate[0], &byte, 1) < 0 && errno == EINTR) {
        }
        if (i == 0 && lingerMs > 0) {
          struct timespec ts = {lingerMs / 1000, (lingerMs % 1000) * 1000000L};
          while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
          }
        }
        ChildExit(0);
      }
      if (orphan < 0) break;
      int32_t pid = orphan;
      if (write(report[1], &pid, sizeof pid) != static_cast<ssize_t>(sizeof pid)) break;
    }
    ChildExit(0);  // closes gate[1]: every orphan wakes and exits
  }
  if (middle < 0) {
    int forkErr = errno;
    close(report[0]);
    return ThrowErrno(env, forkErr, "fork");
  }
  std::vector<int32_t> pids = ReadPids(report[0]);
  close(report[0]);
  int status;
  while (waitpid(middle, &status, 0) < 0 && errno == EINTR) {
  }
  return PidArray(env, pids);
}

// holdZombies(count, seconds) -> {holder, zombies}. A holder process forks `count` children
// that exit at once and never waits for them: zombies under a living parent, which no init can
// reap. The holder ends itself after `seconds` (SIGALRM), and its zombies then go to the init.
Napi::Value HoldZombies(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsNumber()) return ThrowUsage(env, "holdZombies(count, seconds)");
  int count = info[0].As<Napi::Number>().Int32Value();
  unsigned seconds = info[1].As<Napi::Number>().Uint32Value();
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) return ThrowErrno(env, errno, "pipe2");
  pid_t holder = ForkWorker("tinit-holder", report);
  if (holder == 0) {
    for (int i = 0; i < count; i++) {
      pid_t zombie = fork();
      if (zombie == 0) {
        prctl(PR_SET_NAME, "tinit-zombie", 0, 0, 0);
        ChildExit(0);
      }
      if (zombie < 0) break;
      int32_t pid = zombie;
      if (write(report[1], &pid, sizeof pid) != static_cast<ssize_t>(sizeof pid)) break;
    }
    close(report[1]);
    // Detach from the caller's terminal signals; only the alarm (or a kill) ends the holder.
    setpgid(0, 0);
    alarm(seconds);
    for (;;) pause();
  }
  if (holder < 0) {
    int forkErr = errno;
    close(report[0]);
    return ThrowErrno(env, forkErr, "fork");
  }
  std::vector<int32_t> pids = ReadPids(report[0]);
  close(report[0]);
  Napi::Object out = Napi::Object::New(env);
  out.Set("holder", Napi::Number::New(env, holder));
  out.Set("zombies", PidArray(env, pids));
  return out;
}

Napi::Value ClockTicks(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(sysconf(_SC_CLK_TCK)));
}

}  // namespace

void RegisterOrphans(Napi::Env env, Napi::Object exports) {
  exports.Set("makeOrphans", Napi::Function::New(env, MakeOrphans));
  exports.Set("holdZombies", Napi::Function::New(env, HoldZombies));
  exports.Set("clockTicks", Napi::Function::New(env, ClockTicks));
}

}  // namespace tinit
