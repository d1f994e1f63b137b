"""RMSprop: divide by a running root-mean-square of the recent gradients."""

import numpy as np

from minigrad.optim.optimizer import (Optimizer, check_hyperparameter, l2_penalty,
                                      state_tensor, step_count)


class RMSprop(Optimizer):
    r"""RMSprop (Hinton, Coursera lecture 6e), optionally centred and with momentum.

    Adagrad's sum of squares only grows, so its steps die out; RMSprop replaces it with
    an exponential moving average, the same :math:`v_t` as in Adam's second equation
    (article 000 §3), with :math:`\alpha` in the role of :math:`\beta_2`. This is
    PyTorch's ``torch.optim.RMSprop``:

    .. math::
       \begin{aligned}
            &\rule{110mm}{0.4pt}                                                       \\
            &\textbf{input}: \eta \text{ (lr)}, \: \alpha \text{ (smoothing)}, \:
                \theta_0 \text{ (params)}, \: J(\theta) \text{ (loss)}, \:
                \lambda \text{ (weight decay)}, \: \mu \text{ (momentum)}, \:
                \epsilon, \: \textit{centered}                                         \\
            &\textbf{initialise}: v_0 \leftarrow 0 \text{ (square average)}, \:
                \bar g_0 \leftarrow 0 \text{ (gradient average)}, \:
                b_0 \leftarrow 0 \text{ (buffer)}                                      \\
            &\rule{110mm}{0.4pt}                                                       \\
            &\textbf{for} \: t = 1 \: \textbf{to} \: \ldots \: \textbf{do}            \\
            &\hspace{5mm} g_t \leftarrow \nabla_\theta J_t(\theta_{t-1})               \\
            &\hspace{5mm} \textbf{if} \: \lambda \neq 0: \:
                g_t \leftarrow g_t + \lambda \theta_{t-1}                              \\
            &\hspace{5mm} v_t \leftarrow \alpha v_{t-1} + (1 - \alpha) g_t^2           \\
            &\hspace{5mm} \textbf{if} \: \textit{centered}:                            \\
            &\hspace{10mm} \bar g_t \leftarrow \alpha \bar g_{t-1} + (1 - \alpha) g_t  \\
            &\hspace{10mm} d_t \leftarrow \sqrt{v_t - \bar g_t^2} + \epsilon           \\
            &\hspace{5mm} \textbf{else}: \: d_t \leftarrow \sqrt{v_t} + \epsilon       \\
            &\hspace{5mm} \textbf{if} \: \mu > 0:                                      \\
            &\hspace{10mm} b_t \leftarrow \mu b_{t-1} + g_t / d_t                      \\
            &\hspace{10mm} \theta_t \leftarrow \theta_{t-1} - \eta b_t                 \\
            &\hspace{5mm} \textbf{else}: \:
                \theta_t \leftarrow \theta_{t-1} - \eta \, g_t / d_t                   \\
            &\rule{110mm}{0.4pt}                                                       \\
            &\textbf{return} \: \theta_t                                               \\
            &\rule{110mm}{0.4pt}
       \end{aligned}

    Parameters
    ----------
    params : iterable
        Parameters, or dicts defining parameter groups.
    lr : float, optional
        Learning rate :math:`\eta` (default: 1e-2).
    alpha : float, optional
        Smoothing constant :math:`\alpha` of the square average (default: 0.99).
    eps : float, optional
        :math:`\epsilon`, added outside the square root (default: 1e-8).
    weight_decay : float, optional
        L2 penalty :math:`\lambda` (default: 0).
    momentum : float, optional
        Momentum factor :math:`\mu` (default: 0).
    centered : bool, optional
        Divide by an estimate of the gradient's *variance*,
        :math:`v_t - \bar g_t^2`, instead of its raw second moment (default: False).

    Notes
    -----
    :math:`\epsilon` sits outside the square root, :math:`\sqrt{v_t} + \epsilon`, as in
    PyTorch; some texts (and TensorFlow) write :math:`\sqrt{v_t + \epsilon}`. Momentum
    follows PyTorch's form, :math:`\eta` outside the buffer (see :class:`SGD`).
    The averages are updated in PyTorch's operation order (``ḡ`` as
    :math:`\bar g + (1-\alpha)(g - \bar g)`, PyTorch's ``lerp``), so the numbers agree
    to the last few bits.
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False):
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                        momentum=momentum, centered=centered)
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group):
        check_hyperparameter("learning rate", group["lr"])
        check_hyperparameter("epsilon value", group["eps"])
        check_hyperparameter("momentum value", group["momentum"])
        check_hyperparameter("weight_decay value", group["weight_decay"])
        check_hyperparameter("alpha value", group["alpha"])

    def _init_state(self, p, group):
        # "grad_avg" and "momentum_buffer" start at zero too, created when first needed
        return {"step": step_count(), "square_avg": state_tensor(np.zeros_like(p.array))}

    def step(self, closure=None):
        """One update of every parameter that has a gradient (the loop body above)."""
        loss = self._closure_loss(closure)
        for group, theta, g, state in self._parameters_with_grad():
            eta, alpha, mu = float(group["lr"]), group["alpha"], float(group["momentum"])
            state["step"].array += 1
            g = l2_penalty(g, theta, group["weight_decay"])
            v = state["square_avg"].array
            v *= alpha
            v += (1 - alpha) * g * g
            if group["centered"]:
                g_bar = state.setdefault("grad_avg", state_tensor(np.zeros_like(theta))).array
                g_bar += (1 - alpha) * (g - g_bar)
                d = np.sqrt(v - g_bar * g_bar) + group["eps"]
            else:
                d = np.sqrt(v) + group["eps"]
            if mu > 0:
                b = state.setdefault("momentum_buffer", state_tensor(np.zeros_like(theta))).array
                b *= mu
                b += g / d
                theta -= eta * b
            else:
                theta -= eta * (g / d)
        return loss
