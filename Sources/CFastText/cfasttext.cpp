// Loading, saving, prediction and vectors behind the C API.
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

#include "handle.hpp"
#include "model_file_check.hpp"
#include "streams.hpp"

using cfasttext::guarded;

namespace {

/// Closes the FILE* the structural check reads.
struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

void checkFile(const char* path) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path, "rb"));
  if (!file) throw std::invalid_argument(std::string(path) + ": cannot be opened");
  struct stat info;
  if (fstat(fileno(file.get()), &info) != 0 || !S_ISREG(info.st_mode)) {
    throw std::invalid_argument(std::string(path) + ": not a regular file");
  }
  cfasttext::FileSource source(file.get(), uint64_t(info.st_size));
  std::string problem = cfasttext::checkModelFile(source);
  if (!problem.empty()) throw std::invalid_argument(std::string(path) + ": " + problem);
}

const char* textOrEmpty(const char* text) {
  return text ? text : "";
}

}  // namespace

extern "C" cfasttext_model* cfasttext_load_file(const char* path, char** err) {
  return guarded<cfasttext_model*>(err, nullptr, [&]() -> cfasttext_model* {
    if (!path) throw std::invalid_argument("no path");
    checkFile(path);
    std::ifstream in(path, std::ifstream::binary);
    if (!in.is_open()) throw std::invalid_argument(std::string(path) + ": cannot be opened");
    auto model = std::make_unique<cfasttext_model>();
    model->fasttext.loadFrom(in);
    if (!in) throw std::invalid_argument(std::string(path) + ": changed while loading");
    model->didLoad();
    return model.release();
  });
}

extern "C" cfasttext_model* cfasttext_load_bytes(const uint8_t* bytes, size_t count, char** err) {
  return guarded<cfasttext_model*>(err, nullptr, [&]() -> cfasttext_model* {
    static const uint8_t empty = 0;
    if (!bytes) bytes = &empty;
    cfasttext::MemorySource source(bytes, count);
    std::string problem = cfasttext::checkModelFile(source);
    if (!problem.empty()) throw std::invalid_argument(problem);
    cfasttext::MemoryStreamBuf buffer(bytes, count);
    std::istream in(&buffer);
    auto model = std::make_unique<cfasttext_model>();
    model->fasttext.loadFrom(in);
    model->didLoad();
    return model.release();
  });
}

extern "C" int cfasttext_save_file(const cfasttext_model* model, const char* path, char** err) {
  return guarded<int>(err, -1, [&] {
    if (!path) throw std::invalid_argument("no path");
    std::ofstream out(path, std::ofstream::binary | std::ofstream::trunc);
    if (!out.is_open()) throw std::invalid_argument(std::string(path) + ": cannot be opened for saving");
    model->fasttext.saveTo(out);
    out.close();
    if (!out) throw std::runtime_error(std::string(path) + ": writing failed");
    return 0;
  });
}

extern "C" int cfasttext_serialize(const cfasttext_model* model, cfasttext_write_fn write, void* context,
                                   char** err) {
  return guarded<int>(err, -1, [&] {
    cfasttext::CallbackStreamBuf buffer(write, context);
    std::ostream out(&buffer);
    model->fasttext.saveTo(out);
    return 0;
  });
}

extern "C" void cfasttext_free(cfasttext_model* model) {
  delete model;
}

extern "C" void cfasttext_free_string(char* string) {
  std::free(string);
}

extern "C" int32_t cfasttext_dimension(const cfasttext_model* model) {
  return model->dimension;
}

extern "C" int32_t cfasttext_model_kind(const cfasttext_model* model) {
  return model->kind;
}

extern "C" int32_t cfasttext_label_count(const cfasttext_model* model) {
  return int32_t(model->labels.size());
}

extern "C" const char* cfasttext_label(const cfasttext_model* model, int32_t index, size_t* length) {
  if (index < 0 || size_t(index) >= model->labels.size()) return nullptr;
  const std::string& label = model->labels[size_t(index)];
  if (length) *length = label.size();
  return label.data();
}

extern "C" int32_t cfasttext_predict(const cfasttext_model* model, const char* text, size_t length, int32_t k,
                                     float threshold, int32_t* label_indices, float* probabilities, char** err) {
  return guarded<int32_t>(err, -1, [&]() -> int32_t {
    if (model->kind != CFASTTEXT_MODEL_SUPERVISED) throw std::invalid_argument("model is not supervised");
    // Model::predict reserves k + 1 entries: never more than there are labels.
    k = std::min<int32_t>(k, int32_t(model->labels.size()));
    if (k <= 0) return 0;
    // Reused per thread: predict runs millions of times, its vectors need not reallocate.
    thread_local std::vector<int32_t> words, lineLabels;
    thread_local fasttext::Predictions predictions;
    cfasttext::LineStreamBuf buffer(textOrEmpty(text), length);
    std::istream in(&buffer);
    model->dictionary->getLine(in, words, lineLabels);
    predictions.clear();
    model->fasttext.predict(k, words, predictions, threshold);
    int32_t count = std::min<int32_t>(k, int32_t(predictions.size()));
    for (int32_t i = 0; i < count; i++) {
      label_indices[i] = predictions[size_t(i)].second;
      probabilities[i] = std::exp(predictions[size_t(i)].first);  // as FastText::predictLine
    }
    return count;
  });
}

extern "C" int cfasttext_word_vector(const cfasttext_model* model, const char* word, size_t length, float* out,
                                     char** err) {
  return guarded<int>(err, -1, [&] {
    fasttext::Vector vector(model->dimension);
    model->fasttext.getWordVector(vector, std::string(textOrEmpty(word), length));
    std::copy(vector.data(), vector.data() + model->dimension, out);
    return 0;
  });
}

extern "C" int cfasttext_sentence_vector(const cfasttext_model* model, const char* text, size_t length,
                                         float* out, char** err) {
  return guarded<int>(err, -1, [&] {
    fasttext::Vector vector(model->dimension);
    cfasttext::LineStreamBuf buffer(textOrEmpty(text), length);
    std::istream in(&buffer);
    // Not declared const in 0.9.2, but it only reads the model.
    const_cast<cfasttext::ShimFastText&>(model->fasttext).getSentenceVector(in, vector);
    std::copy(vector.data(), vector.data() + model->dimension, out);
    return 0;
  });
}
