// The merge arithmetic: LoRA factors laid out row-wise and the row kernels
// (PEFT's rounding order, or everything in double), portable and AVX2 paths
// giving the same bits.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "merge.h"

namespace studio::merge::kernels {

// The LoRA factors laid out for row-wise output: out_row(p) = sum_k L[p,k]·R[k,:].
struct Factors {
  size_t rows = 0, cols = 0, rank = 0;
  std::vector<float> L;        // rows × rank
  std::vector<float> R;        // rank × cols
  std::vector<double> Ld, Rd;  // the same in double, for single rounding
  double scale = 1;
  std::vector<float> magnitude;  // DoRA, per output row
};

// Checks shapes and dtypes of one LoRA pair against its weight (throws st::Error naming the tensor).
Factors prepare(const OutTensor& t, const Lora& l, bool want_double);

// Merges rows [r0, r1) of one tensor into out (already offset to row r0).
void merge_rows(const OutTensor& t, const std::vector<Factors>& fs, Rounding rounding, size_t r0, size_t r1, uint8_t* out);

// fn(a, b) over [0, rows) split across threads; the first exception is rethrown.
void parallel_rows(size_t rows, int threads, const std::function<void(size_t, size_t)>& fn);
int resolve_threads(int t);

}  // namespace studio::merge::kernels
