# The seed's imperative convolution (section 02): ten 3x3 filters of ones over a 4x7 ramp.
# Run: tools/python examples/python/seed/nd_convolution.py
import mxnet as mx

data = mx.nd.arange(0,28).reshape((1,1,4,7))
print(data)
conv1 = mx.nd.Convolution(data=data, weight=mx.nd.ones((10,1,3,3)),
                          bias=mx.nd.zeros((10)), num_filter=10, kernel=(3,3),
                          name='conv1')
print(conv1)
