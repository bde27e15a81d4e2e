"""cuda_library: compiles .cu files with nvcc (sm_90 + PTX) into a cc_library.

Without CUDA on the machine the target is an empty cc_library, so dependents always build;
code that calls into it is guarded by MX_USE_CUDA (defined by @local_cuda//:cuda_headers).
`hdrs` lists every project header the .cu files include (labels of files or filegroups).
"""

load("@local_cuda//:defs.bzl", "CUDA_ENABLED", "NVCC")

NVCC_FLAGS = " ".join([
    "-std=c++17",
    "-O3",
    "-Xcompiler -fPIC",
    "-DMX_USE_CUDA=1",
    "--expt-relaxed-constexpr",
    "-gencode arch=compute_90,code=sm_90",
    "-gencode arch=compute_90,code=compute_90",
])

def cuda_library(name, srcs, hdrs = [], deps = [], **kwargs):
    if not CUDA_ENABLED:
        native.cc_library(name = name, deps = deps + ["@local_cuda//:cudart"], **kwargs)
        return
    objs = []
    for src in srcs:
        obj = "_nvcc/%s/%s" % (name, src.replace(".cu", ".pic.o"))
        native.genrule(
            name = "%s_nvcc_%s" % (name, src.replace("/", "_").replace(".", "_")),
            srcs = [src] + hdrs,
            outs = [obj],
            # Each nvcc gets a temporary directory of its own: in Bazel's sandbox every action
            # runs as pid 2, so parallel nvcc runs would share /tmp/tmpxft_00000002_* names
            # and remove each other's files.
            cmd = ("tmp=$$(mktemp -d) && TMPDIR=$$tmp %s %s -I. -I$(GENDIR) -c $(location %s) " +
                   "-o $@; rc=$$?; rm -rf $$tmp; exit $$rc") % (NVCC, NVCC_FLAGS, src),
            message = "nvcc " + src,
        )
        objs.append(obj)
    native.cc_library(
        name = name,
        srcs = objs,
        deps = deps + ["@local_cuda//:cudart"],
        alwayslink = True,
        **kwargs
    )
