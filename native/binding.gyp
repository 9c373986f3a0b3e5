{
  "targets": [
    {
      "target_name": "vigil_native",
      "sources": ["src/addon.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "conditions": [
        ["OS=='linux'", {
          "sources": ["src/x11-source.cc"],
          "libraries": ["-lX11", "-lXi", "-lXrandr"]
        }],
        ["OS=='win'", {
          "sources": ["src/win32-source.cc"],
          "libraries": ["user32.lib"],
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/std:c++17", "/utf-8"] } }
        }],
        ["OS=='mac'", {
          "sources": ["src/macos-source.mm"],
          "xcode_settings": {
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "CLANG_ENABLE_OBJC_ARC": "YES",
            "MACOSX_DEPLOYMENT_TARGET": "11.0",
            "OTHER_CPLUSPLUSFLAGS": ["-std=c++17"]
          },
          "link_settings": {
            "libraries": ["-framework AppKit", "-framework CoreGraphics", "-framework ApplicationServices"]
          }
        }]
      ]
    }
  ]
}
