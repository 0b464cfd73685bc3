# lit configuration for aicc's FileCheck tests (tests/lit mirrors the source tree).
import os

import lit.formats

config.name = "aicc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".test"]
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.aicc_obj_root, "tests", "lit")

# aicc's tools first, then LLVM's FileCheck, not, count.
config.environment["PATH"] = os.pathsep.join(
    [config.aicc_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")]
)
config.substitutions.append(("%aicc_src", config.aicc_src_root))
config.substitutions.append(("%python", config.python_executable))

# CUDA: compiling needs the toolkit (ptxas); running needs a GPU and driver.
# Tests that run CUDA code say REQUIRES: cuda-device and are reported as
# unsupported (skipped, with that reason) on machines without one.
import shutil
import subprocess

if getattr(config, "cuda_toolkit", ""):
    config.available_features.add("cuda-toolkit")
    config.environment["CUDA_HOME"] = config.cuda_toolkit
smi = shutil.which("nvidia-smi")
if smi and subprocess.run([smi, "-L"], capture_output=True).returncode == 0:
    config.available_features.add("cuda-device")

# A stand-in driver (tests/runtime/fake_cuda.c) that runs CUDA artifacts
# without a GPU: kernels are counted, not executed. It replaces a real
# driver too, so tests using it run on every machine.
config.substitutions.append(
    (
        "%fake_cuda",
        "env LD_LIBRARY_PATH=%s AICC_FAKE_CUDA_REPORT=1"
        % os.path.join(config.aicc_obj_root, "fake-cuda"),
    )
)
