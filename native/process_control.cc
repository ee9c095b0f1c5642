// Process-level knobs Node does not expose: child subreaper, parent-death signal, kill with a
// real errno, terminal foreground group, and the real-time signal range of this libc.
#include "exports.h"

#include <errno.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>

#include "errno_error.h"

namespace tinit {
namespace {

// prctl(2) PR_SET_CHILD_SUBREAPER: orphans of our descendants are re-parented to us.
Napi::Value SetChildSubreaper(const Napi::CallbackInfo& info) {
  bool on = info.Length() < 1 || info[0].ToBoolean().Value();
  if (prctl(PR_SET_CHILD_SUBREAPER, on ? 1 : 0, 0, 0, 0) != 0) {
    return ThrowErrno(info.Env(), errno, "prctl");
  }
  return info.Env().Undefined();
}

// PR_GET_CHILD_SUBREAPER only answers for the calling process (there is no /proc field).
Napi::Value IsChildSubreaper(const Napi::CallbackInfo& info) {
  int value = 0;
  if (prctl(PR_GET_CHILD_SUBREAPER, &value, 0, 0, 0) != 0) {
    return ThrowErrno(info.Env(), errno, "prctl");
  }
  return Napi::Boolean::New(info.Env(), value != 0);
}

// PR_SET_PDEATHSIG on this process (tini's -p); 0 clears it.
Napi::Value SetParentDeathSignal(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) return ThrowUsage(info.Env(), "setParentDeathSignal(signo)");
  int signo = info[0].As<Napi::Number>().Int32Value();
  if (prctl(PR_SET_PDEATHSIG, signo, 0, 0, 0) != 0) return ThrowErrno(info.Env(), errno, "prctl");
  return info.Env().Undefined();
}

Napi::Value GetParentDeathSignal(const Napi::CallbackInfo& info) {
  int signo = 0;
  if (prctl(PR_GET_PDEATHSIG, &signo, 0, 0, 0) != 0) return ThrowErrno(info.Env(), errno, "prctl");
  return Napi::Number::New(info.Env(), signo);
}

// kill(2) for a pid (> 0) or a process group (< 0). Returns false when the target is gone
// (ESRCH), which is routine for an init: the child may exit between event and forward.
Napi::Value Kill(const Napi::CallbackInfo& info) {
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsNumber()) {
    return ThrowUsage(info.Env(), "kill(pid, signo)");
  }
  pid_t pid = info[0].As<Napi::Number>().Int32Value();
  int signo = info[1].As<Napi::Number>().Int32Value();
  if (kill(pid, signo) == 0) return Napi::Boolean::New(info.Env(), true);
  if (errno == ESRCH) return Napi::Boolean::New(info.Env(), false);
  return ThrowErrno(info.Env(), errno, "kill");
}

// tcsetpgrp(3) with SIGTTOU blocked: a background process may then take the terminal back
// (termios(3): "the calling process is sent SIGTTOU" unless it blocks or ignores it).
Napi::Value SetForegroundGroup(const Napi::CallbackInfo& info) {
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsNumber()) {
    return ThrowUsage(info.Env(), "setForegroundGroup(fd, pgid)");
  }
  int fd = info[0].As<Napi::Number>().Int32Value();
  pid_t pgid = info[1].As<Napi::Number>().Int32Value();
  sigset_t ttou, old;
  sigemptyset(&ttou);
  sigaddset(&ttou, SIGTTOU);
  pthread_sigmask(SIG_BLOCK, &ttou, &old);
  int rc = tcsetpgrp(fd, pgid);
  int err = errno;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (rc != 0) return ThrowErrno(info.Env(), err, "tcsetpgrp");
  return info.Env().Undefined();
}

Napi::Value GetForegroundGroup(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) return ThrowUsage(info.Env(), "getForegroundGroup(fd)");
  pid_t pgid = tcgetpgrp(info[0].As<Napi::Number>().Int32Value());
  if (pgid < 0) return ThrowErrno(info.Env(), errno, "tcgetpgrp");
  return Napi::Number::New(info.Env(), pgid);
}

// getpgid(2) and getsid(2) of any pid (0 for ourselves); Node has neither.
Napi::Value GetProcessGroup(const Napi::CallbackInfo& info) {
  pid_t pid = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 0;
  pid_t pgid = getpgid(pid);
  if (pgid < 0) return ThrowErrno(info.Env(), errno, "getpgid");
  return Napi::Number::New(info.Env(), pgid);
}

Napi::Value GetSessionId(const Napi::CallbackInfo& info) {
  pid_t pid = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 0;
  pid_t sid = getsid(pid);
  if (sid < 0) return ThrowErrno(info.Env(), errno, "getsid");
  return Napi::Number::New(info.Env(), sid);
}

// ioctl(fd, TIOCNOTTY): give up the controlling terminal so a child in a new session can take
// it. When the caller leads the session, the kernel sends SIGHUP and SIGCONT to the terminal's
// foreground group (tty_ioctl(4)). Returns false when fd is no controlling terminal.
Napi::Value ReleaseTerminal(const Napi::CallbackInfo& info) {
  int fd = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 0;
  if (ioctl(fd, TIOCNOTTY) == 0) return Napi::Boolean::New(info.Env(), true);
  if (errno == ENOTTY || errno == ENXIO || errno == EBADF || errno == EINVAL) return Napi::Boolean::New(info.Env(), false);
  return ThrowErrno(info.Env(), errno, "ioctl");
}

}  // namespace

void RegisterProcessControl(Napi::Env env, Napi::Object exports) {
  exports.Set("setChildSubreaper", Napi::Function::New(env, SetChildSubreaper));
  exports.Set("isChildSubreaper", Napi::Function::New(env, IsChildSubreaper));
  exports.Set("setParentDeathSignal", Napi::Function::New(env, SetParentDeathSignal));
  exports.Set("getParentDeathSignal", Napi::Function::New(env, GetParentDeathSignal));
  exports.Set("kill", Napi::Function::New(env, Kill));
  exports.Set("setForegroundGroup", Napi::Function::New(env, SetForegroundGroup));
  exports.Set("getForegroundGroup", Napi::Function::New(env, GetForegroundGroup));
  exports.Set("getProcessGroup", Napi::Function::New(env, GetProcessGroup));
  exports.Set("getSessionId", Napi::Function::New(env, GetSessionId));
  exports.Set("releaseTerminal", Napi::Function::New(env, ReleaseTerminal));
  // glibc reserves the first two real-time signals for NPTL, so SIGRTMIN is a run-time value.
  exports.Set("SIGRTMIN", Napi::Number::New(env, SIGRTMIN));
  exports.Set("SIGRTMAX", Napi::Number::New(env, SIGRTMAX));
}

}  // namespace tinit
