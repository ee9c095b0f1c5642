// Signal capture for a multi-threaded process. A SA_SIGINFO handler writes {signo, sender pid}
// into a self-pipe (write(2) is async-signal-safe, signal-safety(7)); a reader thread that
// blocks every signal turns the records into calls on the JavaScript thread. This reaches
// signals Node cannot name (real-time ones) and carries si_pid, which libuv drops. signalfd is
// not usable: the signal would have to be blocked in every thread, and V8's threads already
// exist with their own masks.
#include "exports.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "errno_error.h"

namespace tinit {
namespace {

struct SignalRecord {
  int32_t signo;
  int32_t pid;
};

int g_pipe[2] = {-1, -1};
// A delivery that finds the pipe full sets its bit here instead of being lost; the reader
// reports it (without a sender) after the next read, the way the kernel coalesces signals.
std::atomic<uint64_t> g_overflow{0};
static_assert(std::atomic<uint64_t>::is_always_lock_free, "overflow mask must be lock-free to use in a handler");

Napi::ThreadSafeFunction g_deliver;
bool g_started = false;

void OnSignal(int signo, siginfo_t* si, void*) {
  int saved = errno;
  SignalRecord rec = {signo, si != nullptr ? static_cast<int32_t>(si->si_pid) : 0};
  // Records are smaller than PIPE_BUF, so each write is atomic (pipe(7)).
  if (write(g_pipe[1], &rec, sizeof rec) != static_cast<ssize_t>(sizeof rec)) {
    g_overflow.fetch_or(uint64_t{1} << (signo - 1));
  }
  errno = saved;
}

void CallJs(Napi::Env env, Napi::Function callback, std::vector<int32_t>* batch) {
  if (env != nullptr && callback != nullptr) {
    Napi::Int32Array records = Napi::Int32Array::New(env, batch->size());
    for (size_t i = 0; i < batch->size(); i++) records[i] = (*batch)[i];
    callback.Call({records});
  }
  delete batch;
}

void ReaderLoop() {
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, nullptr);
  SignalRecord buf[256];
  for (;;) {
    ssize_t n = read(g_pipe[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    auto* batch = new std::vector<int32_t>();
    size_t count = static_cast<size_t>(n) / sizeof(SignalRecord);
    batch->reserve(count * 2 + 4);
    for (size_t i = 0; i < count; i++) {
      batch->push_back(buf[i].signo);
      batch->push_back(buf[i].pid);
    }
    uint64_t lost = g_overflow.exchange(0);
    for (int signo = 1; lost != 0; signo++, lost >>= 1) {
      if (lost & 1) {
        batch->push_back(signo);
        batch->push_back(0);
      }
    }
    if (g_deliver.BlockingCall(batch, CallJs) != napi_ok) {
      delete batch;
      return;  // the environment is shutting down
    }
  }
}

// startSignalCapture(callback): callback(Int32Array [signo, senderPid, ...]) on the JS thread.
// Once per process: signal dispositions are process-wide.
Napi::Value StartSignalCapture(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsFunction()) return ThrowUsage(env, "startSignalCapture(callback)");
  if (g_started) return ThrowUsage(env, "signal capture is already started in this process");
  if (pipe2(g_pipe, O_CLOEXEC) != 0) return ThrowErrno(env, errno, "pipe2");
  // Never block in a handler: a full pipe falls back to the overflow mask.
  fcntl(g_pipe[1], F_SETFL, fcntl(g_pipe[1], F_GETFL) | O_NONBLOCK);
  // Room for a burst (an orphan storm); failure just keeps the 64 KiB default.
  fcntl(g_pipe[1], F_SETPIPE_SZ, 1 << 20);
  g_deliver = Napi::ThreadSafeFunction::New(env, info[0].As<Napi::Function>(), "tinit-signals", 0, 1);
  g_started = true;
  std::thread(ReaderLoop).detach();
  return env.Undefined();
}

// Keeps the event loop alive while signals are captured (an init waits for its child), or not.
Napi::Value SetSignalCaptureRef(const Napi::CallbackInfo& info) {
  if (!g_started) return ThrowUsage(info.Env(), "signal capture is not started");
  if (info.Length() > 0 && info[0].ToBoolean().Value()) {
    g_deliver.Ref(info.Env());
  } else {
    g_deliver.Unref(info.Env());
  }
  return info.Env().Undefined();
}

bool ReadSignalList(const Napi::CallbackInfo& info, std::vector<int>* out) {
  if (info.Length() < 1 || !info[0].IsArray()) return false;
  Napi::Array list = info[0].As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); i++) {
    Napi::Value v = list.Get(i);
    if (!v.IsNumber()) return false;
    out->push_back(v.As<Napi::Number>().Int32Value());
  }
  return true;
}

// catchSignals([signo...]): route each to the capture pipe.
Napi::Value CatchSignals(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<int> signos;
  if (!ReadSignalList(info, &signos)) return ThrowUsage(env, "catchSignals(signos: number[])");
  if (!g_started) return ThrowUsage(env, "startSignalCapture must be called before catchSignals");
  for (int signo : signos) {
    struct sigaction sa = {};
    sa.sa_sigaction = OnSignal;
    // SA_RESTART: Node's threads must not see EINTR from our deliveries. SA_NOCLDSTOP: only
    // terminations matter to a reaper.
    sa.sa_flags = SA_SIGINFO | SA_RESTART | (signo == SIGCHLD ? SA_NOCLDSTOP : 0);
    sigfillset(&sa.sa_mask);
    if (sigaction(signo, &sa, nullptr) != 0) return ThrowErrno(env, errno, "sigaction");
  }
  // A signal blocked on entry (the exec'ing parent's mask) would never be delivered.
  sigset_t set;
  sigemptyset(&set);
  for (int signo : signos) sigaddset(&set, signo);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  return env.Undefined();
}

// setSignalDisposition([signo...], 'ignore' | 'default').
Napi::Value SetSignalDisposition(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<int> signos;
  if (!ReadSignalList(info, &signos) || info.Length() < 2 || !info[1].IsString()) {
    return ThrowUsage(env, "setSignalDisposition(signos: number[], 'ignore' | 'default')");
  }
  std::string how = info[1].As<Napi::String>().Utf8Value();
  if (how != "ignore" && how != "default") return ThrowUsage(env, "disposition must be 'ignore' or 'default'");
  for (int signo : signos) {
    struct sigaction sa = {};
    sa.sa_handler = how == "ignore" ? SIG_IGN : SIG_DFL;
    sigemptyset(&sa.sa_mask);
    if (sigaction(signo, &sa, nullptr) != 0) return ThrowErrno(env, errno, "sigaction");
  }
  return env.Undefined();
}

}  // namespace

void RegisterSignals(Napi::Env env, Napi::Object exports) {
  exports.Set("startSignalCapture", Napi::Function::New(env, StartSignalCapture));
  exports.Set("setSignalCaptureRef", Napi::Function::New(env, SetSignalCaptureRef));
  exports.Set("catchSignals", Napi::Function::New(env, CatchSignals));
  exports.Set("setSignalDisposition", Napi::Function::New(env, SetSignalDisposition));
}

}  // namespace tinit
