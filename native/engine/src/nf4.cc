#include "nf4.h"

#include "config.h"

namespace studio::engine {

namespace {
const float kTable[16] = {-1.0f,
                          -0.6961928009986877f,
                          -0.5250730514526367f,
                          -0.39491748809814453f,
                          -0.28444138169288635f,
                          -0.18477343022823334f,
                          -0.09105003625154495f,
                          0.0f,
                          0.07958029955625534f,
                          0.16093020141124725f,
                          0.24611230194568634f,
                          0.33791524171829224f,
                          0.44070982933044434f,
                          0.5626170039176941f,
                          0.7229568362236023f,
                          1.0f};
}  // namespace

const float* nf4_table() { return kTable; }

size_t Nf4Weight::nbytes() const {
  size_t n = packed.numel();
  if (absmax.defined()) n += absmax.numel() * 4;
  if (absmax_q.defined()) n += absmax_q.numel() + absmax_scale.numel() * 4 + 8;
  return n;
}

Nf4Weight nf4_quantize(const torch::Tensor& weight, bool double_quant, torch::ScalarType compute) {
  if (weight.dim() != 2) throw EngineError("NF4 quantises 2-D weights only");
  const int64_t n = weight.numel();
  if (n % kNf4Block) throw EngineError("NF4 needs a weight size that is a multiple of 64");
  Nf4Weight q;
  q.out = weight.size(0);
  q.in = weight.size(1);
  q.compute = compute;
  auto table = torch::from_blob(const_cast<float*>(kTable), {16}, torch::kFloat32).to(weight.device());
  auto mids = (table.slice(0, 0, 15) + table.slice(0, 1, 16)) / 2;
  auto blocks = weight.to(torch::kFloat32).reshape({-1, kNf4Block});
  auto absmax = blocks.abs().amax(1);
  // Nearest code: the bucket between midpoints (a value on a midpoint takes the lower code).
  auto codes = torch::bucketize(blocks / absmax.clamp_min(1e-30).unsqueeze(1), mids).to(torch::kUInt8).flatten();
  q.packed = (codes.slice(0, 0, n, 2) * 16 + codes.slice(0, 1, n, 2)).contiguous();
  if (!double_quant) {
    q.absmax = absmax.contiguous();
    return q;
  }
  q.absmax_mean = absmax.mean().item<double>();
  auto centred = absmax - q.absmax_mean;
  const int64_t blocks_n = centred.numel();
  const int64_t padded = (blocks_n + kNf4ScaleBlock - 1) / kNf4ScaleBlock * kNf4ScaleBlock;
  auto groups = torch::constant_pad_nd(centred, {0, padded - blocks_n}, 0).view({-1, kNf4ScaleBlock});
  q.absmax_scale = groups.abs().amax(1).clamp_min(1e-30).contiguous();
  q.absmax_q = torch::round(groups / q.absmax_scale.unsqueeze(1) * 127).clamp(-127, 127).to(torch::kInt8).flatten().contiguous();
  return q;
}

torch::Tensor nf4_dequantize(const Nf4Weight& q) {
  const int64_t n = q.out * q.in;
  auto table = torch::from_blob(const_cast<float*>(kTable), {16}, torch::kFloat32).to(q.packed.device());
  auto p = q.packed.to(torch::kLong);
  auto hi = torch::div(p, 16, "floor"), lo = torch::remainder(p, 16);
  auto codes = torch::stack({hi, lo}, 1).flatten();
  torch::Tensor absmax;
  if (q.absmax.defined()) {
    absmax = q.absmax;
  } else {
    auto groups = q.absmax_q.to(torch::kFloat32).view({-1, kNf4ScaleBlock}) * (q.absmax_scale.unsqueeze(1) / 127);
    absmax = groups.flatten().slice(0, 0, n / kNf4Block) + q.absmax_mean;
  }
  auto values = table.index_select(0, codes).view({-1, kNf4Block}) * absmax.unsqueeze(1);
  return values.view({q.out, q.in}).to(q.compute);
}

namespace {

// y = x·Wᵀ with W dequantised in forward and again in backward (only x's gradient is needed: W is frozen).
struct Nf4LinearFn : public torch::autograd::Function<Nf4LinearFn> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x, int64_t weight_ptr) {
    ctx->saved_data["w"] = weight_ptr;
    const auto* q = reinterpret_cast<const Nf4Weight*>(weight_ptr);
    return torch::linear(x, nf4_dequantize(*q).to(x.scalar_type()));
  }
  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::tensor_list grads) {
    const auto* q = reinterpret_cast<const Nf4Weight*>(ctx->saved_data["w"].toInt());
    auto g = grads[0];
    return {torch::matmul(g, nf4_dequantize(*q).to(g.scalar_type())), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor nf4_linear(const torch::Tensor& x, const Nf4Weight& q) { return Nf4LinearFn::apply(x, static_cast<int64_t>(reinterpret_cast<intptr_t>(&q))); }

}  // namespace studio::engine
