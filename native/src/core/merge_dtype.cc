#include "merge_dtype.h"

#include <cmath>
#include <cstring>

#include "numeric.h"

namespace studio::merge::dtype {

using st::DType;

bool is_float(DType d) { return d == DType::F32 || d == DType::F16 || d == DType::BF16 || d == DType::F64; }

float load(const uint8_t* p, DType d, uint64_t i) {
  switch (d) {
    case DType::F32: {
      float f;
      std::memcpy(&f, p + i * 4, 4);
      return f;
    }
    case DType::BF16: {
      uint16_t h;
      std::memcpy(&h, p + i * 2, 2);
      return num::bf16_to_f32(h);
    }
    case DType::F16: {
      uint16_t h;
      std::memcpy(&h, p + i * 2, 2);
      return num::f16_to_f32(h);
    }
    case DType::F64: {
      double v;
      std::memcpy(&v, p + i * 8, 8);
      return static_cast<float>(v);
    }
    default:
      throw st::Error("unsupported dtype in merge");
  }
}

double load_f64(const uint8_t* p, DType d, uint64_t i) {
  if (d == DType::F64) {
    double v;
    std::memcpy(&v, p + i * 8, 8);
    return v;
  }
  return static_cast<double>(load(p, d, i));
}

// double → float rounded to odd: truncate toward zero, then set the last bit
// if anything was lost. Rounding that float again to bf16/f16 (≤ 11 bits) then
// gives exactly the once-rounded result of the double.
float round_to_odd(double v) {
  float f = static_cast<float>(v);
  if (!std::isfinite(f) || static_cast<double>(f) == v) return f;
  if (std::fabs(static_cast<double>(f)) > std::fabs(v)) f = std::nextafter(f, 0.0f);
  return num::bits_to_f32(num::f32_to_bits(f) | 1u);
}

// Stores a double rounded once into the output dtype.
void store(uint8_t* p, DType d, uint64_t i, double v) {
  switch (d) {
    case DType::F32: {
      const float f = static_cast<float>(v);
      std::memcpy(p + i * 4, &f, 4);
      return;
    }
    case DType::F64:
      std::memcpy(p + i * 8, &v, 8);
      return;
    case DType::BF16: {
      // double → bf16 in one rounding: go through float only when that is exact enough.
      const uint16_t h = num::f32_to_bf16(round_to_odd(v));
      std::memcpy(p + i * 2, &h, 2);
      return;
    }
    case DType::F16: {
      const uint16_t h = num::f32_to_f16(round_to_odd(v));
      std::memcpy(p + i * 2, &h, 2);
      return;
    }
    default:
      throw st::Error("unsupported output dtype in merge");
  }
}

void store_f32(uint8_t* p, DType d, uint64_t i, float f) {
  switch (d) {
    case DType::F32:
      std::memcpy(p + i * 4, &f, 4);
      return;
    case DType::BF16: {
      const uint16_t h = num::f32_to_bf16(f);
      std::memcpy(p + i * 2, &h, 2);
      return;
    }
    case DType::F16: {
      const uint16_t h = num::f32_to_f16(f);
      std::memcpy(p + i * 2, &h, 2);
      return;
    }
    case DType::F64: {
      const double v = f;
      std::memcpy(p + i * 8, &v, 8);
      return;
    }
    default:
      throw st::Error("unsupported output dtype in merge");
  }
}

void load_row(const uint8_t* p, DType d, uint64_t start, size_t n, float* dst) {
  switch (d) {
    case DType::F32:
      std::memcpy(dst, p + start * 4, n * 4);
      return;
    case DType::BF16: {
      const uint8_t* s = p + start * 2;
      for (size_t i = 0; i < n; i++) {
        uint16_t h;
        std::memcpy(&h, s + i * 2, 2);
        dst[i] = num::bf16_to_f32(h);
      }
      return;
    }
    default:
      for (size_t i = 0; i < n; i++) dst[i] = load(p, d, start + i);
  }
}

void store_row(uint8_t* p, DType d, uint64_t start, size_t n, const float* src) {
  switch (d) {
    case DType::F32:
      std::memcpy(p + start * 4, src, n * 4);
      return;
    case DType::BF16: {
      uint8_t* o = p + start * 2;
      for (size_t i = 0; i < n; i++) {
        const uint16_t h = num::f32_to_bf16(src[i]);
        std::memcpy(o + i * 2, &h, 2);
      }
      return;
    }
    default:
      for (size_t i = 0; i < n; i++) store_f32(p, d, start + i, src[i]);
  }
}

}  // namespace studio::merge::dtype
