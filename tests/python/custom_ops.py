"""Custom operators the tests register (MXNet's own examples' shapes: a scaled square, a
softmax loss with need_top_grad=False, an op with an auxiliary state, an op with two outputs
that declares part of its backward dependencies, one that fails)."""
import numpy as np

import mxnet as mx


class Square(mx.operator.CustomOp):
    """y = scale * x^2; counts its calls so tests can see forward and backward share it."""

    def __init__(self, scale):
        super(Square, self).__init__()
        self.scale = scale
        self.forwards = 0
        self.backward_saw_forwards = None

    def forward(self, is_train, req, in_data, out_data, aux):
        self.forwards += 1
        x = in_data[0].asnumpy()
        self.assign(out_data[0], req[0], mx.nd.array(self.scale * x * x))

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        self.backward_saw_forwards = self.forwards
        x = in_data[0]
        self.assign(in_grad[0], req[0], 2 * self.scale * x * out_grad[0])


@mx.operator.register("test_square")
class SquareProp(mx.operator.CustomOpProp):
    created = []

    def __init__(self, scale="1.0"):
        super(SquareProp, self).__init__(need_top_grad=True)
        self.scale = float(scale)

    def create_operator(self, ctx, in_shapes, in_dtypes):
        op = Square(self.scale)
        SquareProp.created.append((op, ctx, in_shapes, in_dtypes))
        return op


class Softmax(mx.operator.CustomOp):
    """MXNet's example custom softmax: the loss gradient p - onehot(label)."""

    def forward(self, is_train, req, in_data, out_data, aux):
        x = in_data[0].asnumpy()
        y = np.exp(x - x.max(axis=1).reshape((x.shape[0], 1)))
        y /= y.sum(axis=1).reshape((x.shape[0], 1))
        self.assign(out_data[0], req[0], mx.nd.array(y))

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        assert out_grad[0] is None  # need_top_grad=False: not declared
        label = in_data[1].asnumpy().ravel().astype(np.int64)
        y = out_data[0].asnumpy()
        y[np.arange(label.shape[0]), label] -= 1.0
        self.assign(in_grad[0], req[0], mx.nd.array(y))
        self.assign(in_grad[1], req[1], mx.nd.zeros_like(in_data[1]))


@mx.operator.register("test_softmax")
class SoftmaxProp(mx.operator.CustomOpProp):
    def __init__(self):
        super(SoftmaxProp, self).__init__(need_top_grad=False)

    def list_arguments(self):
        return ["data", "label"]

    def list_outputs(self):
        return ["output"]

    def infer_shape(self, in_shape):
        data_shape = in_shape[0]
        return [data_shape, (data_shape[0],)], [data_shape], []

    def create_operator(self, ctx, in_shapes, in_dtypes):
        return Softmax()


class RunningSum(mx.operator.CustomOp):
    """y = x + total; total (an auxiliary state) += sum(x) on every training forward."""

    def forward(self, is_train, req, in_data, out_data, aux):
        self.assign(out_data[0], req[0], in_data[0] + aux[0])
        if is_train:
            aux[0][:] = aux[0] + in_data[0].sum()

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        self.assign(in_grad[0], req[0], out_grad[0])


@mx.operator.register("test_running_sum")
class RunningSumProp(mx.operator.CustomOpProp):
    def list_auxiliary_states(self):
        return ["total"]

    def infer_shape(self, in_shape):
        return in_shape, [in_shape[0]], [(1,)]

    def declare_backward_dependency(self, out_grad, in_data, out_data):
        return list(out_grad)

    def create_operator(self, ctx, in_shapes, in_dtypes):
        return RunningSum()


class SumDiff(mx.operator.CustomOp):
    """(a + b, a - b) as float64 whatever the input type; backward reads only out_grad."""

    seen = []

    def forward(self, is_train, req, in_data, out_data, aux):
        a, b = in_data
        self.assign(out_data[0], req[0], (a + b).astype("float64"))
        self.assign(out_data[1], req[1], (a - b).astype("float64"))

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        SumDiff.seen.append([x is None for x in in_data + out_data])
        gs, gd = out_grad
        self.assign(in_grad[0], req[0], (gs + gd).astype(in_grad[0].dtype))
        self.assign(in_grad[1], req[1], (gs - gd).astype(in_grad[1].dtype))


@mx.operator.register("test_sum_diff")
class SumDiffProp(mx.operator.CustomOpProp):
    def list_arguments(self):
        return ["a", "b"]

    def list_outputs(self):
        return ["sum", "diff"]

    def infer_shape(self, in_shape):
        return in_shape, [in_shape[0], in_shape[0]]  # two lists: no auxiliary states

    def infer_type(self, in_type):
        return in_type, [np.float64, np.float64], []

    def declare_backward_dependency(self, out_grad, in_data, out_data):
        return list(out_grad)

    def create_operator(self, ctx, in_shapes, in_dtypes):
        return SumDiff()


class FailingOp(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        raise_a_lookup_error(in_data[0].shape)


def raise_a_lookup_error(shape):
    raise LookupError("custom forward failed on shape %s" % (shape,))


@mx.operator.register("test_failing")
class FailingProp(mx.operator.CustomOpProp):
    def create_operator(self, ctx, in_shapes, in_dtypes):
        return FailingOp()


@mx.operator.register("test_bad_shape")
class BadShapeProp(mx.operator.CustomOpProp):
    def infer_shape(self, in_shape):
        return in_shape, [in_shape[0], in_shape[0]], []  # one output declared, two returned
