"""Repository rule that finds the CUDA toolkit on this machine.

Creates @local_cuda with:
  defs.bzl  CUDA_ENABLED (bool), NVCC (path), CUDA_HOME (path)
  BUILD     cuda_headers, cudart, cublas, cudnn, nccl. With CUDA they carry the link flags and
            the define MX_USE_CUDA=1; without it they are empty, and the build is CPU only.
            nccl also defines MX_USE_NCCL=1, when the toolkit holds NCCL (include/nccl.h and
            libnccl.so); otherwise it is empty.

$CUDA_HOME (default /usr/local/cuda) selects the toolkit; TESSERA_NO_CUDA=1 forces a CPU build.
"""

def _lib(name, libs, home, enabled, deps = [], defines = []):
    if not enabled:
        return 'cc_library(name = "%s", visibility = ["//visibility:public"])\n' % name
    lib_dirs = [home + "/lib64", home + "/lib"]
    opts = []
    for d in lib_dirs:
        opts += ["-L" + d, "-Wl,-rpath," + d]
    opts += ["-l" + l for l in libs]
    return """cc_library(
    name = "%s",
    defines = %r,
    linkopts = %r,
    deps = %r,
    visibility = ["//visibility:public"],
)
""" % (name, defines, opts, deps)

def _cuda_configure_impl(ctx):
    home = ctx.os.environ.get("CUDA_HOME", "/usr/local/cuda")
    disabled = ctx.os.environ.get("TESSERA_NO_CUDA", "0") == "1"
    nvcc = home + "/bin/nvcc"
    enabled = (not disabled) and ctx.path(nvcc).exists
    build = ""
    if enabled:
        ctx.symlink(home + "/include", "include")
        build += """cc_library(
    name = "cuda_headers",
    hdrs = glob(["include/*.h", "include/*.hpp", "include/crt/**", "include/nv/**"]),
    includes = ["include"],
    defines = ["MX_USE_CUDA=1"],
    visibility = ["//visibility:public"],
)
"""
    else:
        build += 'cc_library(name = "cuda_headers", visibility = ["//visibility:public"])\n'
    if enabled:
        # --define=static_cudart=1 links the CUDA runtime statically (binaries carried to a GPU
        # machine, built with --dynamic_mode=off); otherwise libcudart.so with an rpath.
        build += """config_setting(
    name = "static_cudart",
    define_values = {"static_cudart": "1"},
)

cc_library(
    name = "cudart",
    linkopts = select({
        ":static_cudart": ["%s/lib64/libcudart_static.a", "-ldl", "-lrt", "-lpthread"],
        "//conditions:default": ["-L%s/lib64", "-Wl,-rpath,%s/lib64", "-lcudart"],
    }),
    deps = [":cuda_headers"],
    visibility = ["//visibility:public"],
)
""" % (home, home, home)
    else:
        build += _lib("cudart", ["cudart"], home, enabled, [":cuda_headers"])
    build += _lib("cublas", ["cublas"], home, enabled, [":cudart"])
    build += _lib("cudnn", ["cudnn"], home, enabled, [":cudart"])
    # NCCL is optional: a toolkit without it builds the "nccl" KVStore as NotImplementedError.
    nccl = enabled and ctx.path(home + "/include/nccl.h").exists and (
        ctx.path(home + "/lib/libnccl.so").exists or ctx.path(home + "/lib64/libnccl.so").exists
    )
    build += _lib("nccl", ["nccl"], home, nccl, [":cudart"], ["MX_USE_NCCL=1"])
    ctx.file("BUILD", build)
    ctx.file("defs.bzl", "CUDA_ENABLED = %s\nNVCC = %r\nCUDA_HOME = %r\n" % (enabled, nvcc, home))

cuda_configure = repository_rule(
    implementation = _cuda_configure_impl,
    environ = ["CUDA_HOME", "TESSERA_NO_CUDA"],
    local = True,
)
