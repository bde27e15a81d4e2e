"""Repository rule that finds the system Python 3 and pybind11 for the extension python/.

Creates @local_python with:
  defs.bzl  PYTHON (the interpreter's path), PYTHON_VERSION ("3.11"), PYTHON_TAG ("cp311")
  BUILD     headers: Python.h and pybind11's headers (python3-dev, pybind11-dev).

$TESSERA_PYTHON selects the interpreter (default /usr/bin/python3, Debian's: the one pybind11-dev
and python3-numpy serve). Without Python.h or pybind11 the rule fails with the packages to
install (tools/deps.sh installs them).
"""

def _python_configure_impl(ctx):
    python = ctx.os.environ.get("TESSERA_PYTHON", "/usr/bin/python3")
    res = ctx.execute([python, "-c", "\n".join([
        "import sysconfig, sys",
        "print(sysconfig.get_paths()['include'])",
        "print('%d.%d' % sys.version_info[:2])",
    ])])
    if res.return_code != 0:
        fail("python_configure: %s does not run (%s); install python3 or set TESSERA_PYTHON" %
             (python, res.stderr))
    include, version = res.stdout.strip().split("\n")
    if not ctx.path(include + "/Python.h").exists:
        fail("python_configure: no Python.h in %s; apt-get install python3-dev" % include)
    pybind = None
    for d in ["/usr/include", "/usr/local/include"]:
        if ctx.path(d + "/pybind11/pybind11.h").exists:
            pybind = d + "/pybind11"
    if pybind == None:
        fail("python_configure: pybind11 headers not found; apt-get install pybind11-dev")
    ctx.symlink(include, "python_include")
    ctx.symlink(pybind, "pybind11_include/pybind11")
    ctx.file("BUILD", """cc_library(
    name = "headers",
    hdrs = glob(["python_include/**/*.h", "pybind11_include/pybind11/**/*.h"]),
    includes = ["python_include", "pybind11_include"],
    visibility = ["//visibility:public"],
)
""")
    ctx.file("defs.bzl", "PYTHON = %r\nPYTHON_VERSION = %r\nPYTHON_TAG = %r\n" %
                         (python, version, "cp" + version.replace(".", "")))

python_configure = repository_rule(
    implementation = _python_configure_impl,
    environ = ["TESSERA_PYTHON"],
    local = True,
)
