"""Adagrad: a learning rate per coordinate, shrinking with the gradients seen so far."""

import numpy as np

from minigrad.optim.optimizer import (Optimizer, check_hyperparameter, l2_penalty,
                                      state_tensor, step_count)


class Adagrad(Optimizer):
    r"""Adagrad (Duchi, Hazan and Singer, 2011).

    Each coordinate divides the step by the root of its own sum of squared gradients,
    so coordinates with large gradients slow down and rare ones keep moving. The
    articles name "adaptive learning rates" (article 003 §3, article 002 §3.3) without
    giving a formula; this is PyTorch's ``torch.optim.Adagrad``:

    .. math::
       \begin{aligned}
            &\rule{110mm}{0.4pt}                                                       \\
            &\textbf{input}: \eta \text{ (lr)}, \: \theta_0 \text{ (params)}, \:
                J(\theta) \text{ (loss)}, \: \lambda \text{ (weight decay)},
                \: \kappa \text{ (lr decay)}, \: \epsilon                               \\
            &\textbf{initialise}: s_0 \leftarrow
                \mathrm{initial\_accumulator\_value} \text{ (sum of squares)}            \\
            &\rule{110mm}{0.4pt}                                                       \\
            &\textbf{for} \: t = 1 \: \textbf{to} \: \ldots \: \textbf{do}            \\
            &\hspace{5mm} g_t \leftarrow \nabla_\theta J_t(\theta_{t-1})               \\
            &\hspace{5mm} \textbf{if} \: \lambda \neq 0: \:
                g_t \leftarrow g_t + \lambda \theta_{t-1}                              \\
            &\hspace{5mm} \tilde\eta \leftarrow \eta \, / \, (1 + (t - 1) \kappa)       \\
            &\hspace{5mm} s_t \leftarrow s_{t-1} + g_t^2                               \\
            &\hspace{5mm} \theta_t \leftarrow \theta_{t-1}
                - \tilde\eta \, \frac{g_t}{\sqrt{s_t} + \epsilon}                      \\
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
    lr_decay : float, optional
        :math:`\kappa`, time decay of the learning rate (default: 0) — the
        :math:`\eta_0/(1 + kt)` schedule of article 003, counted from :math:`t - 1`.
    weight_decay : float, optional
        L2 penalty :math:`\lambda` (default: 0).
    initial_accumulator_value : float, optional
        Starting value :math:`s_0` of every sum of squares (default: 0).
    eps : float, optional
        :math:`\epsilon`, added to :math:`\sqrt{s_t}` (outside the root) to avoid
        dividing by zero (default: 1e-10).

    Notes
    -----
    The state of a parameter (``sum`` and ``step``) is created the first time it has a
    gradient, from its group's ``initial_accumulator_value``. PyTorch creates it for
    every parameter in the constructor and always uses the constructor's value; the
    updates are the same unless a group overrides ``initial_accumulator_value``.
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0,
                 initial_accumulator_value=0, eps=1e-10):
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value)
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group):
        check_hyperparameter("learning rate", group["lr"])
        check_hyperparameter("lr_decay value", group["lr_decay"])
        check_hyperparameter("weight_decay value", group["weight_decay"])
        check_hyperparameter("initial_accumulator_value value",
                             group["initial_accumulator_value"])
        check_hyperparameter("epsilon value", group["eps"])

    def _init_state(self, p, group):
        return {"step": step_count(),
                "sum": state_tensor(np.full_like(p.array, group["initial_accumulator_value"]))}

    def step(self, closure=None):
        """One update of every parameter that has a gradient (the loop body above)."""
        loss = self._closure_loss(closure)
        for group, theta, g, state in self._parameters_with_grad():
            state["step"].array += 1
            t, s = state["step"].item(), state["sum"].array
            g = l2_penalty(g, theta, group["weight_decay"])
            eta_t = float(group["lr"]) / (1 + (t - 1) * group["lr_decay"])
            s += g * g
            theta -= eta_t * (g / (np.sqrt(s) + group["eps"]))
        return loss
