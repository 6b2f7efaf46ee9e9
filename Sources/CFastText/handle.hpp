// The object behind cfasttext_model*, and the error plumbing every C entry
// point shares so that no C++ exception reaches the caller.
#pragma once

#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "cfasttext.h"
#include "shim_fasttext.hpp"

struct cfasttext_model {
  cfasttext::ShimFastText fasttext;
  /// Cached once: predict returns indices into this, never builds strings.
  std::vector<std::string> labels;
  /// Borrowed from `fasttext`; copying its shared_ptr per call would make
  /// concurrent predictions contend on one reference count.
  const fasttext::Dictionary* dictionary = nullptr;
  int32_t dimension = 0;
  int32_t kind = 0;

  /// Fills the caches once the model is trained or loaded.
  void didLoad() {
    auto shared = fasttext.getDictionary();
    dictionary = shared.get();
    labels.clear();
    for (int32_t i = 0; i < dictionary->nlabels(); i++) labels.push_back(dictionary->getLabel(i));
    dimension = fasttext.getDimension();
    kind = fasttext.modelKind();
  }
};

namespace cfasttext {

inline void clearError(char** err) {
  if (err) *err = nullptr;
}

inline void setError(char** err, const std::string& message) {
  if (err) *err = strdup(message.c_str());
}

/// Runs `body`, turning any exception into `failure` plus a message in *err.
template <typename Result, typename Body>
Result guarded(char** err, Result failure, Body body) {
  clearError(err);
  try {
    return body();
  } catch (const std::bad_alloc&) {
    setError(err, "out of memory");
  } catch (const std::exception& e) {
    setError(err, e.what());
  } catch (...) {
    setError(err, "unknown C++ exception");
  }
  return failure;
}

}  // namespace cfasttext
