"""The package: import mxnet as mx is tessera, its submodules are the same objects, and the
installed copy is the one under test when tools/test says so."""
import os
import subprocess
import sys

import mxnet as mx
import tessera


def test_mxnet_is_tessera():
    assert mx is tessera
    import mxnet.ndarray
    import mxnet.ndarray.ndarray as ndmod
    from mxnet import nd
    assert mxnet.ndarray is tessera.ndarray
    assert nd is tessera.nd
    assert ndmod is tessera.ndarray.ndarray
    assert mx.nd.NDArray is tessera.ndarray.NDArray
    assert mx.__version__ == "1.9.1"


def test_installed_copy_is_tested():
    # tools/test installs the wheel into a venv and sets this: a missing file in the wheel or
    # a broken install step must fail here rather than pass from the source tree.
    if os.environ.get("TESSERA_EXPECT_INSTALLED") != "1":
        return
    assert tessera.__file__.startswith(sys.prefix), (tessera.__file__, sys.prefix)
    assert os.path.exists(os.path.join(os.path.dirname(tessera.__file__), "_core.so"))


def test_import_in_a_fresh_interpreter_prints_nothing():
    out = subprocess.run([sys.executable, "-c", "import mxnet as mx; print(mx.nd.ones((1,)))"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "\n[1.]\n<NDArray 1 @cpu(0)>\n"
    assert out.stderr == ""


def test_context():
    assert str(mx.cpu()) == "cpu(0)"
    assert repr(mx.gpu(1)) == "gpu(1)"
    assert mx.cpu(0) == mx.Context("cpu", 0)
    assert mx.cpu_pinned(0).device_type == "cpu_pinned"
    assert mx.current_context() == mx.cpu(0)
    with mx.Context("cpu", 3):
        assert mx.current_context() == mx.cpu(3)
    assert mx.current_context() == mx.cpu(0)
    assert mx.context.num_gpus() >= 0
    try:
        mx.Context("tpu")
        assert False
    except ValueError as e:
        assert "tpu" in str(e)
