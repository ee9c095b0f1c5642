// Errors thrown across the native boundary carry code, errno and syscall, as Node's own do,
// so TypeScript can branch on `err.code === 'ENOENT'` and print one clear line.
#pragma once

#include <napi.h>

#include <string>

namespace tinit {

// Builds an Error shaped like Node's system errors:
// message "ENOENT: no such file or directory, execve 'prog'", code "ENOENT", errno -2,
// syscall "execve", and path when one is given.
Napi::Error ErrnoError(Napi::Env env, int err, const char* syscall, const std::string& path = "");

// Throws ErrnoError and returns an undefined value, for `return ThrowErrno(...)` in callbacks.
Napi::Value ThrowErrno(Napi::Env env, int err, const char* syscall, const std::string& path = "");

// Throws a TypeError about a bad argument shape (a bug in the TypeScript caller).
Napi::Value ThrowUsage(Napi::Env env, const char* message);

}  // namespace tinit
