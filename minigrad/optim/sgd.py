"""Stochastic gradient descent, with momentum, dampening, weight decay and Nesterov."""

import numpy as np

from minigrad.optim.optimizer import Optimizer, check_hyperparameter, l2_penalty, state_tensor


class SGD(Optimizer):
    r"""Stochastic gradient descent (optionally with momentum).

    Articles 000 §3, 003 §3 and 004 §3.1 all state the plain update
    :math:`\theta_{t+1} = \theta_t - \eta \nabla J(\theta_t)`; momentum, dampening,
    weight decay and Nesterov's variant are PyTorch's additions, written here as
    PyTorch's ``torch.optim.SGD`` does them:

    .. math::
       \begin{aligned}
            &\rule{110mm}{0.4pt}                                                       \\
            &\textbf{input}: \eta \text{ (lr)}, \: \theta_0 \text{ (params)}, \:
                J(\theta) \text{ (loss)}, \: \lambda \text{ (weight decay)},
                \: \mu \text{ (momentum)}, \: \tau \text{ (dampening)},
                \: \textit{nesterov}                                                   \\
            &\textbf{initialise}: b_0 \leftarrow \text{none (momentum buffer)}        \\
            &\rule{110mm}{0.4pt}                                                       \\
            &\textbf{for} \: t = 1 \: \textbf{to} \: \ldots \: \textbf{do}            \\
            &\hspace{5mm} g_t \leftarrow \nabla_\theta J_t(\theta_{t-1})               \\
            &\hspace{5mm} \textbf{if} \: \lambda \neq 0: \:
                g_t \leftarrow g_t + \lambda \theta_{t-1}                              \\
            &\hspace{5mm} \textbf{if} \: \mu \neq 0:                                   \\
            &\hspace{10mm} \textbf{if} \: t = 1: \: b_t \leftarrow g_t                 \\
            &\hspace{10mm} \textbf{else}: \: b_t \leftarrow \mu b_{t-1} + (1 - \tau) g_t \\
            &\hspace{10mm} \textbf{if} \: \textit{nesterov}: \:
                g_t \leftarrow g_t + \mu b_t                                           \\
            &\hspace{10mm} \textbf{else}: \: g_t \leftarrow b_t                        \\
            &\hspace{5mm} \theta_t \leftarrow \theta_{t-1} - \eta g_t                  \\
            &\rule{110mm}{0.4pt}                                                       \\
            &\textbf{return} \: \theta_t                                               \\
            &\rule{110mm}{0.4pt}
       \end{aligned}

    Parameters
    ----------
    params : iterable
        Parameters, or dicts defining parameter groups.
    lr : float, optional
        Learning rate :math:`\eta` (default: 1e-3, PyTorch's default).
    momentum : float, optional
        Momentum factor :math:`\mu` (default: 0).
    dampening : float, optional
        Dampening :math:`\tau` of the gradient added to the buffer (default: 0).
    weight_decay : float, optional
        L2 penalty :math:`\lambda` (default: 0).
    nesterov : bool, optional
        Use Nesterov momentum (needs ``momentum > 0`` and ``dampening == 0``).

    Notes
    -----
    **Momentum convention.** PyTorch (and so minigrad) keeps the learning rate *outside*
    the buffer, :math:`b \leftarrow \mu b + g, \ \theta \leftarrow \theta - \eta b`.
    Sutskever et al. (2013) put it inside,
    :math:`v \leftarrow \mu v - \eta g, \ \theta \leftarrow \theta + v`. With a constant
    :math:`\eta` the two are the same sequence (:math:`v = -\eta b`); when a scheduler
    changes :math:`\eta`, PyTorch's form applies the new rate to the whole buffer at
    once, Sutskever's only to new gradients.

    The buffer starts as a copy of the first gradient, without dampening, as in PyTorch.
    PyTorch's ``maximize``, ``foreach``, ``fused`` and ``differentiable`` are left out.
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False):
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov)
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group):
        check_hyperparameter("learning rate", group["lr"])
        check_hyperparameter("momentum value", group["momentum"])
        check_hyperparameter("weight_decay value", group["weight_decay"])
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening "
                             f"(got momentum={group['momentum']}, "
                             f"dampening={group['dampening']})")

    def step(self, closure=None):
        """One update of every parameter that has a gradient (the loop body above)."""
        loss = self._closure_loss(closure)
        for group, theta, g, state in self._parameters_with_grad():
            eta, mu, tau = float(group["lr"]), float(group["momentum"]), group["dampening"]
            g = l2_penalty(g, theta, group["weight_decay"])
            if mu != 0:
                buffer = state.get("momentum_buffer")
                if buffer is None:                              # t = 1
                    b = np.array(g, copy=True)
                    state["momentum_buffer"] = state_tensor(b)
                else:
                    b = buffer.array
                    b *= mu
                    b += (1 - tau) * g
                g = g + mu * b if group["nesterov"] else b
            theta -= eta * g
        return loss
