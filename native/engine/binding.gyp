{
  "targets": [
    {
      "target_name": "studio_engine",
      "sources": ["src/binding.cc", "src/model.cc", "src/config.cc", "src/lora.cc", "src/trainer.cc", "src/nf4.cc", "../src/core/json_lite.cc", "../src/core/safetensors.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "<!@(node find-torch.mjs include)"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "<!@(node find-torch.mjs defines)"],
      "libraries": ["<!@(node find-torch.mjs libs)"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++14", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O2", "-Wno-unused-parameter", "-Wno-sign-compare", "-Wno-deprecated-declarations"]
    }
  ]
}
