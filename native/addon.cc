// Addon entry point: registers each concern's exports and nothing else.
#include <napi.h>

#include "exports.h"

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  tinit::RegisterProcessControl(env, exports);
  tinit::RegisterSpawn(env, exports);
  tinit::RegisterReap(env, exports);
  tinit::RegisterSignals(env, exports);
  tinit::RegisterOrphans(env, exports);
  tinit::RegisterNotifySocket(env, exports);
  return exports;
}

NODE_API_MODULE(tinit, Init)
