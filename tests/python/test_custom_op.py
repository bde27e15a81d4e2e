"""Custom operators in Python: mx.operator.CustomOp/CustomOpProp/register and the Custom
operator in mx.nd, mx.sym, symbol JSON, Executor and Module (values against numpy)."""
import os
import subprocess
import sys
import traceback

import numpy as np
import pytest

import mxnet as mx

import custom_ops
from custom_ops import SquareProp, SumDiff

HERE = os.path.dirname(os.path.abspath(__file__))
ZOO = os.path.join(HERE, "..", "data", "zoo")


def test_imperative_forward_passes_parameters_as_strings_to_the_prop(rng):
    x = rng.uniform(-2, 2, (3, 4)).astype(np.float32)
    y = mx.nd.Custom(mx.nd.array(x), op_type="test_square", scale=3)
    np.testing.assert_allclose(y.asnumpy(), 3 * x * x, rtol=1e-6)
    op, ctx, shapes, dtypes = SquareProp.created[-1]
    assert ctx == mx.cpu() and shapes == [[3, 4]] and dtypes == [0]
    named = mx.nd.Custom(data=mx.nd.array(x), op_type="test_square", scale="0.5")
    np.testing.assert_allclose(named.asnumpy(), 0.5 * x * x, rtol=1e-6)


def test_autograd_backward_uses_the_forward_operator_instance(rng):
    x = mx.nd.array(rng.uniform(-1, 1, (2, 5)))
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Custom(x, op_type="test_square", scale=2)
        z = (y * 3).sum()
    z.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 12 * x.asnumpy(), rtol=1e-5)
    op = SquareProp.created[-1][0]
    assert op.forwards == 1 and op.backward_saw_forwards == 1


def test_symbol_names_inputs_outputs_and_round_trips_through_json():
    a, b = mx.sym.var("a"), mx.sym.var("b")
    s = mx.sym.Custom(a=a, b=b, op_type="test_sum_diff", name="sd")
    assert s.list_arguments() == ["a", "b"]
    assert s.list_outputs() == ["sd_sum", "sd_diff"]
    arg, out, aux = s.infer_shape(a=(2, 3), b=(2, 3))
    assert arg == [(2, 3), (2, 3)] and out == [(2, 3), (2, 3)] and aux == []
    _, out_t, _ = s.infer_type(a=np.float32, b=np.float32)
    assert out_t == [np.float64, np.float64]
    loaded = mx.sym.load_json(s.tojson())
    assert loaded.list_outputs() == ["sd_sum", "sd_diff"]
    assert loaded.attr_dict()["sd"]["op_type"] == "test_sum_diff"
    # auto-created argument variables take the node's name, as for any operator
    auto = mx.sym.Custom(op_type="test_sum_diff", name="q")
    assert auto.list_arguments() == ["q_a", "q_b"]


def test_executor_forward_backward_with_undeclared_dependencies_as_none(rng):
    a, b = mx.sym.var("a"), mx.sym.var("b")
    s = mx.sym.Custom(a=a, b=b, op_type="test_sum_diff", name="sd")
    av = rng.uniform(-1, 1, (2, 3)).astype(np.float32)
    bv = rng.uniform(-1, 1, (2, 3)).astype(np.float32)
    ex = s.simple_bind(mx.cpu(), a=(2, 3), b=(2, 3))
    outs = ex.forward(is_train=True, a=mx.nd.array(av), b=mx.nd.array(bv))
    assert outs[0].dtype == np.float64
    np.testing.assert_allclose(outs[0].asnumpy(), av + bv, rtol=1e-6)
    np.testing.assert_allclose(outs[1].asnumpy(), av - bv, rtol=1e-6)
    gs = rng.uniform(-1, 1, (2, 3))
    gd = rng.uniform(-1, 1, (2, 3))
    del SumDiff.seen[:]
    ex.backward([mx.nd.array(gs, dtype="float64"), mx.nd.array(gd, dtype="float64")])
    np.testing.assert_allclose(ex.grad_dict["a"].asnumpy(), gs + gd, rtol=1e-5)
    np.testing.assert_allclose(ex.grad_dict["b"].asnumpy(), gs - gd, rtol=1e-5)
    assert SumDiff.seen == [[True, True, True, True]]  # inputs and outputs not declared


