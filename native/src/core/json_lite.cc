#include "json_lite.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace studio::json {
namespace {

class Parser {
 public:
  Parser(const char* d, size_t n, int max_depth) : d_(d), n_(n), max_depth_(max_depth) {}

  Value document() {
    Value v = value(0);
    ws();
    if (i_ != n_) fail("trailing characters after the JSON value");
    return v;
  }

 private:
  const char* d_;
  size_t n_;
  size_t i_ = 0;
  int max_depth_;

  [[noreturn]] void fail(const std::string& m) { throw ParseError(m, i_); }
  void ws() {
    while (i_ < n_ && (d_[i_] == ' ' || d_[i_] == '\t' || d_[i_] == '\n' || d_[i_] == '\r')) i_++;
  }
  bool eat(char c) {
    ws();
    if (i_ < n_ && d_[i_] == c) {
      i_++;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!eat(c)) fail(std::string("expected '") + c + "'");
  }

  Value value(int depth) {
    if (depth > max_depth_) fail("JSON nested too deeply");
    ws();
    if (i_ >= n_) fail("unexpected end of JSON");
    const char c = d_[i_];
    Value v;
    if (c == '{') {
      i_++;
      v.kind = Value::Kind::Object;
      v.object = std::make_shared<Object>();
      if (eat('}')) return v;
      do {
        ws();
        std::string key = str();
        expect(':');
        if (v.object->count(key)) fail("duplicate key \"" + key + "\"");
        (*v.object)[key] = value(depth + 1);
      } while (eat(','));
      expect('}');
    } else if (c == '[') {
      i_++;
      v.kind = Value::Kind::Array;
      v.array = std::make_shared<Array>();
      if (eat(']')) return v;
      do v.array->push_back(value(depth + 1));
      while (eat(','));
      expect(']');
    } else if (c == '"') {
      v.kind = Value::Kind::String;
      v.string = str();
    } else if (c == 't' || c == 'f' || c == 'n') {
      const char* words[] = {"true", "false", "null"};
      for (const char* w : words) {
        size_t len = std::char_traits<char>::length(w);
        if (n_ - i_ >= len && std::equal(w, w + len, d_ + i_)) {
          i_ += len;
          if (w[0] == 'n')
            v.kind = Value::Kind::Null;
          else {
            v.kind = Value::Kind::Bool;
            v.boolean = w[0] == 't';
          }
          return v;
        }
      }
      fail("invalid literal");
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      number(v);
    } else {
      fail(std::string("unexpected character '") + c + "'");
    }
    return v;
  }

  void number(Value& v) {
    const size_t start = i_;
    bool integer = true;
    if (d_[i_] == '-') i_++;
    if (i_ >= n_ || d_[i_] < '0' || d_[i_] > '9') fail("invalid number");
    // JSON has no leading zeros: 0123 could mean octal to one reader and 123 to another.
    if (d_[i_] == '0' && i_ + 1 < n_ && d_[i_ + 1] >= '0' && d_[i_ + 1] <= '9') fail("number with a leading zero");
    auto digits = [&] {
      const size_t from = i_;
      while (i_ < n_ && d_[i_] >= '0' && d_[i_] <= '9') i_++;
      if (i_ == from) fail("invalid number (a digit must follow)");
    };
    digits();
    if (i_ < n_ && d_[i_] == '.') {
      integer = false;
      i_++;
      digits();
    }
    if (i_ < n_ && (d_[i_] == 'e' || d_[i_] == 'E')) {
      integer = false;
      i_++;
      if (i_ < n_ && (d_[i_] == '+' || d_[i_] == '-')) i_++;
      digits();
    }
    const std::string text(d_ + start, i_ - start);
    v.kind = Value::Kind::Number;
    v.number = std::strtod(text.c_str(), nullptr);
    if (integer) {
      errno = 0;
      char* end = nullptr;
      const long long x = std::strtoll(text.c_str(), &end, 10);
      v.is_integer = errno == 0;  // out of int64 range: not an integer for our purposes
      v.integer = x;
    }
  }

  std::string str() {
    if (i_ >= n_ || d_[i_] != '"') fail("expected a string");
    i_++;
    std::string out;
    while (true) {
      if (i_ >= n_) fail("unterminated string");
      const unsigned char c = static_cast<unsigned char>(d_[i_++]);
      if (c == '"') break;
      if (c < 0x20) fail("control character in string");
      if (c >= 0x80) {
        utf8_sequence(c, out);
        continue;
      }
      if (c != '\\') {
        out.push_back(static_cast<char>(c));
        continue;
      }
      if (i_ >= n_) fail("unterminated escape");
      const char e = d_[i_++];
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          uint32_t cp = hex4();
          if (cp >= 0xDC00 && cp <= 0xDFFF) fail("unpaired surrogate");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (n_ - i_ < 6 || d_[i_] != '\\' || d_[i_ + 1] != 'u') fail("unpaired surrogate");
            i_ += 2;
            const uint32_t lo = hex4();
            if (lo < 0xDC00 || lo > 0xDFFF) fail("invalid surrogate pair");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          utf8(cp, out);
          break;
        }
        default:
          fail("invalid escape");
      }
    }
    return out;
  }

  // One multi-byte UTF-8 sequence starting with lead byte c (already consumed):
  // strict, as RFC 3629 — no overlong forms, no surrogates, nothing past U+10FFFF.
  void utf8_sequence(unsigned char c, std::string& out) {
    const size_t at = i_ - 1;
    int more;
    uint32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF)
      more = 1, cp = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
      more = 2, cp = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
      more = 3, cp = c & 0x07, min = 0x10000;
    else
      throw ParseError("invalid UTF-8 in string", at);
    for (int k = 0; k < more; k++) {
      if (i_ >= n_) throw ParseError("invalid UTF-8 in string (truncated sequence)", at);
      const unsigned char x = static_cast<unsigned char>(d_[i_]);
      if ((x & 0xC0) != 0x80) throw ParseError("invalid UTF-8 in string", at);
      cp = (cp << 6) | (x & 0x3F);
      i_++;
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) throw ParseError("invalid UTF-8 in string", at);
    out.append(d_ + at, static_cast<size_t>(more + 1));
  }

  uint32_t hex4() {
    if (n_ - i_ < 4) fail("short \\u escape");
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
      const char h = d_[i_++];
      v <<= 4;
      if (h >= '0' && h <= '9')
        v |= h - '0';
      else if (h >= 'a' && h <= 'f')
        v |= h - 'a' + 10;
      else if (h >= 'A' && h <= 'F')
        v |= h - 'A' + 10;
      else
        fail("invalid hex digit");
    }
    return v;
  }

  static void utf8(uint32_t cp, std::string& out) {
    if (cp < 0x80)
      out.push_back(static_cast<char>(cp));
    else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
};

}  // namespace

Value parse(const char* data, size_t size, int max_depth) { return Parser(data, size, max_depth).document(); }

}  // namespace studio::json
