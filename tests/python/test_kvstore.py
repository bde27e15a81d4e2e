"""mx.kv: the local store's sums, pulls and updates; string keys; optimizer states; and a
dist_sync job of Python processes started by Tessera's launcher (loopback only)."""
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import mxnet as mx
import tessera

HERE = os.path.dirname(os.path.abspath(__file__))
LAUNCH = os.path.join(HERE, "..", "..", "bazel-bin", "launcher", "launch")


def test_local_push_pull_sums_and_updates():
    kv = mx.kv.create("local")
    assert kv.type == "local" and kv.rank == 0 and kv.num_workers == 1
    kv.init(3, mx.nd.ones((2, 3)))
    out = mx.nd.zeros((2, 3))
    kv.pull(3, out=out)
    np.testing.assert_array_equal(out.asnumpy(), np.ones((2, 3)))
    kv.push(3, [mx.nd.ones((2, 3)) * 2, mx.nd.ones((2, 3)) * 5])
    outs = [mx.nd.zeros((2, 3)), mx.nd.zeros((2, 3))]
    kv.pull(3, out=outs)
    for o in outs:
        np.testing.assert_array_equal(o.asnumpy(), np.full((2, 3), 7))
    kv.init([5, 6], [mx.nd.zeros((1,)), mx.nd.zeros((1,))])
    kv.pushpull([5, 6], [mx.nd.array([2]), mx.nd.array([4])])
    with pytest.raises(mx.base.MXNetError):
        kv.init(3, mx.nd.ones((2, 3)))  # twice
    with pytest.raises(TypeError):
        kv.push("w", mx.nd.ones((1,)))  # int keys already
    with pytest.raises(mx.base.MXNetError):
        kv.pull(99, out=mx.nd.zeros((1,)))


def test_optimizer_on_the_store_and_its_states(tmp_path):
    kv = mx.kv.create("local")
    kv.init("w", mx.nd.ones((3,)))
    kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.1, momentum=0.9))
    w = mx.nd.zeros((3,))
    g = mx.nd.array([1, 2, 3])
    ref_w, mom = np.ones(3), np.zeros(3)
    for _ in range(3):
        kv.push("w", g)
        mom = 0.9 * mom - 0.1 * g.asnumpy()
        ref_w = ref_w + mom
    kv.pull("w", out=w)
    np.testing.assert_allclose(w.asnumpy(), ref_w, rtol=1e-6)
    path = str(tmp_path / "kv.states")
    kv.save_optimizer_states(path)
    kv2 = mx.kv.create("local")
    kv2.init("w", w)
    kv2.set_optimizer(mx.optimizer.SGD(learning_rate=0.1, momentum=0.9))
    kv2.push("w", mx.nd.zeros((3,)))  # creates the state
    kv2.load_optimizer_states(path)
    kv.push("w", g)
    kv2.push("w", g)
    a, b = mx.nd.zeros((3,)), mx.nd.zeros((3,))
    kv.pull("w", out=a)
    kv2.pull("w", out=b)
    # kv2's zero push left w as it was (zero state, zero gradient); with the loaded momentum
    # both stores take the same step: w + 0.9 * mom - 0.1 * g
    np.testing.assert_allclose(b.asnumpy(), a.asnumpy(), rtol=1e-6)
    np.testing.assert_allclose(b.asnumpy(), ref_w + 0.9 * mom - 0.1 * g.asnumpy(), rtol=1e-5)
    with pytest.raises(ValueError):
        mx.kv.create("local").save_optimizer_states(path)
    with pytest.raises(ValueError) as info:
        mx.kv.create("nosuch")
    assert "dist_sync" in str(info.value)


def test_module_with_a_kvstore_object():
    kv = mx.kv.create("local")
    x = np.random.RandomState(0).randn(40, 3).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.float32)
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=2,
                                                     name="fc"), name="softmax")
    mod = mx.mod.Module(net, context=[mx.cpu(0), mx.cpu(1)])
    mod.fit(mx.io.NDArrayIter(x, y, batch_size=10), num_epoch=5, kvstore=kv,
            optimizer_params={"learning_rate": 0.5})
    assert mod.score(mx.io.NDArrayIter(x, y, batch_size=10), "acc")[0][1] > 0.9


def reference_weights():
    """The dist job's weights, computed in one process: each step's batch is worker 0's and
    worker 1's batch together (dist_sync sums both and divides by the global batch)."""
    rng = np.random.RandomState(0)
    x = rng.randn(240, 4).astype(np.float32)
    y = (x.dot(np.array([1.0, -2.0, 0.5, 3.0])) > 0).astype(np.float32)
    order = np.concatenate([np.r_[20 * k:20 * k + 20, 120 + 20 * k:120 + 20 * k + 20]
                            for k in range(6)])
    it = mx.io.NDArrayIter(x[order], y[order], batch_size=40)
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=2,
                                                     name="fc"), name="softmax")
    mod = mx.mod.Module(net)
    mx.random.seed(7)
    mod.fit(it, num_epoch=3, optimizer="sgd", optimizer_params={"learning_rate": 0.5},
            initializer=mx.init.Xavier())
    return mod.get_params()[0]["fc_weight"].asnumpy().ravel()


@pytest.mark.skipif(not os.path.exists(LAUNCH), reason="bazel-bin/launcher/launch not built")
def test_dist_sync_job_of_python_workers():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(tessera.__file__)) + os.pathsep + \
        env.get("PYTHONPATH", "")
    out = subprocess.run([LAUNCH, "-n", "2", "-s", "1", "--", sys.executable,
                          os.path.join(HERE, "dist_worker.py"), "dist_sync"],
                         capture_output=True, text=True, timeout=300, env=env)
    text = out.stdout + out.stderr
    assert out.returncode == 0, text
    lines = re.findall(r"rank=(\d) workers=2 acc=([0-9.]+) w=(\[.*\])", text)
    assert sorted(r for r, _, _ in lines) == ["0", "1"], text
    w0, w1 = [np.array(eval(w)) for _, _, w in sorted(lines)]
    np.testing.assert_array_equal(w0, w1)  # every worker pulls the same weights
    np.testing.assert_allclose(w0, reference_weights(), rtol=1e-4, atol=1e-5)
    assert float(lines[0][1]) > 0.9
