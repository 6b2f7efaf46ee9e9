// fasttext::FastText plus the two stream entry points 0.9.2 keeps protected:
// loading from any istream (checkModel sets the format version loadModel
// needs) and saving to any ostream (saveModel only takes a file name).
#pragma once

#include <fasttext/fasttext.h>

#include <istream>
#include <ostream>
#include <stdexcept>

namespace cfasttext {

class ShimFastText final : public fasttext::FastText {
 public:
  /// Loads a model whose bytes passed checkModelFile.
  void loadFrom(std::istream& in) {
    if (!checkModel(in)) throw std::invalid_argument("not a fastText model");
    loadModel(in);
  }

  /// Writes exactly what FastText::saveModel(filename) writes.
  void saveTo(std::ostream& out) const {
    const_cast<ShimFastText*>(this)->signModel(out);
    args_->save(out);
    dict_->save(out);
    out.write(reinterpret_cast<const char*>(&quant_), sizeof(bool));
    input_->save(out);
    out.write(reinterpret_cast<const char*>(&args_->qout), sizeof(bool));
    output_->save(out);
    out.flush();
    if (!out) throw std::runtime_error("writing the model failed");
  }

  int32_t modelKind() const { return static_cast<int32_t>(args_->model); }
};

}  // namespace cfasttext
