// Signal capture for a multi-threaded process. A SA_SIGINFO handler writes {signo, sender pid}
// into a self-pipe (write(2) is async-signal-safe, signal-safety(7)); the pipe's read end is
// watched by the JavaScript thread's own event loop (a libuv poll handle), so a delivery costs
// one wake-up of that thread and nothing else. This reaches signals Node cannot name (real-time
// ones) and carries si_pid, which libuv drops. signalfd is not usable: the signal would have
// to be blocked in every thread, and V8's threads already exist with their own masks.
#include "exports.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "errno_error.h"

// libuv is linked into every Node binary and exports its symbols to addons; declared here
// because node-api-headers (the cmake-js build) ships no uv.h. These are libuv 1.x's stable ABI.
extern "C" {
typedef struct uv_loop_s uv_loop_t;
typedef struct uv_handle_s uv_handle_t;
typedef struct uv_poll_s uv_poll_t;
typedef void (*uv_poll_cb)(uv_poll_t* handle, int status, int events);
size_t uv_handle_size(int type);
int uv_poll_init(uv_loop_t* loop, uv_poll_t* handle, int fd);
int uv_poll_start(uv_poll_t* handle, int events, uv_poll_cb cb);
void uv_ref(uv_handle_t* handle);
void uv_unref(uv_handle_t* handle);
}

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

// The JavaScript side: its callback, the async context node's hooks see it run in, and the
// poll handle on the capture pipe.
napi_env g_env = nullptr;
Napi::FunctionReference g_callback;
std::unique_ptr<Napi::AsyncContext> g_context;
uv_poll_t* g_poll = nullptr;
bool g_started = false;

constexpr int kUvPoll = 8;      // UV_POLL in uv.h's uv_handle_type
constexpr int kUvReadable = 1;  // UV_READABLE

void OnSignal(int signo, siginfo_t* si, void*) {
  int saved = errno;
  SignalRecord rec = {signo, si != nullptr ? static_cast<int32_t>(si->si_pid) : 0};
  // Records are smaller than PIPE_BUF, so each write is atomic (pipe(7)).
  if (write(g_pipe[1], &rec, sizeof rec) != static_cast<ssize_t>(sizeof rec)) {
    g_overflow.fetch_or(uint64_t{1} << (signo - 1));
  }
  errno = saved;
}

// On the JavaScript thread, when the pipe is readable: drains it (non-blocking) and hands the
// records, with any overflowed signals after them, to the callback in one batch.
void OnReadable(uv_poll_t*, int status, int) {
  if (status < 0) return;
  std::vector<int32_t> batch;
  SignalRecord buf[256];
  for (;;) {
    ssize_t n = read(g_pipe[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    size_t count = static_cast<size_t>(n) / sizeof(SignalRecord);
    for (size_t i = 0; i < count; i++) {
      batch.push_back(buf[i].signo);
      batch.push_back(buf[i].pid);
    }
  }
  uint64_t lost = g_overflow.exchange(0);
  for (int signo = 1; lost != 0; signo++, lost >>= 1) {
    if (lost & 1) {
      batch.push_back(signo);
      batch.push_back(0);
    }
  }
  if (batch.empty()) return;
  Napi::Env env(g_env);
  Napi::HandleScope scope(env);
  Napi::Int32Array records = Napi::Int32Array::New(env, batch.size());
  for (size_t i = 0; i < batch.size(); i++) records[i] = batch[i];
  // MakeCallback, as node does for its own handles: microtasks run after, hooks see the call.
  g_callback.MakeCallback(env.Global(), {records}, *g_context);
  if (env.IsExceptionPending()) {
    // No JavaScript frame is below us: hand the error to process 'uncaughtException'.
    napi_fatal_exception(env, env.GetAndClearPendingException().Value());
  }
}

// startSignalCapture(callback): callback(Int32Array [signo, senderPid, ...]) on the JS thread.
// Once per process: signal dispositions are process-wide.
Napi::Value StartSignalCapture(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsFunction()) return ThrowUsage(env, "startSignalCapture(callback)");
  if (g_started) return ThrowUsage(env, "signal capture is already started in this process");
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, reinterpret_cast<struct uv_loop_s**>(&loop)) != napi_ok) return ThrowUsage(env, "no event loop");
  if (pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return ThrowErrno(env, errno, "pipe2");
  // Never block in a handler (a full pipe falls back to the overflow mask), and never block the
  // loop when draining. Room for a burst (an orphan storm); failure keeps the 64 KiB default.
  fcntl(g_pipe[1], F_SETPIPE_SZ, 1 << 20);
  g_poll = static_cast<uv_poll_t*>(calloc(1, uv_handle_size(kUvPoll)));
  int err = uv_poll_init(loop, g_poll, g_pipe[0]);
  if (err == 0) err = uv_poll_start(g_poll, kUvReadable, OnReadable);
  if (err != 0) return ThrowErrno(env, -err, "uv_poll_start");
  g_env = env;
  g_callback = Napi::Persistent(info[0].As<Napi::Function>());
  g_context = std::make_unique<Napi::AsyncContext>(env, "tinit-signals");
  g_started = true;
  return env.Undefined();
}

// Keeps the event loop alive while signals are captured (an init waits for its child), or not.
Napi::Value SetSignalCaptureRef(const Napi::CallbackInfo& info) {
  if (!g_started) return ThrowUsage(info.Env(), "signal capture is not started");
  if (info.Length() > 0 && info[0].ToBoolean().Value()) {
    uv_ref(reinterpret_cast<uv_handle_t*>(g_poll));
  } else {
    uv_unref(reinterpret_cast<uv_handle_t*>(g_poll));
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
