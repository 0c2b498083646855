// 4-bit NormalFloat (NF4) weights as QLoRA defines them: blocks of 64 values
// scaled by their absolute maximum and rounded to the nearest of 16 normal
// quantiles, two codes a byte. With double quantisation the per-block scales
// are stored as int8 (blocks of 256, after subtracting their mean) instead of
// fp32. The linear layer dequantises on the fly, in forward and again in
// backward, so full-precision weights never stay in memory.
#pragma once
#include <torch/torch.h>

namespace studio::engine {

struct Nf4Weight {
  torch::Tensor packed;        // uint8 [numel / 2], first value in the high nibble
  torch::Tensor absmax;        // float32 [blocks], without double quantisation
  torch::Tensor absmax_q;      // int8 [blocks padded to 256], with it
  torch::Tensor absmax_scale;  // float32 [blocks / 256]
  double absmax_mean = 0;
  int64_t out = 0, in = 0;
  torch::ScalarType compute = torch::kFloat32;
  size_t nbytes() const;
};

constexpr int64_t kNf4Block = 64;
constexpr int64_t kNf4ScaleBlock = 256;

// The 16 NF4 code values, ascending.
const float* nf4_table();

Nf4Weight nf4_quantize(const torch::Tensor& weight, bool double_quant, torch::ScalarType compute);
torch::Tensor nf4_dequantize(const Nf4Weight& q);
torch::Tensor nf4_linear(const torch::Tensor& x, const Nf4Weight& q);

}  // namespace studio::engine