def test_auxiliary_states_are_written_by_the_forward_pass():
    d = mx.sym.var("data")
    s = mx.sym.Custom(data=d, op_type="test_running_sum", name="rs")
    assert s.list_arguments() == ["data"]
    assert s.list_auxiliary_states() == ["rs_total"]
    ex = s.simple_bind(mx.cpu(), data=(4,))
    x = np.array([1, 2, 3, 4], np.float32)
    ex.forward(is_train=True, data=mx.nd.array(x))
    np.testing.assert_allclose(ex.outputs[0].asnumpy(), x)
    np.testing.assert_allclose(ex.aux_dict["rs_total"].asnumpy(), [10])
    ex.forward(is_train=True, data=mx.nd.array(x))
    np.testing.assert_allclose(ex.outputs[0].asnumpy(), x + 10)
    np.testing.assert_allclose(ex.aux_dict["rs_total"].asnumpy(), [20])
    ex.forward(is_train=False, data=mx.nd.array(x))
    np.testing.assert_allclose(ex.aux_dict["rs_total"].asnumpy(), [20])
    ex.backward(mx.nd.ones((4,)))
    np.testing.assert_allclose(ex.grad_dict["data"].asnumpy(), np.ones(4))


def _mlp(out):
    data = mx.sym.var("data")
    fc = mx.sym.FullyConnected(data, num_hidden=4, name="fc")
    if out == "custom":
        return mx.sym.Custom(data=fc, label=mx.sym.var("softmax_label"), op_type="test_softmax",
                             name="softmax")
    return mx.sym.SoftmaxOutput(fc, name="softmax", normalization="null")


def _train(out, x, y):
    it = mx.io.NDArrayIter(x, y, batch_size=10)
    mod = mx.mod.Module(_mlp(out), context=mx.cpu())
    mx.random.seed(7)
    mod.fit(it, num_epoch=3, optimizer="sgd", optimizer_params={"learning_rate": 0.05,
                                                                "rescale_grad": 0.1},
            initializer=mx.init.Xavier(), eval_metric="acc")
    return mod


def test_module_fit_with_a_custom_loss_equals_softmax_output(rng):
    x = rng.uniform(-1, 1, (40, 6)).astype(np.float32)
    y = rng.randint(0, 4, 40).astype(np.float32)
    custom = _train("custom", x, y).get_params()[0]
    builtin = _train("builtin", x, y).get_params()[0]
    for name in ("fc_weight", "fc_bias"):
        np.testing.assert_allclose(custom[name].asnumpy(), builtin[name].asnumpy(), rtol=1e-4,
                                   atol=1e-6)


_FIT_CODE = """
import numpy as np, mxnet as mx, custom_ops
rng = np.random.RandomState(1)
x = rng.uniform(-1, 1, (200, 6)).astype(np.float32)
y = (x[:, 0] * x[:, 1] > 0).astype(np.float32)
data = mx.sym.var("data")
h = mx.sym.Custom(data=mx.sym.FullyConnected(data, num_hidden=8, name="fc1"),
                  op_type="test_square", scale=0.5, name="sq")
out = mx.sym.Custom(data=mx.sym.FullyConnected(h, num_hidden=2, name="fc2"),
                    label=mx.sym.var("softmax_label"), op_type="test_softmax", name="softmax")
mod = mx.mod.Module(out, context=[mx.cpu(0), mx.cpu(1)])
mx.random.seed(3)
mod.fit(mx.io.NDArrayIter(x, y, batch_size=20), num_epoch=15,
        optimizer_params={"learning_rate": 0.5}, initializer=mx.init.Xavier())
print("acc=%.3f" % mod.score(mx.io.NDArrayIter(x, y, batch_size=20), "acc")[0][1])
for k, v in sorted(mod.get_params()[0].items()):
    print(k, " ".join("%.6e" % f for f in v.asnumpy().ravel()))
"""


