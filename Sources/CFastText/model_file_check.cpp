#include "model_file_check.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>

namespace cfasttext {
namespace {

constexpr int32_t kMagic = 793712314;  // FASTTEXT_FILEFORMAT_MAGIC_INT32
constexpr int32_t kOldestVersion = 11;  // loadModel special-cases 11
constexpr int32_t kNewestVersion = 12;  // FASTTEXT_VERSION in 0.9.2
constexpr int64_t kCentroids = 256;     // ProductQuantizer::ksub_
constexpr int32_t kModelSupervised = 3;

struct CheckFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& reason) {
  throw CheckFailure(reason);
}

/// Mirrors, field by field, what FastText::loadModel reads.
class ModelFileChecker {
 public:
  explicit ModelFileChecker(ByteSource& in) : in_(in) {}

  void run() {
    checkSignature();
    checkArgs();
    checkDictionary();
    checkMatrices();
    if (in_.remaining() != 0) {
      fail(std::to_string(in_.remaining()) + " unexpected bytes after the output matrix");
    }
  }

 private:
  ByteSource& in_;
  int32_t version_ = 0;
  int32_t dim_ = 0;
  int32_t model_ = 0;
  int32_t bucket_ = 0;
  int32_t nwords_ = 0;
  int32_t nlabels_ = 0;
  int64_t pruneidxSize_ = -1;
  int64_t prunedRows_ = 0;

  template <typename T>
  T value(const char* where) {
    T v;
    if (!in_.readValue(v)) fail(std::string("truncated in ") + where);
    return v;
  }

  bool flag(const char* where) {
    uint8_t byte = value<uint8_t>(where);
    if (byte > 1) fail(std::string("invalid boolean in ") + where);
    return byte == 1;
  }

  void skip(uint64_t count, const char* where) {
    if (!in_.skip(count)) fail(std::string("truncated in ") + where);
  }

  void checkSignature() {
    if (value<int32_t>("the file header") != kMagic) {
      fail("not a fastText model (bad magic number)");
    }
    version_ = value<int32_t>("the file header");
    if (version_ < kOldestVersion || version_ > kNewestVersion) {
      fail("unsupported fastText format version " + std::to_string(version_) +
           " (supported: 11, 12)");
    }
  }

  // Args::save: dim ws epoch minCount neg wordNgrams loss model bucket minn maxn lrUpdateRate (int32), t (double).
  void checkArgs() {
    const char* where = "the arguments";
    dim_ = value<int32_t>(where);
    value<int32_t>(where);  // ws
    value<int32_t>(where);  // epoch
    value<int32_t>(where);  // minCount
    value<int32_t>(where);  // neg
    int32_t wordNgrams = value<int32_t>(where);
    int32_t loss = value<int32_t>(where);
    model_ = value<int32_t>(where);
    bucket_ = value<int32_t>(where);
    value<int32_t>(where);  // minn
    int32_t maxn = value<int32_t>(where);
    value<int32_t>(where);  // lrUpdateRate
    value<double>(where);   // t

    if (dim_ <= 0) fail("invalid dimension " + std::to_string(dim_));
    if (loss < 1 || loss > 4) fail("invalid loss " + std::to_string(loss));
    if (model_ < 1 || model_ > 3) fail("invalid model kind " + std::to_string(model_));
    if (bucket_ < 0) fail("invalid bucket count " + std::to_string(bucket_));
    if (version_ == kOldestVersion && model_ == kModelSupervised) maxn = 0;  // as loadModel does
    // Both n-gram kinds hash modulo bucket: zero buckets would divide by zero.
    if ((wordNgrams > 1 || maxn > 0) && bucket_ == 0) {
      fail("n-grams enabled but bucket is 0");
    }
  }

