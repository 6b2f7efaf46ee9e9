// std::streambufs over caller memory, so libfasttext's stream-based entry
// points (getLine, loadModel, saveModel's writers) run without copying.
#pragma once

#include <cstdint>
#include <streambuf>

#include "cfasttext.h"

namespace cfasttext {

/// One line of text followed by a '\n' that is not in the caller's bytes:
/// Dictionary::getLine then ends the line with EOS exactly as it does for a
/// line of `fasttext predict` input.
class LineStreamBuf final : public std::streambuf {
 public:
  LineStreamBuf(const char* text, size_t length) {
    char* begin = const_cast<char*>(text);
    setg(begin, begin, begin + length);
  }

 protected:
  int_type underflow() override {
    if (servedNewline_) return traits_type::eof();
    servedNewline_ = true;
    setg(&newline_, &newline_, &newline_ + 1);
    return traits_type::to_int_type(newline_);
  }

 private:
  char newline_ = '\n';
  bool servedNewline_ = false;
};

/// Read-only bytes (a whole model file held in memory).
class MemoryStreamBuf final : public std::streambuf {
 public:
  MemoryStreamBuf(const uint8_t* bytes, size_t count) {
    char* begin = reinterpret_cast<char*>(const_cast<uint8_t*>(bytes));
    setg(begin, begin, begin + count);
  }
};

/// Hands written bytes to a C callback in chunks.
class CallbackStreamBuf final : public std::streambuf {
 public:
  CallbackStreamBuf(cfasttext_write_fn write, void* context) : write_(write), context_(context) {
    setp(buffer_, buffer_ + sizeof(buffer_));
  }
  ~CallbackStreamBuf() override { sync(); }

 protected:
  int_type overflow(int_type c) override {
    sync();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }

  int sync() override {
    if (pptr() > pbase()) {
      write_(context_, reinterpret_cast<const uint8_t*>(pbase()), size_t(pptr() - pbase()));
      setp(buffer_, buffer_ + sizeof(buffer_));
    }
    return 0;
  }

 private:
  cfasttext_write_fn write_;
  void* context_;
  char buffer_[1 << 16];
};

}  // namespace cfasttext
