// Element I/O of safetensors dtypes for the merge: reads widen to float (or
// double), writes round once into the output dtype (round-to-odd through float
// keeps double → bf16/f16 a single rounding).
#pragma once
#include <cstddef>
#include <cstdint>

#include "safetensors.h"

namespace studio::merge::dtype {

bool is_float(st::DType d);
float load(const uint8_t* p, st::DType d, uint64_t i);
double load_f64(const uint8_t* p, st::DType d, uint64_t i);
float round_to_odd(double v);
// Stores a double rounded once into the output dtype.
void store(uint8_t* p, st::DType d, uint64_t i, double v);
void store_f32(uint8_t* p, st::DType d, uint64_t i, float f);
// n consecutive elements from index start (fast paths for f32 and bf16).
void load_row(const uint8_t* p, st::DType d, uint64_t start, size_t n, float* dst);
void store_row(uint8_t* p, st::DType d, uint64_t start, size_t n, const float* src);

}  // namespace studio::merge::dtype