def _fit_in_a_process(engine, workers):
    env = dict(os.environ, MXNET_ENGINE_TYPE=engine, MXNET_CPU_WORKER_NTHREADS=str(workers),
               PYTHONPATH=os.pathsep.join([HERE] + [p for p in [os.environ.get("PYTHONPATH")]
                                                    if p]))
    proc = subprocess.run([sys.executable, "-c", _FIT_CODE], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    return float(lines[0].split("=")[1]), lines[1:]


@pytest.mark.parametrize("workers", [1, 4])
def test_module_fit_on_the_threaded_engine_does_not_deadlock(workers):
    # Two contexts, two custom ops per executor: the kernels call back into Python on the
    # workers (the NDArray work they push runs inline, so even one worker is enough) while the
    # main thread waits in fit. The result equals the synchronous engine's, and the network
    # learns x0 * x1 > 0.
    acc, params = _fit_in_a_process("ThreadedEnginePerDevice", workers)
    naive_acc, naive_params = _fit_in_a_process("NaiveEngine", 1)
    assert acc == naive_acc and params == naive_params
    assert acc > 0.85, acc


def test_a_python_exception_in_forward_reaches_asnumpy_with_its_traceback():
    y = mx.nd.Custom(mx.nd.ones((2, 2)), op_type="test_failing")
    with pytest.raises(LookupError, match=r"custom forward failed on shape \(2, 2\)") as info:
        y.asnumpy()
    frames = [f.name for f in traceback.extract_tb(info.value.__traceback__)]
    assert "raise_a_lookup_error" in frames and "forward" in frames
    # the process goes on: the next operation works
    np.testing.assert_allclose((mx.nd.ones((2,)) * 2).asnumpy(), [2, 2])


def test_a_python_exception_in_forward_reaches_module_fit():
    data = mx.sym.var("data")
    s = mx.sym.Custom(data=mx.sym.FullyConnected(data, num_hidden=2, name="fc"),
                      op_type="test_failing", name="f")
    mod = mx.mod.Module(mx.sym.SoftmaxOutput(s, name="softmax"))
    it = mx.io.NDArrayIter(np.ones((4, 3), np.float32), np.zeros(4, np.float32), batch_size=2)
    with pytest.raises(LookupError, match="custom forward failed"):
        mod.fit(it, num_epoch=1)


def test_bad_prop_results_and_unknown_op_types_are_clear_errors():
    with pytest.raises(ValueError, match="infer_shape returned 2 output entries; expected 1"):
        mx.nd.Custom(mx.nd.ones((2,)), op_type="test_bad_shape")
    with pytest.raises(mx.base.MXNetError, match="no custom operator is registered as op_type "
                       "'not_registered'.*register\\(\"not_registered\"\\)"):
        mx.nd.Custom(mx.nd.ones((2,)), op_type="not_registered")
    with pytest.raises(ValueError, match="op_type is missing"):
        mx.nd.Custom(mx.nd.ones((2,)))
    with pytest.raises(TypeError, match="CustomOpProp subclass"):
        mx.operator.register("x")(object)


def test_a_real_model_file_with_a_custom_loss_loads_once_its_op_type_is_registered():
    path = os.path.join(ZOO, "multilabel-resnet-50-symbol.json")
    with pytest.raises(mx.base.MXNetError, match="op_type 'CrossEntropyLoss'"):
        mx.sym.load(path)

    @mx.operator.register("CrossEntropyLoss")
    class CrossEntropyLossProp(custom_ops.SoftmaxProp):  # a multi-label loss: label as data
        def list_outputs(self):
            return ["preds"]

        def infer_shape(self, in_shape):
            return in_shape, [in_shape[0]]

    sym = mx.sym.load(path)
    assert sym.list_outputs() == ["softmax_preds"]
    _, out, _ = sym.infer_shape(data=(1, 3, 224, 224), softmax_label=(1, 52))
    assert out == [(1, 52)]  # fc1 has num_hidden 52


def test_registered_op_types_are_listed():
    names = mx.operator.get_all_registered_operators()
    assert "test_square" in names and "Convolution" in names
    assert custom_ops.SoftmaxProp.__name__ == "SoftmaxProp"
