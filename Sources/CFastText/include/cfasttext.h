/*
 * cfasttext: a plain C API over libfasttext 0.9.2 (fasttext::FastText).
 *
 * Why C: Swift imports C directly; C++ exceptions must never unwind into
 * Swift. Every function catches them and reports failure through `err`:
 * on failure *err is set to a malloc'd message the caller frees with
 * cfasttext_free_string (err may be NULL if the caller does not want it).
 * No variadic functions: arguments travel in a struct.
 *
 * Thread safety: a loaded or trained model is read-only; predict, the vector
 * functions, label/dimension queries and saving may run concurrently on the
 * same model. cfasttext_free must not race with any other call.
 */
#ifndef CFASTTEXT_H
#define CFASTTEXT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An owned fastText model. */
typedef struct cfasttext_model cfasttext_model;

/** Values of fasttext::model_name. */
enum {
    CFASTTEXT_MODEL_CBOW = 1,
    CFASTTEXT_MODEL_SKIPGRAM = 2,
    CFASTTEXT_MODEL_SUPERVISED = 3,
};

/** Values of fasttext::loss_name. */
enum {
    CFASTTEXT_LOSS_HS = 1,
    CFASTTEXT_LOSS_NS = 2,
    CFASTTEXT_LOSS_SOFTMAX = 3,
    CFASTTEXT_LOSS_OVA = 4,
};

/** Training arguments: the fields of fasttext::Args that matter for training. */
typedef struct cfasttext_train_args {
    int32_t model;          /* CFASTTEXT_MODEL_* */
    const char *input;      /* training file path (not "-") */
    const char *label;      /* label prefix, "__label__" by default */
    double lr;
    int32_t lr_update_rate;
    int32_t dim;
    int32_t ws;
    int32_t epoch;
    int32_t min_count;
    int32_t min_count_label;
    int32_t neg;
    int32_t word_ngrams;
    int32_t loss;           /* CFASTTEXT_LOSS_* */
    int32_t bucket;
    int32_t minn;
    int32_t maxn;
    int32_t thread;
    double t;
    int32_t seed;
    int32_t verbose;        /* 0 = silent; >0 writes progress to stderr */
} cfasttext_train_args;

/**
 * Fills `args` with the defaults the `fasttext` CLI uses for `model`
 * (supervised: lr 0.1, minCount 1, no char n-grams, softmax; skipgram/cbow:
 * lr 0.05, minCount 5, minn 3, maxn 6, negative sampling). `input` is NULL.
 */
void cfasttext_train_args_init(cfasttext_train_args *args, int32_t model);

/**
 * Trains a model from args->input. Like the CLI, bucket is forced to 0 when
 * neither word n-grams (> 1) nor char n-grams (maxn > 0) are used.
 * Returns NULL on failure.
 */
cfasttext_model *cfasttext_train(const cfasttext_train_args *args, char **err);

/** Loads a `.bin`/`.ftz` file after checking its whole structure. NULL on failure. */
cfasttext_model *cfasttext_load_file(const char *path, char **err);

/** Loads a model from bytes in memory (same checks as a file). NULL on failure. */
cfasttext_model *cfasttext_load_bytes(const uint8_t *bytes, size_t count, char **err);

/** Writes the model in fastText's `.bin` format. Returns 0, or -1 on failure. */
int cfasttext_save_file(const cfasttext_model *model, const char *path, char **err);

/** Receives consecutive chunks of a serialized model. */
typedef void (*cfasttext_write_fn)(void *context, const uint8_t *bytes, size_t count);

/** Streams the `.bin` bytes of the model to `write`. Returns 0, or -1 on failure. */
int cfasttext_serialize(const cfasttext_model *model, cfasttext_write_fn write, void *context, char **err);

void cfasttext_free(cfasttext_model *model);
void cfasttext_free_string(char *string);

/** Vector dimension. */
int32_t cfasttext_dimension(const cfasttext_model *model);
/** CFASTTEXT_MODEL_* the model was trained as. */
int32_t cfasttext_model_kind(const cfasttext_model *model);
/** Number of labels (0 for skipgram/cbow models). */
int32_t cfasttext_label_count(const cfasttext_model *model);
/**
 * Label `index` as stored, prefix included. The bytes belong to the model
 * and live as long as it does; *length receives their count. NULL if out of range.
 */
const char *cfasttext_label(const cfasttext_model *model, int32_t index, size_t *length);

/**
 * Top-k labels for one line of text, tokenised exactly like
 * `fasttext predict-prob` (whitespace-separated words, then end-of-sentence),
 * only those with probability >= threshold, best first. Writes at most k
 * entries to label_indices/probabilities and returns how many, or -1 on
 * failure (e.g. the model is not supervised). Bytes after a '\n' are ignored.
 */
int32_t cfasttext_predict(const cfasttext_model *model, const char *text, size_t length,
                          int32_t k, float threshold,
                          int32_t *label_indices, float *probabilities, char **err);

/** Word vector (subword average, as `print-word-vectors`) into out[dimension]. 0 or -1. */
int cfasttext_word_vector(const cfasttext_model *model, const char *word, size_t length,
                          float *out, char **err);

/** Sentence vector (as `print-sentence-vectors`) for one line into out[dimension]. 0 or -1. */
int cfasttext_sentence_vector(const cfasttext_model *model, const char *text, size_t length,
                              float *out, char **err);

#ifdef __cplusplus
}
#endif

#endif /* CFASTTEXT_H */
