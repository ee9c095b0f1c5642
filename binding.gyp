{
  "targets": [
    {
      "target_name": "tinit",
      "sources": [
        "native/addon.cc",
        "native/errno_error.cc",
        "native/notify_socket.cc",
        "native/orphans.cc",
        "native/process_control.cc",
        "native/reap.cc",
        "native/signals.cc",
        "native/spawn.cc"
      ],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api"],
      "defines": ["NAPI_VERSION=8"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Werror"],
      "conditions": [["OS!='linux'", {"type": "none"}]]
    }
  ]
}
