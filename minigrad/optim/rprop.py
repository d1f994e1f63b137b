"""Rprop: one step size per weight, grown while the gradient keeps its sign."""

import numpy as np

from minigrad.optim.optimizer import (Optimizer, check_hyperparameter, state_tensor,
                                      step_count)


class Rprop(Optimizer):
    r"""Resilient backpropagation (Riedmiller and Braun, 1993), as ``torch.optim.Rprop``.

    Rprop ignores the *size* of the gradient and uses only its *sign*. Each weight has
    its own step size :math:`\Delta`: while the gradient keeps its sign the step grows
    (:math:`\times\eta_+`), when the sign flips — the last step jumped over a minimum —
    it shrinks (:math:`\times\eta_-`) and that weight skips one move:

    .. math::
       \begin{aligned}
            &\rule{110mm}{0.4pt}                                                       \\
            &\textbf{input}: \theta_0 \text{ (params)}, \: J(\theta) \text{ (loss)}, \:
                \eta_{+/-} \text{ (etas)}, \:
                \Gamma_{max/min} \text{ (step sizes)}, \: \eta \text{ (lr)}           \\
            &\textbf{initialise}: g^0_{prev} \leftarrow 0, \:
                \Delta_0 \leftarrow \eta \text{ (every weight)}                        \\
            &\rule{110mm}{0.4pt}                                                       \\
            &\textbf{for} \: t = 1 \: \textbf{to} \: \ldots \: \textbf{do}            \\
            &\hspace{5mm} g_t \leftarrow \nabla_\theta J_t(\theta_{t-1})               \\
            &\hspace{5mm} \textbf{if} \: g_{prev} g_t > 0: \:
                \Delta_t \leftarrow \min(\Delta_{t-1} \eta_+, \Gamma_{max})           \\
            &\hspace{5mm} \textbf{else if} \: g_{prev} g_t < 0:                        \\
            &\hspace{10mm} \Delta_t \leftarrow \max(\Delta_{t-1} \eta_-, \Gamma_{min}) \\
            &\hspace{10mm} g_t \leftarrow 0                                            \\
            &\hspace{5mm} \textbf{else}: \: \Delta_t \leftarrow \Delta_{t-1}           \\
            &\hspace{5mm} \theta_t \leftarrow \theta_{t-1} -
                \Delta_t \operatorname{sign}(g_t)                                      \\
            &\hspace{5mm} g_{prev} \leftarrow g_t                                      \\
            &\rule{110mm}{0.4pt}                                                       \\
            &\textbf{return} \: \theta_t                                               \\
            &\rule{110mm}{0.4pt}
       \end{aligned}

    The learning rate is only the *first* step size; a scheduler that changes
    ``group["lr"]`` later has no effect on Rprop (as in PyTorch).

    Parameters
    ----------
    params : iterable
        Parameters, or dicts defining parameter groups.
    lr : float, optional
        The initial step size :math:`\eta` of every weight (default: 1e-2).
    etas : (float, float), optional
        :math:`(\eta_-, \eta_+)`, the factors that shrink and grow a step size
        (default: (0.5, 1.2)); :math:`0 < \eta_- < 1 < \eta_+`.
    step_sizes : (float, float), optional
        :math:`(\Gamma_{min}, \Gamma_{max})`, the smallest and largest step size
        (default: (1e-6, 50)).
    maximize : bool, optional
        Climb the objective instead of descending it (default: False).

    Notes
    -----
    Rprop is meant for full-batch gradients: with minibatches the sign flips from noise
    and the step sizes shrink for no reason.
    """

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 maximize=False):
        defaults = dict(lr=lr, etas=tuple(etas), step_sizes=tuple(step_sizes),
                        maximize=maximize)
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group):
        check_hyperparameter("learning rate", group["lr"])
        eta_minus, eta_plus = group["etas"]
        if not 0.0 < eta_minus < 1.0 < eta_plus:
            raise ValueError(f"Invalid eta values: {eta_minus}, {eta_plus}")

    def _init_state(self, p, group):
        return {"step": step_count(), "prev": state_tensor(np.zeros_like(p.array)),
                "step_size": state_tensor(np.full_like(p.array, float(group["lr"])))}

    def step(self, closure=None):
        """One update of every parameter that has a gradient (the loop body above)."""
        loss = self._closure_loss(closure)
        for group, theta, g, state in self._parameters_with_grad():
            eta_minus, eta_plus = group["etas"]
            step_min, step_max = group["step_sizes"]
            if group["maximize"]:
                g = -g
            state["step"].array += 1
            prev, step_size = state["prev"].array, state["step_size"].array
            same_sign = np.sign(g * prev)
            factor = np.where(same_sign > 0, eta_plus,
                              np.where(same_sign < 0, eta_minus, 1.0)).astype(theta.dtype)
            step_size *= factor
            np.clip(step_size, step_min, step_max, out=step_size)
            g = np.where(same_sign < 0, 0, g).astype(theta.dtype)   # skip after a flip
            theta -= np.sign(g) * step_size
            prev[...] = g
        return loss
