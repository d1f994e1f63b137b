r"""Image layers: :class:`Conv2d` and :class:`MaxPool2d`, with PyTorch's arguments,
defaults, initialisation and (N, C, H, W) layout; the computation is in
:mod:`minigrad.ops_conv` (:func:`~minigrad.ops_conv.conv2d`,
:func:`~minigrad.ops_conv.max_pool2d`), where the formulas are.
"""

import math

import numpy as np

from minigrad.nn import init
from minigrad.nn.layers import _check_size, parameter_dtype
from minigrad.nn.module import Module, Parameter
from minigrad.ops_conv import conv2d, max_pool2d, pair


class Conv2d(Module):
    r"""A 2-D convolution layer: ``out_channels`` filters of size
    ``in_channels × kH × kW`` slid over the image,
    :math:`z_{n,o} = b_o + \sum_c W_{o,c} \star x_{n,c}`.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or (int, int)
    stride : int or (int, int), default 1
    padding : int, (int, int), "valid" or "same", default 0
    dilation : int or (int, int), default 1
    groups : int, default 1 (the only value minigrad supports)
    bias : bool, default True
    padding_mode : "zeros" (the only value minigrad supports)

    Attributes
    ----------
    weight : Parameter, shape (out_channels, in_channels, kH, kW)
    bias : Parameter of shape (out_channels,), or None

    Notes
    -----
    Initialisation is PyTorch's: ``kaiming_uniform_(weight, a=√5)``, i.e.
    :math:`W \sim U(-1/\sqrt{fan\_in}, 1/\sqrt{fan\_in})` with
    :math:`fan\_in = in\_channels \cdot kH \cdot kW`, and the same range for the bias.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1,
                 padding=0, dilation=1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device=None, dtype=None):
        super().__init__()
        if groups != 1:
            raise NotImplementedError("Conv2d: minigrad supports groups=1 only")
        if padding_mode != "zeros":
            raise NotImplementedError(f"Conv2d: minigrad supports padding_mode='zeros' "
                                      f"only; got {padding_mode!r}")
        self.in_channels = _check_size("in_channels", in_channels)
        self.out_channels = _check_size("out_channels", out_channels)
        self.kernel_size = pair(kernel_size, "kernel_size")
        self.stride = pair(stride, "stride")
        self.padding = padding if isinstance(padding, str) else pair(padding, "padding")
        self.dilation = pair(dilation, "dilation")
        self.groups, self.padding_mode = groups, padding_mode
        dtype = parameter_dtype(dtype, device)
        shape = (out_channels, in_channels) + self.kernel_size
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        self.bias = Parameter(np.empty(out_channels, dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw fresh initial values (PyTorch's scheme, see the class notes)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init.fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        return conv2d(input, self.weight, self.bias, self.stride, self.padding,
                      self.dilation, self.groups)

    def extra_repr(self) -> str:
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
                f", stride={self.stride}")
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.bias is None:
            text += ", bias=False"
        return text


class MaxPool2d(Module):
    r"""2-D max pooling: the largest value in each ``kernel_size`` window,
    :math:`z_{n,c,y,x} = \max_{i,j} x_{n,c,\,ys+i,\,xs+j}`.

    Parameters
    ----------
    kernel_size : int or (int, int)
    stride : int or (int, int), default ``kernel_size`` (windows side by side)
    padding : int or (int, int), default 0 (padding counts as −∞)
    dilation : int or (int, int), default 1
    return_indices, ceil_mode : bool
        Only False (True raises).
    """

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1,
                 return_indices: bool = False, ceil_mode: bool = False):
        super().__init__()
        if return_indices or ceil_mode:
            raise NotImplementedError("MaxPool2d: minigrad supports return_indices=False "
                                      "and ceil_mode=False only")
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input):
        return max_pool2d(input, self.kernel_size, self.stride, self.padding,
                          self.dilation, self.ceil_mode, self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding="
                f"{self.padding}, dilation={self.dilation}, ceil_mode={self.ceil_mode}")
