"""minigrad: learning rates, optimizers and schedules, built from scratch on numpy.

The public API mirrors PyTorch's, so code written for ``torch`` ports by swapping the
import::

    import minigrad
    x = minigrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    loss = (x ** 2).sum()
    loss.backward()
    x.grad                      # tensor([2., 4., 6.])
"""

from minigrad.tensor import Tensor
from minigrad.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from minigrad.dtypes import (bool, double, float, float16, float32, float64,  # noqa: A004
                             half, int, int8, int16, int32, int64, long, short, uint8)
from minigrad.dtypes import promote_types
from minigrad.device import (accelerator, cuda, device, get_default_device,
                             set_default_device)
from minigrad.creation import (arange, as_tensor, empty, empty_like, eye, from_numpy, full,
                               full_like, linspace, meshgrid, normal, ones, ones_like,
                               rand, rand_like, randint, randn, randn_like, tensor, zeros,
                               zeros_like)
from minigrad.random import manual_seed
from minigrad.ops import (add, amax, amin, argmax, argmin, bmm, div, dot, exp,  # noqa: A004
                          linear, log, log_softmax, matmul, max, mean, min, mm, mul, mv,
                          neg, permute, pow, relu, reshape, sigmoid, softmax, sub, sum,
                          tanh, transpose)
from minigrad.ops_more import (abs, cat, clamp, clip, clone, concat, cos,  # noqa: A004
                               cosh, flatten, maximum, minimum, norm, sign, sin, sinh,
                               sqrt, square, squeeze, stack, unsqueeze, where)
from minigrad.gradcheck import GradcheckError, gradcheck, numerical_grad

__version__ = "0.2.0"

# The sub-packages, importable as attributes after ``import minigrad`` (as torch.nn).
from minigrad import autograd, data, nn, optim, utils  # noqa: E402
