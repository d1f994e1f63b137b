"""minigrad: learning rates, optimizers and schedules, built from scratch on numpy.

The public API mirrors PyTorch's, so code written for ``torch`` ports by swapping the
import::

    import minigrad
    x = minigrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    loss = (x ** 2).sum()
    loss.backward()
    x.grad                      # array([2., 4., 6.], dtype=float32)
"""

from minigrad.tensor import Tensor, is_grad_enabled, no_grad
from minigrad.creation import (arange, as_tensor, empty, empty_like, eye, from_numpy, full,
                               full_like, linspace, meshgrid, normal, ones, ones_like,
                               rand, rand_like, randint, randn, randn_like, tensor, zeros,
                               zeros_like)
from minigrad.random import manual_seed
from minigrad.ops import (exp, log, log_softmax, matmul, mean, relu, sigmoid, softmax,
                          tanh)
from minigrad.gradcheck import GradcheckError, gradcheck, numerical_grad

__version__ = "0.1.0"

__all__ = [
    "Tensor", "tensor", "zeros", "ones", "randn", "no_grad", "is_grad_enabled",
    "manual_seed", "gradcheck", "numerical_grad", "GradcheckError",
    "exp", "log", "relu", "tanh", "sigmoid", "softmax", "log_softmax", "matmul", "mean",
    "data", "nn", "optim", "autograd",
    "arange", "as_tensor", "empty", "empty_like", "eye", "from_numpy", "full", "full_like",
    "linspace", "meshgrid", "normal", "ones_like", "rand", "rand_like", "randint",
    "randn_like", "zeros_like",
]

# The sub-packages, importable as attributes after ``import minigrad`` (as torch.nn).
from minigrad import autograd, data, nn, optim  # noqa: E402
