// Training: C argument struct → fasttext::Args → FastText::train.
#include <memory>
#include <stdexcept>
#include <string>

#include "handle.hpp"

using cfasttext::guarded;

namespace {

void require(bool condition, const char* message) {
  if (!condition) throw std::invalid_argument(message);
}

/// Rejects what would make libfasttext divide by zero, loop or misbehave
/// instead of throwing (Args::parseArgs checks none of this either).
void validate(const cfasttext_train_args& a) {
  require(a.model >= CFASTTEXT_MODEL_CBOW && a.model <= CFASTTEXT_MODEL_SUPERVISED, "invalid model kind");
  require(a.loss >= CFASTTEXT_LOSS_HS && a.loss <= CFASTTEXT_LOSS_OVA, "invalid loss");
  require(a.input != nullptr && a.input[0] != '\0', "no input file");
  require(std::string(a.input) != "-", "cannot train from stdin");
  require(a.label != nullptr && a.label[0] != '\0', "empty label prefix");
  require(a.dim > 0, "dim must be positive");
  require(a.epoch > 0, "epoch must be positive");
  require(a.lr > 0, "lr must be positive");
  require(a.lr_update_rate > 0, "lrUpdateRate must be positive");
  require(a.thread > 0, "thread must be positive");
  require(a.ws > 0, "ws must be positive");
  require(a.neg > 0, "neg must be positive");
  require(a.word_ngrams > 0, "wordNgrams must be positive");
  require(a.bucket >= 0, "bucket must not be negative");
  require(a.min_count >= 0 && a.min_count_label >= 0, "minCount must not be negative");
  require(a.minn >= 0 && a.maxn >= 0, "minn/maxn must not be negative");
  require(a.maxn == 0 || a.minn <= a.maxn, "minn must not exceed maxn");
  require(a.word_ngrams <= 1 || a.bucket > 0, "wordNgrams > 1 needs buckets");
  require(a.maxn == 0 || a.bucket > 0, "char n-grams need buckets");
}

fasttext::Args toArgs(const cfasttext_train_args& a) {
  fasttext::Args args;
  args.model = static_cast<fasttext::model_name>(a.model);
  args.loss = static_cast<fasttext::loss_name>(a.loss);
  args.input = a.input;
  args.label = a.label;
  args.lr = a.lr;
  args.lrUpdateRate = a.lr_update_rate;
  args.dim = a.dim;
  args.ws = a.ws;
  args.epoch = a.epoch;
  args.minCount = a.min_count;
  args.minCountLabel = a.min_count_label;
  args.neg = a.neg;
  args.wordNgrams = a.word_ngrams;
  args.bucket = a.bucket;
  args.minn = a.minn;
  args.maxn = a.maxn;
  args.thread = a.thread;
  args.t = a.t;
  args.seed = a.seed;
  args.verbose = a.verbose;
  // As Args::parseArgs: without any n-grams the hash buckets are dead weight.
  if (args.wordNgrams <= 1 && args.maxn == 0) args.bucket = 0;
  return args;
}

}  // namespace

extern "C" void cfasttext_train_args_init(cfasttext_train_args* out, int32_t model) {
  const fasttext::Args defaults;
  *out = cfasttext_train_args{};
  out->model = model;
  out->input = nullptr;
  out->label = "__label__";
  out->lr = defaults.lr;
  out->lr_update_rate = defaults.lrUpdateRate;
  out->dim = defaults.dim;
  out->ws = defaults.ws;
  out->epoch = defaults.epoch;
  out->min_count = defaults.minCount;
  out->min_count_label = defaults.minCountLabel;
  out->neg = defaults.neg;
  out->word_ngrams = defaults.wordNgrams;
  out->loss = static_cast<int32_t>(defaults.loss);
  out->bucket = defaults.bucket;
  out->minn = defaults.minn;
  out->maxn = defaults.maxn;
  out->thread = defaults.thread;
  out->t = defaults.t;
  out->seed = defaults.seed;
  out->verbose = 0;
  if (model == CFASTTEXT_MODEL_SUPERVISED) {  // the CLI's `supervised` overrides
    out->loss = CFASTTEXT_LOSS_SOFTMAX;
    out->min_count = 1;
    out->minn = 0;
    out->maxn = 0;
    out->lr = 0.1;
  }
}

extern "C" cfasttext_model* cfasttext_train(const cfasttext_train_args* args, char** err) {
  return guarded<cfasttext_model*>(err, nullptr, [&]() -> cfasttext_model* {
    require(args != nullptr, "no arguments");
    validate(*args);
    auto model = std::make_unique<cfasttext_model>();
    model->fasttext.train(toArgs(*args));
    model->didLoad();
    if (args->model == CFASTTEXT_MODEL_SUPERVISED && model->labels.empty()) {
      throw std::invalid_argument(std::string("no labels with prefix ") + args->label + " in the input");
    }
    return model.release();
  });
}
