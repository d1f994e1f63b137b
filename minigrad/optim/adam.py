"""Adam and AdamW: moving averages of the gradient and of its square, bias-corrected.

Both share one update, :meth:`Adam.step`; they differ only in how weight decay enters
(through the gradient for Adam, directly on the parameters for AdamW).
"""

import numpy as np

from minigrad.optim.optimizer import (Optimizer, check_hyperparameter, l2_penalty,
                                      state_tensor, step_count)


class Adam(Optimizer):
    r"""Adam (Kingma and Ba, 2015), optionally with AMSGrad and L2 weight decay.

    Article 000 §3 states Adam's five equations,

    .. math::
        m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t, \quad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2, \quad
        \hat m_t = \frac{m_t}{1 - \beta_1^t}, \quad
        \hat v_t = \frac{v_t}{1 - \beta_2^t}, \quad
        \theta_{t+1} = \theta_t - \eta \, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon},

    which, with PyTorch's weight decay and AMSGrad options, make the algorithm:

    .. math::
       \begin{aligned}
            &\rule{110mm}{0.4pt}                                                       \\
            &\textbf{input}: \eta \text{ (lr)}, \: \beta_1, \beta_2 \text{ (betas)}, \:
                \theta_0 \text{ (params)}, \: J(\theta) \text{ (loss)}, \:
                \lambda \text{ (weight decay)}, \: \epsilon, \: \textit{amsgrad}       \\
            &\textbf{initialise}: m_0 \leftarrow 0 \text{ (first moment)}, \:
                v_0 \leftarrow 0 \text{ (second moment)}, \:
                v_0^{max} \leftarrow 0                                                 \\
            &\rule{110mm}{0.4pt}                                                       \\
            &\textbf{for} \: t = 1 \: \textbf{to} \: \ldots \: \textbf{do}            \\
            &\hspace{5mm} g_t \leftarrow \nabla_\theta J_t(\theta_{t-1})               \\
            &\hspace{5mm} \textbf{if} \: \lambda \neq 0: \:
                g_t \leftarrow g_t + \lambda \theta_{t-1}                              \\
            &\hspace{5mm} m_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t           \\
            &\hspace{5mm} v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g_t^2         \\
            &\hspace{5mm} \hat m_t \leftarrow m_t / (1 - \beta_1^t)                    \\
            &\hspace{5mm} \textbf{if} \: \textit{amsgrad}:                             \\
            &\hspace{10mm} v_t^{max} \leftarrow \max(v_{t-1}^{max}, v_t)               \\
            &\hspace{10mm} \hat v_t \leftarrow v_t^{max} / (1 - \beta_2^t)             \\
            &\hspace{5mm} \textbf{else}: \: \hat v_t \leftarrow v_t / (1 - \beta_2^t)  \\
            &\hspace{5mm} \theta_t \leftarrow \theta_{t-1}
                - \eta \, \hat m_t / (\sqrt{\hat v_t} + \epsilon)                      \\
            &\rule{110mm}{0.4pt}                                                       \\
            &\textbf{return} \: \theta_t                                               \\
            &\rule{110mm}{0.4pt}
       \end{aligned}

    Parameters
    ----------
    params : iterable
        Parameters, or dicts defining parameter groups.
    lr : float, optional
        Learning rate :math:`\eta` (default: 1e-3).
    betas : tuple of two floats, optional
        :math:`(\beta_1, \beta_2)`, the decay rates of the two averages, each in
        :math:`[0, 1)` (default: (0.9, 0.999)).
    eps : float, optional
        :math:`\epsilon`, added outside the square root (default: 1e-8).
    weight_decay : float, optional
        :math:`\lambda` (default: 0): an L2 penalty added to the gradient, so it passes
        through :math:`m_t` and :math:`v_t` — see :class:`AdamW` for the alternative.
    amsgrad : bool, optional
        Divide by the largest :math:`v_t` so far (Reddi et al., 2018) (default: False).
    decoupled_weight_decay : bool, optional, keyword only
        Decay :math:`\theta` directly, as :class:`AdamW` does (default: False).

    Notes
    -----
    :math:`\epsilon` is added *outside* the square root, :math:`\sqrt{\hat v_t} +
    \epsilon`, as in the paper, article 000 and PyTorch; some libraries use
    :math:`\sqrt{\hat v_t + \epsilon}`, which matters when :math:`\hat v_t` is tiny.

    The code never forms :math:`\hat m_t` and :math:`\hat v_t` as arrays: it folds
    the two corrections into the step size and the denominator,
    :math:`\theta \leftarrow \theta - \frac{\eta}{1 - \beta_1^t} \, m_t \big/
    \big(\sqrt{v_t} / \sqrt{1 - \beta_2^t} + \epsilon\big)` — the same number,
    computed in PyTorch's order, so float64 results agree with PyTorch to rounding.
    PyTorch's ``maximize``, ``foreach``, ``fused``, ``capturable`` and
    ``differentiable`` are left out.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, decoupled_weight_decay=False):
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group):
        check_hyperparameter("learning rate", group["lr"])
        check_hyperparameter("epsilon value", group["eps"])
        betas = group["betas"]
        if len(betas) != 2:
            raise ValueError(f"Invalid betas: {betas} (must be a pair (beta1, beta2))")
        for i, beta in enumerate(betas):
            check_hyperparameter(f"beta parameter at index {i}", beta,
                                 high=1.0, high_inclusive=False)
        check_hyperparameter("weight_decay value", group["weight_decay"])

    def _init_state(self, p, group):
        state = {"step": step_count(), "exp_avg": state_tensor(np.zeros_like(p.array)),
                 "exp_avg_sq": state_tensor(np.zeros_like(p.array))}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = state_tensor(np.zeros_like(p.array))
        return state

    def step(self, closure=None):
        """One update of every parameter that has a gradient (the loop body above)."""
        loss = self._closure_loss(closure)
        for group, theta, g, state in self._parameters_with_grad():
            eta, (beta1, beta2), eps = float(group["lr"]), group["betas"], group["eps"]
            state["step"].array += 1
            t, m, v = state["step"].item(), state["exp_avg"].array, state["exp_avg_sq"].array
            if group["decoupled_weight_decay"]:
                theta *= 1 - eta * group["weight_decay"]       # AdamW: decay θ itself
            else:
                g = l2_penalty(g, theta, group["weight_decay"])  # Adam: through g_t
            m += (1 - beta1) * (g - m)       # m_t = β₁ m_{t−1} + (1 − β₁) g_t, as a lerp
            v *= beta2                       # v_t = β₂ v_{t−1} + (1 − β₂) g_t²
            v += (1 - beta2) * g * g
            if group["amsgrad"]:
                v_max = state["max_exp_avg_sq"].array
                v = np.maximum(v_max, v, out=v_max)
            step_size = eta / (1 - beta1 ** t)                         # η / (1 − β₁ᵗ)
            denominator = np.sqrt(v) / (1 - beta2 ** t) ** 0.5 + eps   # √v̂_t + ε
            theta -= step_size * (m / denominator)
        return loss


class AdamW(Adam):
    r"""AdamW (Loshchilov and Hutter, 2019): Adam with decoupled weight decay.

    Adam's L2 penalty :math:`\lambda\theta` is added to :math:`g_t`, so it is divided
    by :math:`\sqrt{\hat v_t}` like the rest of the gradient: coordinates with large
    gradients are barely decayed. AdamW takes the decay out of the gradient and
    shrinks :math:`\theta` directly, by the same fraction :math:`\eta\lambda` for every
    coordinate. Everything else is Adam's five equations (article 000 §3):

    .. math::
       \begin{aligned}
            &\rule{110mm}{0.4pt}                                                       \\
            &\textbf{input}: \eta \text{ (lr)}, \: \beta_1, \beta_2 \text{ (betas)}, \:
                \theta_0 \text{ (params)}, \: J(\theta) \text{ (loss)}, \:
                \lambda \text{ (weight decay)}, \: \epsilon, \: \textit{amsgrad}       \\
            &\textbf{initialise}: m_0 \leftarrow 0, \: v_0 \leftarrow 0, \:
                v_0^{max} \leftarrow 0                                                 \\
            &\rule{110mm}{0.4pt}                                                       \\
            &\textbf{for} \: t = 1 \: \textbf{to} \: \ldots \: \textbf{do}            \\
            &\hspace{5mm} g_t \leftarrow \nabla_\theta J_t(\theta_{t-1})               \\
            &\hspace{5mm} \theta_{t-1} \leftarrow \theta_{t-1} (1 - \eta \lambda)      \\
            &\hspace{5mm} m_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t           \\
            &\hspace{5mm} v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g_t^2         \\
            &\hspace{5mm} \hat m_t \leftarrow m_t / (1 - \beta_1^t)                    \\
            &\hspace{5mm} \textbf{if} \: \textit{amsgrad}:                             \\
            &\hspace{10mm} v_t^{max} \leftarrow \max(v_{t-1}^{max}, v_t)               \\
            &\hspace{10mm} \hat v_t \leftarrow v_t^{max} / (1 - \beta_2^t)             \\
            &\hspace{5mm} \textbf{else}: \: \hat v_t \leftarrow v_t / (1 - \beta_2^t)  \\
            &\hspace{5mm} \theta_t \leftarrow \theta_{t-1}
                - \eta \, \hat m_t / (\sqrt{\hat v_t} + \epsilon)                      \\
            &\rule{110mm}{0.4pt}                                                       \\
            &\textbf{return} \: \theta_t                                               \\
            &\rule{110mm}{0.4pt}
       \end{aligned}

    Parameters are those of :class:`Adam`, except that ``weight_decay`` defaults to
    1e-2. The update is :meth:`Adam.step` with ``decoupled_weight_decay=True``, as in
    PyTorch. Note that the decay is scaled by the *current* :math:`\eta`, so a
    learning-rate schedule also schedules the decay.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, decoupled_weight_decay=True)
