// A small strict JSON parser for safetensors headers and adapter configs read
// by the engine. Limits depth and sizes so a hostile header cannot blow up.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace studio::json {

struct Value;
using Object = std::map<std::string, Value>;
using Array = std::vector<Value>;

struct Value {
  enum class Kind { Null, Bool, Number, String, Array, Object } kind = Kind::Null;
  bool boolean = false;
  double number = 0;
  bool is_integer = false;  // written without fraction/exponent
  int64_t integer = 0;      // valid when is_integer (and in range)
  std::string string;
  std::shared_ptr<Array> array;
  std::shared_ptr<Object> object;
};

class ParseError : public std::runtime_error {
 public:
  ParseError(const std::string& what, size_t offset) : std::runtime_error(what + " at byte " + std::to_string(offset)), offset(offset) {}
  size_t offset;
};

// Throws ParseError. max_depth bounds nesting.
Value parse(const char* data, size_t size, int max_depth = 16);

}  // namespace studio::json
