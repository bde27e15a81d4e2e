"""examples/python: the Fashion-MNIST training script learns (a short run on a tenth of the
training set; the full run's figures are in the closing notes, not asserted here)."""
import os
import re
import subprocess
import sys

import pytest

DATA = "/usr/share/datasets/fashion-mnist"
SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples",
                      "python", "fashion_mnist_train.py")


@pytest.mark.skipif(not os.path.exists(DATA + "/train-images-idx3-ubyte.gz"),
                    reason="Debian's dataset-fashion-mnist is not installed")
def test_fashion_mnist_script_learns():
    out = subprocess.run([sys.executable, SCRIPT, "--epochs", "2", "--num-parts", "10"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    vals = [float(v) for v in re.findall(r"Epoch\[\d\] Validation-accuracy=([0-9.]+)",
                                         out.stderr)]
    assert len(vals) == 2 and vals[1] > 0.72, out.stderr
    acc = float(re.search(r"Test-accuracy=([0-9.]+)", out.stdout).group(1))
    assert abs(acc - vals[1]) < 1e-4
