// Drains every exited child with wait4(-1, WNOHANG): the main child, services and adopted
// orphans alike. Never blocks; ECHILD means "nothing left", not an error.
#include "exports.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errno_error.h"

namespace tinit {
namespace {

double TimevalMs(const struct timeval& tv) {
  return static_cast<double>(tv.tv_sec) * 1000.0 + static_cast<double>(tv.tv_usec) / 1000.0;
}

Napi::Object DescribeExit(Napi::Env env, pid_t pid, int status, const struct rusage& ru) {
  Napi::Object exit = Napi::Object::New(env);
  exit.Set("pid", Napi::Number::New(env, pid));
  bool exited = WIFEXITED(status);
  bool signaled = WIFSIGNALED(status);
  exit.Set("exitCode", exited ? Napi::Number::New(env, WEXITSTATUS(status)) : env.Null());
  exit.Set("signal", signaled ? Napi::Number::New(env, WTERMSIG(status)) : env.Null());
  exit.Set("core", Napi::Boolean::New(env, signaled && WCOREDUMP(status)));
  Napi::Object usage = Napi::Object::New(env);
  usage.Set("userMs", Napi::Number::New(env, TimevalMs(ru.ru_utime)));
  usage.Set("systemMs", Napi::Number::New(env, TimevalMs(ru.ru_stime)));
  usage.Set("maxRssKb", Napi::Number::New(env, static_cast<double>(ru.ru_maxrss)));
  exit.Set("rusage", usage);
  return exit;
}

Napi::Value Reap(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array exits = Napi::Array::New(env);
  uint32_t count = 0;
  for (;;) {
    int status = 0;
    struct rusage ru = {};
    pid_t pid = wait4(-1, &status, WNOHANG, &ru);
    if (pid > 0) {
      exits.Set(count++, DescribeExit(env, pid, status, ru));
      continue;
    }
    if (pid == 0) break;            // children exist, none has exited
    if (errno == EINTR) continue;
    if (errno == ECHILD) break;     // no children at all
    return ThrowErrno(env, errno, "wait4");
  }
  return exits;
}

// Whether any child is left to wait for: waitid(2) with WNOWAIT leaves a zombie in place, and
// ECHILD means none exist. Every descendant lives under one of our children (orphans are
// re-parented to a subreaper before it is told), so "none" means every descendant is gone.
Napi::Value ChildrenRemain(const Napi::CallbackInfo& info) {
  siginfo_t si = {};
  for (;;) {
    if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0) return Napi::Boolean::New(info.Env(), true);
    if (errno == EINTR) continue;
    if (errno == ECHILD) return Napi::Boolean::New(info.Env(), false);
    return ThrowErrno(info.Env(), errno, "waitid");
  }
}

// reapPid(pid): waits for one child (blocking); for a child just sent SIGKILL.
Napi::Value ReapPid(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) return ThrowUsage(info.Env(), "reapPid(pid)");
  pid_t pid = info[0].As<Napi::Number>().Int32Value();
  int status;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno == EINTR) continue;
    return ThrowErrno(info.Env(), errno, "waitpid");
  }
  return info.Env().Undefined();
}

// exitNow(code): _exit(2), skipping Node's exit path, which would put the terminal settings
// back to what they were when tinit started (undoing what the child set, e.g. stty -echo).
Napi::Value ExitNow(const Napi::CallbackInfo& info) {
  int code = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 0;
  _exit(code);
}

}  // namespace

void RegisterReap(Napi::Env env, Napi::Object exports) {
  exports.Set("reap", Napi::Function::New(env, Reap));
  exports.Set("childrenRemain", Napi::Function::New(env, ChildrenRemain));
  exports.Set("reapPid", Napi::Function::New(env, ReapPid));
  exports.Set("exitNow", Napi::Function::New(env, ExitNow));
}

}  // namespace tinit
