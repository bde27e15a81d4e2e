# The seed's listing 3-2: the same training with Module.fit, logging as MXNet does
# ("INFO:root:Epoch[0] Train-accuracy=..." on stderr). --samples, --size, --epochs, --lr shrink it.
# Run: tools/python examples/python/seed/module_fit.py
import mxnet as mx
import logging

from seed_args import context, parse

args = parse()
logging.basicConfig()
data = mx.sym.Variable('data')
conv = mx.sym.Convolution(data=data, num_filter=128, kernel=(3,3), pad=(1,1),
                          name='conv1')
bn = mx.sym.BatchNorm(data=conv, name='bn1')
relu = mx.sym.Activation(data=bn, act_type='relu', name='relu1')
pool = mx.sym.Pooling(data=relu, kernel=(2,2), stride=(2,2), pool_type='max',
                      name='pool1')
fc = mx.sym.FullyConnected(data=pool, num_hidden=2, name='fc1')
sym = mx.sym.SoftmaxOutput(data=fc, name='softmax')

data = mx.nd.random.uniform(0,1,shape=(args.samples,3,args.size,args.size))
label = mx.nd.round(mx.nd.random.uniform(0,1,shape=(args.samples)))
train_data = mx.io.NDArrayIter(data={'data':data},
                               label={'softmax_label':label},
                               batch_size=8,
                               shuffle=True)
print(train_data.provide_data)
print(train_data.provide_label)
mod = mx.mod.Module(symbol=sym,context=context())
logger = logging.getLogger()
logger.setLevel(logging.INFO)
mod.fit(train_data=train_data, num_epoch=args.epochs,
        optimizer_params=(('learning_rate', args.lr),))
