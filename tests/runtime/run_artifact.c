/* Loads an aicc artifact through the C API alone (no MLIR, no LLVM), runs it
 * on inputs read from raw little-endian files and writes each output as a
 * raw file, so a test can compare them with a reference.
 *
 *   run_artifact model.aicc in0.bin [in1.bin ...] -- out0.bin [out1.bin ...]
 *
 * Also checks the API's errors: a bad index, a null buffer, a missing file. */
#include "aicc/runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, const char *message) {
  fprintf(stderr, "run_artifact: %s: %s\n", what, message);
  return 1;
}

static void *readFile(const char *path, size_t size) {
  FILE *f = fopen(path, "rb");
  void *data = malloc(size ? size : 1);
  if (!f || !data || fread(data, 1, size, f) != size) {
    if (f)
      fclose(f);
    free(data);
    return NULL;
  }
  fclose(f);
  return data;
}

int main(int argc, char **argv) {
  char error[512];
  aicc_model *model = NULL;
  if (argc < 2)
    return fail("usage", "run_artifact model.aicc inputs... -- outputs...");
  if (aicc_model_load("/no/such/model.aicc", &model, error, sizeof error) ==
          AICC_OK ||
      model != NULL || strstr(error, "cannot read") == NULL)
    return fail("missing file", "expected an error");
  if (aicc_model_load(argv[1], &model, error, sizeof error) != AICC_OK)
    return fail("load", error);

  int numInputs = aicc_model_num_inputs(model);
  int numOutputs = aicc_model_num_outputs(model);
  aicc_tensor_info info;
  if (aicc_model_input(model, numInputs, &info) != AICC_ERROR_ARGUMENT ||
      strstr(aicc_model_error(model), "no input") == NULL)
    return fail("bad index", "expected an error");

  const void **inputs = calloc(numInputs + 1, sizeof(void *));
  void **outputs = calloc(numOutputs + 1, sizeof(void *));
  size_t *outSizes = calloc(numOutputs + 1, sizeof(size_t));
  int arg = 2;
  for (int i = 0; i < numInputs; ++i, ++arg) {
    aicc_model_input(model, i, &info);
    if (arg >= argc || !(inputs[i] = readFile(argv[arg], info.size_bytes)))
      return fail(info.name, "cannot read its input file");
  }
  if (arg >= argc || strcmp(argv[arg++], "--") != 0)
    return fail("usage", "expected -- before the output files");
  for (int i = 0; i < numOutputs; ++i) {
    aicc_model_output(model, i, &info);
    outSizes[i] = info.size_bytes;
    outputs[i] = malloc(info.size_bytes ? info.size_bytes : 1);
  }
  if (numInputs > 0) {
    const void *saved = inputs[0];
    inputs[0] = NULL;
    if (aicc_model_run(model, inputs, outputs) != AICC_ERROR_ARGUMENT)
      return fail("null input", "expected an error");
    inputs[0] = saved;
  }
  if (aicc_model_set_threads(model, 1) != AICC_OK ||
      aicc_model_run(model, inputs, outputs) != AICC_OK)
    return fail("run", aicc_model_error(model));
  for (int i = 0; i < numOutputs; ++i, ++arg) {
    FILE *f = arg < argc ? fopen(argv[arg], "wb") : NULL;
    if (!f || fwrite(outputs[i], 1, outSizes[i], f) != outSizes[i])
      return fail("output", "cannot write its file");
    fclose(f);
  }
  for (int i = 0; i < numInputs; ++i)
    free((void *)inputs[i]);
  for (int i = 0; i < numOutputs; ++i)
    free(outputs[i]);
  free(inputs);
  free(outputs);
  free(outSizes);
  aicc_model_free(model);
  printf("ran %d inputs, %d outputs\n", numInputs, numOutputs);
  return 0;
}
