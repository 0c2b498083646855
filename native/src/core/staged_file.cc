#include "staged_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#if defined(_WIN32)
#include <fcntl.h>
#include <io.h>
#include <malloc.h>
#include <sys/stat.h>
#else
#include <fcntl.h>
#include <unistd.h>
#endif

namespace studio::io {

namespace {
// Direct I/O wants buffers, offsets and lengths in multiples of the device block;
// 4096 covers the block sizes disks report.
constexpr size_t kAlign = StagedFile::kAlign;
constexpr size_t kStageBytes = StagedFile::kStageBytes;

size_t round_up(size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

uint8_t* aligned_buffer(size_t n) {
#if defined(_WIN32)
  void* p = _aligned_malloc(n, kAlign);
#else
  void* p = nullptr;
  if (posix_memalign(&p, kAlign, n) != 0) p = nullptr;
#endif
  if (!p) throw std::bad_alloc();
  return static_cast<uint8_t*>(p);
}

void free_buffer(uint8_t* p) {
#if defined(_WIN32)
  _aligned_free(p);
#else
  std::free(p);
#endif
}

IoError io_error(const std::string& path, const char* what) { return IoError(path + ": " + what + " (" + std::strerror(errno) + ")"); }
}  // namespace

StagedFile::StagedFile(const std::string& path, Mode mode, uint64_t expected_size) : path_(path) {
#if defined(_WIN32)
  (void)mode;
  (void)expected_size;
  fd_ = _open(path.c_str(), _O_WRONLY | _O_CREAT | _O_TRUNC | _O_BINARY, _S_IREAD | _S_IWRITE);
#else
  const int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC;
#if defined(O_DIRECT)
  if (mode == Mode::Auto) {
    fd_ = ::open(path.c_str(), flags | O_DIRECT, 0644);
    direct_ = fd_ >= 0;
  }
#else
  (void)mode;
#endif
  if (fd_ < 0) fd_ = ::open(path.c_str(), flags, 0644);
#if defined(__linux__)
  // Reserving the space up front saves the filesystem from growing the file write by write;
  // where it cannot (or the disk is full) the writes themselves will say so.
  if (fd_ >= 0 && expected_size > 0) (void)::fallocate(fd_, FALLOC_FL_KEEP_SIZE, 0, static_cast<off_t>(expected_size));
#else
  (void)expected_size;
#endif
#endif
  if (fd_ < 0) throw io_error(path, "cannot create");
  cap_ = kStageBytes;
  static_assert(kStageBytes % kAlign == 0, "staging buffers hold whole blocks");
  try {
    buf_[0] = aligned_buffer(cap_);
    buf_[1] = aligned_buffer(cap_);
  } catch (...) {
    free_buffer(buf_[0]);
    close_fd();
    throw;
  }
}

StagedFile::~StagedFile() {
  try {
    wait();
  } catch (...) {
    // the caller is already unwinding from an error, or has closed the file
  }
  close_fd();
  free_buffer(buf_[0]);
  free_buffer(buf_[1]);
}

void StagedFile::close_fd() {
  if (fd_ < 0) return;
#if defined(_WIN32)
  _close(fd_);
#else
  ::close(fd_);
#endif
  fd_ = -1;
}

void StagedFile::wait() {
  if (inflight_.valid()) inflight_.get();
}

void StagedFile::write_at(const uint8_t* p, size_t n, uint64_t off) {
  while (n > 0) {
#if defined(_WIN32)
    if (_lseeki64(fd_, static_cast<__int64>(off), SEEK_SET) < 0) throw io_error(path_, "seek failed");
    const int k = _write(fd_, p, static_cast<unsigned>(std::min<size_t>(n, 1u << 30)));
#else
    const ssize_t k = ::pwrite(fd_, p, std::min<size_t>(n, 1u << 30), static_cast<off_t>(off));
#endif
    if (k < 0 && errno == EINTR) continue;
#if defined(O_DIRECT) && !defined(_WIN32)
    if (k < 0 && errno == EINVAL && direct_) {
      // The filesystem took O_DIRECT at open but not this write: go on buffered.
      const int fl = ::fcntl(fd_, F_GETFL);
      if (fl < 0 || ::fcntl(fd_, F_SETFL, fl & ~O_DIRECT) < 0) throw io_error(path_, "write failed");
      direct_ = false;
      continue;
    }
#endif
    if (k <= 0) throw io_error(path_, "write failed");
    p += k;
    n -= static_cast<size_t>(k);
    off += static_cast<uint64_t>(k);
  }
}

// Hands the filled part of the current buffer to the helper thread and continues in the
// other one. In direct mode only whole blocks go; the unaligned tail moves along.
void StagedFile::rotate() {
  wait();
  const size_t len = direct_ ? used_ / kAlign * kAlign : used_;
  const size_t tail = used_ - len;
  const int next = cur_ ^ 1;
  std::memcpy(buf_[next], buf_[cur_] + len, tail);
  if (len) {
    const uint8_t* p = buf_[cur_];
    const uint64_t off = flushed_;
    inflight_ = std::async(std::launch::async, [this, p, len, off] { write_at(p, len, off); });
  }
  flushed_ += len;
  cur_ = next;
  used_ = tail;
}

uint8_t* StagedFile::reserve(size_t n) {
  if (fd_ < 0) throw std::runtime_error(path_ + ": already closed");
  if (n > max_span()) throw std::logic_error(path_ + ": a reservation of " + std::to_string(n) + " bytes is larger than the staging buffer");
  if (used_ + n > cap_) rotate();
  return buf_[cur_] + used_;
}

void StagedFile::commit(size_t n) {
  if (used_ + n > cap_) throw std::logic_error(path_ + ": committed more than was reserved");
  used_ += n;
}

void StagedFile::append(const uint8_t* data, size_t n) {
  while (n > 0) {
    const size_t k = std::min(n, max_span());
    std::memcpy(reserve(k), data, k);
    commit(k);
    data += k;
    n -= k;
  }
}

void StagedFile::close_durably() {
  wait();
  if (used_ > 0) {
    if (direct_) {
      // The last block goes out whole, zero-padded; the file is then cut to its real size.
      const size_t padded = round_up(used_);
      std::memset(buf_[cur_] + used_, 0, padded - used_);
      write_at(buf_[cur_], padded, flushed_);
    } else {
      write_at(buf_[cur_], used_, flushed_);
    }
    flushed_ += used_;
    used_ = 0;
  }
#if defined(_WIN32)
  if (_chsize_s(fd_, static_cast<__int64>(flushed_)) != 0) throw io_error(path_, "cannot set the file size");
  if (_commit(fd_) != 0) throw io_error(path_, "cannot sync to disk");
#else
  if (::ftruncate(fd_, static_cast<off_t>(flushed_)) != 0) throw io_error(path_, "cannot set the file size");
    // Renamed into place afterwards: the bytes must be on the device before the name is.
#if defined(__APPLE__)
  if (::fsync(fd_) != 0) throw io_error(path_, "cannot sync to disk");
#else
  if (::fdatasync(fd_) != 0) throw io_error(path_, "cannot sync to disk");
#endif
#endif
  close_fd();
}

}  // namespace studio::io
