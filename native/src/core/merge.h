// Streaming LoRA merge: writes the merged model shard by shard, one tensor at
// a time, so peak memory follows the largest tensor and never the model.
// The plan (which base tensor gets which LoRA pair, scale, output dtype) is
// made by the caller; this file only does the arithmetic and the I/O.
#pragma once
#include <atomic>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "safetensors.h"

namespace studio::merge {

struct Lora {
  const st::File* file = nullptr;
  const st::TensorInfo* a = nullptr;          // lora_A.weight: [r, in]
  const st::TensorInfo* b = nullptr;          // lora_B.weight: [out, r]
  const st::TensorInfo* magnitude = nullptr;  // DoRA: lora_magnitude_vector [out], or null
  double scale = 1.0;                         // lora_alpha / r, or / sqrt(r) with rsLoRA
  bool fan_in_fan_out = false;                // base weight stored [in, out] (GPT-2 Conv1D)
};

struct OutTensor {
  std::string name;
  const st::File* src = nullptr;  // where the base bytes come from (base shard or, for modules_to_save, the adapter)
  const st::TensorInfo* info = nullptr;
  st::DType out_dtype = st::DType::BF16;
  std::vector<Lora> loras;  // empty: copied (or only converted)
};

struct OutShard {
  std::string path;  // final file path; written as path.partial then renamed
  std::vector<OutTensor> tensors;
  std::map<std::string, std::string> metadata;
};

enum class Rounding {
  Peft,    // as PEFT merge_and_unload on CPU: delta = fp32(fp32(B·A)·scale), then W' = round(fp32(W) + delta)
  Single,  // everything in double, one rounding into the output dtype
};

struct Options {
  Rounding rounding = Rounding::Peft;
  int threads = 0;  // 0: hardware concurrency
  io::Mode io = io::Mode::Auto;
};

struct Progress {
  uint64_t bytes_done = 0, bytes_total = 0;
  size_t tensors_done = 0, tensors_total = 0;
  std::string current;
};

class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("merge cancelled") {}
};

struct Summary {
  bool direct_io = true;  // every shard went to disk with direct I/O
};

// Throws st::Error on bad input, Cancelled when cancel becomes true. Shards
// already renamed into place stay; the caller writes into a temporary folder.
Summary run(const std::vector<OutShard>& shards, const Options& opt, const std::function<void(const Progress&)>& progress, const std::atomic<bool>& cancel);

// The merged values of one tensor, for tests and the CPU reference: returns
// out_dtype bytes of the merged weight.
std::vector<uint8_t> merge_tensor(const OutTensor& t, Rounding rounding, int threads);

}  // namespace studio::merge
