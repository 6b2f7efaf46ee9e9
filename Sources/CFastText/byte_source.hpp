// Bounded sequential readers over a model's bytes, in memory or in a file.
// The model-file check reads through these so that no length field in a
// corrupt file can make it read past the end or allocate on trust.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>

namespace cfasttext {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// Bytes not yet consumed.
  virtual uint64_t remaining() const = 0;
  /// Copies the next `count` bytes; false (consuming nothing) if fewer remain.
  virtual bool read(void* destination, uint64_t count) = 0;
  /// Skips `count` bytes; false if fewer remain.
  virtual bool skip(uint64_t count) = 0;

  template <typename T>
  bool readValue(T& value) {
    return read(&value, sizeof(T));
  }
};

class MemorySource final : public ByteSource {
 public:
  MemorySource(const uint8_t* bytes, uint64_t count) : bytes_(bytes), count_(count) {}

  uint64_t remaining() const override { return count_ - position_; }

  bool read(void* destination, uint64_t count) override {
    if (count > remaining()) return false;
    std::memcpy(destination, bytes_ + position_, count);
    position_ += count;
    return true;
  }

  bool skip(uint64_t count) override {
    if (count > remaining()) return false;
    position_ += count;
    return true;
  }

 private:
  const uint8_t* bytes_;
  uint64_t count_;
  uint64_t position_ = 0;
};

/// Reads an open FILE* whose total size is known; skips by seeking.
class FileSource final : public ByteSource {
 public:
  FileSource(std::FILE* file, uint64_t size) : file_(file), size_(size) {}

  uint64_t remaining() const override { return size_ - position_; }

  bool read(void* destination, uint64_t count) override {
    if (count > remaining()) return false;
    if (std::fread(destination, 1, count, file_) != count) return false;
    position_ += count;
    return true;
  }

  bool skip(uint64_t count) override {
    if (count > remaining()) return false;
    if (fseeko(file_, static_cast<off_t>(position_ + count), SEEK_SET) != 0) return false;
    position_ += count;
    return true;
  }

 private:
  std::FILE* file_;
  uint64_t size_;
  uint64_t position_ = 0;
};

}  // namespace cfasttext
