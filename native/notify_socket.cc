// The sd_notify(3) socket for services that report READY=1: one AF_UNIX datagram socket in the
// abstract namespace (no file, so a read-only root works), SO_PASSCRED for the sender's pid.
// Node cannot read a datagram unix socket, so a thread blocks in recvmsg and hands each
// message to JavaScript through a thread-safe function.
#include "exports.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <thread>

#include "errno_error.h"

namespace tinit {
namespace {

struct Message {
  int32_t pid;
  std::string text;
};

Napi::ThreadSafeFunction g_notify;
int g_socket = -1;

void Deliver(Napi::Env env, Napi::Function callback, Message* m) {
  if (env != nullptr && callback != nullptr) {
    callback.Call({Napi::Number::New(env, m->pid), Napi::String::New(env, m->text)});
  }
  delete m;
}

void ReadLoop(int fd) {
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, nullptr);
  char buf[4096];
  union {
    struct cmsghdr align;
    char bytes[CMSG_SPACE(sizeof(struct ucred))];
  } control;
  for (;;) {
    struct iovec iov = {buf, sizeof buf};
    struct msghdr msg = {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.bytes;
    msg.msg_controllen = sizeof control.bytes;
    ssize_t n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return;
    int32_t pid = 0;
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
        struct ucred cred;
        memcpy(&cred, CMSG_DATA(c), sizeof cred);
        pid = cred.pid;
      }
    }
    auto* m = new Message{pid, std::string(buf, static_cast<size_t>(n))};
    if (g_notify.BlockingCall(m, Deliver) != napi_ok) {
      delete m;
      return;
    }
  }
}

// startNotifySocket(name, callback(pid, text)) -> the NOTIFY_SOCKET value ("@name").
Napi::Value StartNotifySocket(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsFunction()) return ThrowUsage(env, "startNotifySocket(name, callback)");
  if (g_socket >= 0) return ThrowUsage(env, "the notify socket is already started");
  std::string name = info[0].As<Napi::String>().Utf8Value();
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ThrowErrno(env, errno, "socket");
  struct sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  if (name.size() + 1 >= sizeof addr.sun_path) {
    close(fd);
    return ThrowUsage(env, "notify socket name too long");
  }
  // Abstract namespace: sun_path[0] is NUL (unix(7)).
  memcpy(addr.sun_path + 1, name.data(), name.size());
  socklen_t len = static_cast<socklen_t>(offsetof(struct sockaddr_un, sun_path) + 1 + name.size());
  if (bind(fd, reinterpret_cast<struct sockaddr*>(&addr), len) != 0) {
    int err = errno;
    close(fd);
    return ThrowErrno(env, err, "bind");
  }
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
  g_notify = Napi::ThreadSafeFunction::New(env, info[1].As<Napi::Function>(), "tinit-notify", 0, 1);
  g_notify.Unref(env);  // the supervisor keeps itself alive; this never should
  g_socket = fd;
  std::thread(ReadLoop, fd).detach();
  return Napi::String::New(env, "@" + name);
}

}  // namespace

void RegisterNotifySocket(Napi::Env env, Napi::Object exports) {
  exports.Set("startNotifySocket", Napi::Function::New(env, StartNotifySocket));
}

}  // namespace tinit
