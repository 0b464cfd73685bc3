/*===- aicc/runtime.h - load and run aicc artifacts (C API) ---------------===*
 *
 * A compiled model (`aicc model.onnx -target=cpu -o model.aicc`) is a shared
 * object that carries its kernels, its host code and a manifest. This library
 * loads one and runs it; it needs neither MLIR nor LLVM (the artifact's
 * parallel tiles run on LLVM's OpenMP runtime, libomp, which the artifact
 * links). No global state; no C++ exceptions cross this API; every call that
 * can fail returns an aicc_status and leaves a message behind.
 *
 *   aicc_model *m;
 *   char err[512];
 *   if (aicc_model_load("model.aicc", &m, err, sizeof err) != AICC_OK) ...
 *   const void *in[] = {x};  void *out[] = {y};
 *   if (aicc_model_run(m, in, out) != AICC_OK) puts(aicc_model_error(m));
 *   aicc_model_free(m);
 *
 * Buffers are dense, row-major, of the dtype and shape the model declares
 * (aicc_model_input / aicc_model_output); bool takes one byte per element.
 *
 *===----------------------------------------------------------------------===*/

#ifndef AICC_RUNTIME_H
#define AICC_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define AICC_API __attribute__((visibility("default")))
#else
#define AICC_API
#endif

typedef enum aicc_status {
  AICC_OK = 0,
  AICC_ERROR_IO = 1,       /* the file cannot be read or loaded */
  AICC_ERROR_FORMAT = 2,   /* not an aicc artifact, or a newer format */
  AICC_ERROR_ARGUMENT = 3, /* a bad index, null pointer or thread count */
  AICC_ERROR_DEVICE = 4,   /* no GPU/driver, or the GPU reported an error */
} aicc_status;

typedef enum aicc_dtype {
  AICC_F32,
  AICC_F64,
  AICC_F16,
  AICC_BF16,
  AICC_I8,
  AICC_I16,
  AICC_I32,
  AICC_I64,
  AICC_U8,
  AICC_U16,
  AICC_U32,
  AICC_U64,
  AICC_BOOL,
} aicc_dtype;

/* One input or output. Pointers stay valid until aicc_model_free. */
typedef struct aicc_tensor_info {
  const char *name;
  aicc_dtype dtype;
  int rank;
  const int64_t *shape;
  size_t size_bytes; /* of a dense row-major buffer */
} aicc_tensor_info;

typedef struct aicc_model aicc_model;

/* Loads an artifact. On failure *model is NULL and `error` (if not NULL)
 * holds a message of at most error_size bytes, NUL-terminated. */
AICC_API aicc_status aicc_model_load(const char *path, aicc_model **model,
                                     char *error, size_t error_size);
AICC_API void aicc_model_free(aicc_model *model);

AICC_API int aicc_model_num_inputs(const aicc_model *model);
AICC_API int aicc_model_num_outputs(const aicc_model *model);
AICC_API aicc_status aicc_model_input(aicc_model *model, int index,
                                      aicc_tensor_info *info);
AICC_API aicc_status aicc_model_output(aicc_model *model, int index,
                                       aicc_tensor_info *info);

/* The artifact's manifest (text; see docs/artifact.md). */
AICC_API const char *aicc_model_manifest(const aicc_model *model);

/* Threads that run a kernel's parallel tiles for runs from the calling
 * thread; 0 restores the default (all cores). */
AICC_API aicc_status aicc_model_set_threads(aicc_model *model, int threads);

/* Runs the model: one buffer per input and per output, in declaration
 * order. */
AICC_API aicc_status aicc_model_run(aicc_model *model,
                                    const void *const *inputs,
                                    void *const *outputs);

/* The message of the last failed call on `model` ("" if none). */
AICC_API const char *aicc_model_error(const aicc_model *model);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* AICC_RUNTIME_H */