  // Dictionary::save: size nwords nlabels (int32), ntokens pruneidx_size (int64),
  // entries (word '\0', count int64, type int8), pruneidx pairs (int32, int32).
  void checkDictionary() {
    const char* where = "the dictionary";
    int32_t size = value<int32_t>(where);
    nwords_ = value<int32_t>(where);
    nlabels_ = value<int32_t>(where);
    value<int64_t>(where);  // ntokens
    pruneidxSize_ = value<int64_t>(where);

    if (nwords_ < 0 || nlabels_ < 0 || int64_t(size) != int64_t(nwords_) + nlabels_) {
      fail("inconsistent dictionary sizes");
    }
    if (model_ == kModelSupervised ? nlabels_ == 0 : nwords_ == 0) {
      fail(model_ == kModelSupervised ? "supervised model without labels" : "model without words");
    }
    constexpr uint64_t kSmallestEntry = 1 + 8 + 1;
    if (uint64_t(size) > in_.remaining() / kSmallestEntry) fail("truncated in the dictionary");

    for (int32_t i = 0; i < size; i++) {
      while (value<uint8_t>("a dictionary word") != 0) {
      }
      if (value<int64_t>(where) < 0) fail("negative count in dictionary entry " + std::to_string(i));
      int8_t type = value<int8_t>(where);
      int8_t expected = i < nwords_ ? 0 : 1;  // words first, then labels
      if (type != expected) fail("dictionary entry " + std::to_string(i) + " has the wrong type");
    }

    if (pruneidxSize_ > 0) {
      if (pruneidxSize_ > std::numeric_limits<int32_t>::max() ||
          uint64_t(pruneidxSize_) > in_.remaining() / 8) {
        fail("truncated in the pruned n-gram index");
      }
      for (int64_t i = 0; i < pruneidxSize_; i++) {
        value<int32_t>("the pruned n-gram index");
        int32_t row = value<int32_t>("the pruned n-gram index");
        if (row < 0) fail("negative row in the pruned n-gram index");
        prunedRows_ = std::max(prunedRows_, int64_t(row) + 1);
      }
    }
  }

  void checkMatrices() {
    bool quantInput = flag("the input matrix flag");
    int64_t inputRows = quantInput ? quantMatrix("the input matrix") : denseMatrix("the input matrix");
    bool pruned = pruneidxSize_ >= 0;
    if (pruned && !quantInput) {
      fail("pruned dictionary with a dense input matrix (outdated model file, fastText issue #332)");
    }
    int64_t neededRows = int64_t(nwords_) + (pruned ? prunedRows_ : bucket_);
    if (inputRows < neededRows) fail("input matrix has fewer rows than words and buckets");

    bool quantOutput = flag("the output matrix flag") && quantInput;
    int64_t outputRows = quantOutput ? quantMatrix("the output matrix") : denseMatrix("the output matrix");
    int64_t expectedRows = model_ == kModelSupervised ? nlabels_ : nwords_;
    if (outputRows != expectedRows) fail("output matrix rows do not match the dictionary");
  }

  // DenseMatrix::save: m n (int64), m*n floats.
  int64_t denseMatrix(const char* where) {
    int64_t m = value<int64_t>(where);
    int64_t n = value<int64_t>(where);
    if (m < 0 || n != dim_) fail(std::string("bad shape of ") + where);
    if (uint64_t(m) > in_.remaining() / sizeof(float) / uint64_t(n)) {
      fail(std::string("truncated in ") + where);
    }
    skip(uint64_t(m) * uint64_t(n) * sizeof(float), where);
    return m;
  }

  // QuantMatrix::save: qnorm (bool), m n (int64), codesize (int32), codes,
  // product quantizer, and with qnorm: m norm codes + a 1-d quantizer.
  int64_t quantMatrix(const char* where) {
    bool qnorm = flag(where);
    int64_t m = value<int64_t>(where);
    int64_t n = value<int64_t>(where);
    int32_t codesize = value<int32_t>(where);
    if (m < 0 || n != dim_ || codesize < 0) fail(std::string("bad shape of ") + where);
    skip(uint64_t(codesize), where);
    int32_t subquantizers = productQuantizer(int32_t(n), where);
    if (int64_t(codesize) != m * subquantizers) fail(std::string("bad code size in ") + where);
    if (qnorm) {
      skip(uint64_t(m), where);
      if (productQuantizer(1, where) != 1) fail(std::string("bad norm quantizer in ") + where);
    }
    return m;
  }

  // ProductQuantizer::save: dim nsubq dsub lastdsub (int32), dim*256 floats.
  // Returns nsubq once it agrees with the constructor's arithmetic.
  int32_t productQuantizer(int32_t dim, const char* where) {
    int32_t pqDim = value<int32_t>(where);
    int32_t nsubq = value<int32_t>(where);
    int32_t dsub = value<int32_t>(where);
    int32_t lastdsub = value<int32_t>(where);
    if (pqDim != dim || dsub <= 0) fail(std::string("bad quantizer in ") + where);
    int32_t expectedSubq = dim / dsub + (dim % dsub != 0 ? 1 : 0);
    int32_t expectedLast = dim % dsub != 0 ? dim % dsub : dsub;
    if (nsubq != expectedSubq || lastdsub != expectedLast) fail(std::string("bad quantizer in ") + where);
    skip(uint64_t(dim) * kCentroids * sizeof(float), where);
    return nsubq;
  }
};

}  // namespace

std::string checkModelFile(ByteSource& source) {
  try {
    ModelFileChecker(source).run();
    return std::string();
  } catch (const CheckFailure& failure) {
    return failure.what();
  }
}

}  // namespace cfasttext
