// Each native concern registers its functions on the addon's exports object.
#pragma once

#include <napi.h>

namespace tinit {

void RegisterProcessControl(Napi::Env env, Napi::Object exports);
void RegisterSpawn(Napi::Env env, Napi::Object exports);
void RegisterReap(Napi::Env env, Napi::Object exports);
void RegisterSignals(Napi::Env env, Napi::Object exports);
void RegisterOrphans(Napi::Env env, Napi::Object exports);
void RegisterNotifySocket(Napi::Env env, Napi::Object exports);

}  // namespace tinit
