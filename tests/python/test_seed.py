"""The seed tutorial's Python listings (examples/python/seed) run unchanged and print what
the seed shows. Differences, documented: MXNet's print(ndarray) starts with a blank line
(NDArray.__repr__ begins with a newline), which the seed's web copy dropped, as it collapsed
runs of spaces; the NDArray blocks are therefore compared to the C++ listing's golden files
(tests/examples/*.expected, numpy's exact formatting) with blank lines removed. mx.gpu(0)
steps run on a GPU when there is one."""
import os
import re
import subprocess
import sys

import pytest

import mxnet as mx

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
SEED = os.path.join(ROOT, "examples", "python", "seed")
SMALL = ["--samples", "200", "--size", "28", "--lr", "0.1"]


def run(name, *args):
    out = subprocess.run([sys.executable, os.path.join(SEED, name)] + list(args),
                         capture_output=True, text=True, timeout=600, cwd=SEED)
    assert out.returncode == 0, out.stderr
    return out.stdout, out.stderr


def golden(name):
    with open(os.path.join(ROOT, "tests", "examples", name)) as f:
        return f.read()


def no_blank_lines(s):
    return "".join(line + "\n" for line in s.splitlines() if line)


@pytest.mark.skipif(mx.context.num_gpus() > 0, reason="the golden file is the CPU-only run")
def test_ndarray_listing_matches_the_golden_output():
    out, err = run("ndarray_basics.py")
    assert no_blank_lines(out) == golden("ndarray_basics.expected")
    assert "\n\n[[1. 2.]\n [3. 4.]]\n<NDArray 2x2 @cpu(0)>\n" in "\n" + out  # MXNet's blank line
    assert err == ""


def test_convolution_listing_matches_the_golden_output():
    out, _ = run("nd_convolution.py")
    assert no_blank_lines(out) == no_blank_lines(golden("nd_convolution.expected"))


def test_symbol_listing_prints_the_seed_blocks():
    out, _ = run("symbol_basics.py")
    seed_lines = [
        "['data', 'conv1_weight', 'conv1_bias', 'bn1_gamma', 'bn1_beta', 'fc1_weight', "
        "'fc1_bias', 'softmax_label']",
        "[(1, 3, 10, 10), (128, 3, 3, 3), (128,), (128,), (128,), (2, 3200), (2,), (1,)]",
        "[(1, 2)]",
        "[(128,), (128,)]",
        "['data', 'conv1_weight', 'conv1_bias', 'bn1_gamma', 'bn1_beta']",
        "['data', 'conv1_weight', 'conv1_bias', 'bn1_gamma', 'bn1_beta', 'fc_new_weight', "
        "'fc_new_bias', 'softmax_label']",
        "<class 'mxnet.symbol.symbol.Symbol'>",
        "<class 'mxnet.executor.Executor'>",
        # the seed shows numpy < 1.14's "[ 10. 21. 36.]"
        "[10. 21. 36.]",
        "<NDArray 3 @cpu(0)>",
    ]
    assert [l for l in out.splitlines() if l] == seed_lines


def test_module_predict_prints_probabilities_near_one_half():
    out, _ = run("module_predict.py")
    rows = re.findall(r"\[\[?([0-9.e-]+)\s+([0-9.e-]+)\s*\]", out)
    assert len(rows) == 8, out
    for a, b in rows:
        assert abs(float(a) - 0.5) < 0.02 and abs(float(a) + float(b) - 1) < 1e-5
    assert out.rstrip().endswith("<NDArray 8x2 @%s>" % ("gpu(0)" if mx.context.num_gpus()
                                                         else "cpu(0)"))


def test_listing_three_one_trains_the_loop_by_hand():
    out, _ = run("module_train.py", *SMALL)
    assert out.startswith("[DataDesc[data,(8, 3, 28, 28),<class 'numpy.float32'>,NCHW]]\n"
                          "[DataDesc[softmax_label,(8,),<class 'numpy.float32'>,NCHW]]\n")
    accs = [float(a) for a in re.findall(r"Epoch:\d Train_Acc:([0-9.]+)", out)]
    assert len(accs) == 5 and accs[-1] > 0.95, out


def test_listing_three_two_fits_and_logs_as_mxnet():
    out, err = run("module_fit.py", *SMALL)
    for e in range(5):
        assert "INFO:root:Epoch[%d] Train-accuracy=" % e in err
        assert re.search(r"INFO:root:Epoch\[%d\] Time cost=\d+\.\d{3}\n" % e, err)
    accs = [float(a) for a in re.findall(r"Train-accuracy=([0-9.]+)", err)]
    assert accs[-1] > 0.95, err
