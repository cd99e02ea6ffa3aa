r"""The math of every registry op, as MyST Markdown: the forward formula and a short derivation of the backward.

``op_pages`` puts ``MATH[name]`` at the top of the op's page and refuses to build a page without it
(``tests/docs`` checks the same), so a new registry entry cannot get an empty page.

Conventions, the same on every page: shapes in the notation of ``scratch.kernels.im2col`` (N, C, H,
W, KH, KW, SH, SW, PH, PW, OH, OW); $\bar v = \partial L / \partial v$ is the gradient of the final
scalar loss $L$ with respect to $v$, which the hand-written code calls ``dout`` / ``dx`` / ``dW`` and
the autograd code ``gy`` / ``gx``; $\odot$ is the element-wise product and $\mathbb{1}[\cdot]$ is 1
where its condition holds, else 0. This module has no ``generate``: it is data, not a generator.
"""

_ELEMENTWISE = r"""
$x$ has any shape and $y$ the same shape. The op acts on each element alone, so its Jacobian is
diagonal and the backward is one element-wise product with the derivative:
$\bar x = \bar y \odot f'(x)$.
"""

_BATCHNORM = r"""
**Forward.** For each channel $c$ (axis 1) the statistics run over the $n$ values of that channel
in the batch ({where}):

$$
\begin{{aligned}}
\mu_c &= \frac{{1}}{{n}} \sum_i x_i, \qquad
\sigma_c^2 = \frac{{1}}{{n}} \sum_i (x_i - \mu_c)^2, \qquad
s_c = \sqrt{{\sigma_c^2 + \epsilon}} \\
\hat x_i &= \frac{{x_i - \mu_c}}{{s_c}}, \qquad
y_i = \gamma_c \, \hat x_i + \beta_c
\end{{aligned}}
$$

with $\gamma$ = `weight` (C,) and $\beta$ = `bias` (C,). In training, $\mu$ and $\sigma^2$ are the
batch's (the variance biased, divided by $n$), and the running statistics move towards them:
$r \leftarrow (1 - m)\, r + m\, b$ with momentum $m$, where `running_var` takes the *unbiased*
variance $\sigma_c^2 \cdot n / (n - 1)$, as torch does. In eval mode the running statistics replace
$\mu$ and $\sigma^2$ and are constants.

**Backward.** The affine part first: $\bar\gamma_c = \sum_i \bar y_i \hat x_i$,
$\bar\beta_c = \sum_i \bar y_i$ and $\bar{{\hat x}}_i = \gamma_c \bar y_i$. Then every $\hat x_j$
depends on every $x_i$ of its channel, through $\mu$ and $s$. With
$\partial \mu / \partial x_i = 1/n$ and
$\partial s / \partial x_i = (x_i - \mu) / (n s) = \hat x_i / n$ (because $\sum_j (x_j - \mu) = 0$):

$$
\frac{{\partial \hat x_j}}{{\partial x_i}}
= \frac{{1}}{{s}} \left( \delta_{{ij}} - \frac{{1}}{{n}} - \frac{{\hat x_i \hat x_j}}{{n}} \right)
$$

and summing over every $\hat x_j$ that $x_i$ touches:

$$
\bar x_i = \sum_j \bar{{\hat x}}_j \frac{{\partial \hat x_j}}{{\partial x_i}}
= \frac{{1}}{{n s}} \Big( n\, \bar{{\hat x}}_i - \sum_j \bar{{\hat x}}_j
- \hat x_i \sum_j \bar{{\hat x}}_j \hat x_j \Big)
$$

With the running statistics (eval) $\mu$ and $s$ are constants, and $\bar x_i = \bar{{\hat x}}_i / s_c$.
The $\epsilon$ stays inside the square root in the backward too: $s = \sqrt{{\sigma^2 + \epsilon}}$.
The autograd version writes none of this: it composes mean, subtract, square, divide, and the
engine's chain rule produces the same $\bar x$.
"""

MATH = {
    "Sigmoid": _ELEMENTWISE
    + r"""
$$
y = \sigma(x) = \frac{1}{1 + e^{-x}}
$$

Differentiating the quotient and writing the result through $y$ itself:

$$
\sigma'(x) = \frac{e^{-x}}{(1 + e^{-x})^2}
= \frac{1}{1 + e^{-x}} \cdot \frac{e^{-x}}{1 + e^{-x}}
= \sigma(x)\,\big(1 - \sigma(x)\big)
\quad\Longrightarrow\quad
\bar x = \bar y \odot y \odot (1 - y)
$$

so the backward needs only $y$, which the hand-written layer caches. The forward never forms
$e^{-x}$ for a large negative $x$: with $e = e^{-|x|} \le 1$ it computes $1/(1+e)$ for $x \ge 0$ and
$e/(1+e)$ for $x < 0$.
""",
    "Tanh": _ELEMENTWISE
    + r"""
$$
y = \tanh x = \frac{\sinh x}{\cosh x}
$$

The quotient rule and $\cosh^2 x - \sinh^2 x = 1$ give

$$
\tanh'(x) = \frac{\cosh^2 x - \sinh^2 x}{\cosh^2 x} = 1 - \tanh^2 x
\quad\Longrightarrow\quad
\bar x = \bar y \odot (1 - y^2)
$$

again through the output $y$ alone.
""",
    "ReLU": _ELEMENTWISE
    + r"""
$$
y = \max(x, 0)
\qquad
\frac{\partial y}{\partial x} = \mathbb{1}[x > 0]
\quad\Longrightarrow\quad
\bar x = \bar y \odot \mathbb{1}[x > 0]
$$

The derivative does not exist at $x = 0$; like torch, every implementation takes it as 0 there.
""",
    "LeakyReLU": _ELEMENTWISE
    + r"""
With $a$ = `negative_slope` (0.01 by default; any real number, negative or above 1 included):

$$
y = \begin{cases} x & x > 0 \\ a\,x & x \le 0 \end{cases}
\qquad
\frac{\partial y}{\partial x} = \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases}
\quad\Longrightarrow\quad
\bar x = \bar y \odot \big(\mathbb{1}[x > 0] + a\,\mathbb{1}[x \le 0]\big)
$$

At $x = 0$ the slope is $a$, as torch takes it. ReLU is the case $a = 0$, and the autograd engine
uses one Function for both.
""",
    "SELU": _ELEMENTWISE
    + r"""
With the constants of Klambauer et al. (2017), $\alpha \approx 1.6733$ and $\lambda \approx 1.0507$
(`SELU_ALPHA` and `SELU_SCALE`, to full precision):

$$
y = \lambda \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}
\qquad
\frac{\partial y}{\partial x} = \begin{cases}
\lambda & x > 0 \\ \lambda \alpha\, e^{x} = y + \lambda\alpha & x \le 0
\end{cases}
$$

so $\bar x = \bar y \odot y'(x)$. The autograd backward writes the negative branch as
$y + \lambda\alpha$, with $y$ recomputed by `selu(x)` inside the backward, so that the backward is a graph
that can be differentiated again; the forward takes `expm1` of $\min(x, 0)$ only, so no $e^{x}$ of a
large positive $x$ is ever formed. At $x = 0$ the slope is the negative
branch's, $\lambda\alpha$, as in torch.
""",
    "Linear": r"""
**Forward.** Any number of leading axes, flattened to $M$ rows: $x$ (M, in), $W$ = `weight`
(out, in), $b$ = `bias` (out,), $y$ (M, out):

$$
y = x W^\top + b, \qquad y_{mo} = \sum_i x_{mi} W_{oi} + b_o
$$

**Backward.** Each output element is linear in each argument, with
$\partial y_{mo} / \partial x_{mi} = W_{oi}$, $\partial y_{mo} / \partial W_{oi} = x_{mi}$ and
$\partial y_{mo} / \partial b_o = 1$. Summing over the outputs each one touches:

$$
\bar x_{mi} = \sum_o \bar y_{mo} W_{oi}, \qquad
\bar W_{oi} = \sum_m \bar y_{mo}\, x_{mi}, \qquad
\bar b_o = \sum_m \bar y_{mo}
$$

that is, as matrices,

$$
\bar x = \bar y\, W \;\; (M, \text{in}), \qquad
\bar W = \bar y^\top x \;\; (\text{out}, \text{in}), \qquad
\bar b = \textstyle\sum_m \bar y_{m\cdot} \;\; (\text{out})
$$

Every gradient has the shape of what it is the gradient of, which is the quickest check of a
derivation like this one.
""",
    "Conv2d": r"""
**Forward.** $x$ (N, C, H, W), $W$ = `weight` (Cout, C, KH, KW), $b$ = `bias` (Cout,), and $x_p$ the
input with PH rows and PW columns of zeros on each side. A cross-correlation, as in every framework:

$$
y[n, o, i, j] = b_o + \sum_{c=0}^{C-1} \sum_{k_h=0}^{KH-1} \sum_{k_w=0}^{KW-1}
W[o, c, k_h, k_w]\; x_p[n, c,\; i\,SH + k_h,\; j\,SW + k_w]
$$

so $y$ is (N, Cout, OH, OW) with $OH = \lfloor (H + 2 PH - KH) / SH \rfloor + 1$ and
$OW = \lfloor (W + 2 PW - KW) / SW \rfloor + 1$.

**As a matrix product.** `im2col` copies every KH × KW window into one column:
$X_c = \text{im2col}(x)$ is (C·KH·KW, OH·OW·N), with rows indexed by $(c, k_h, k_w)$ and
columns by the output position $(i, j, n)$. (The code lays these columns out in one of two ways:
one image at a time on large feature maps, where each image's product is big enough and nothing
needs transposing, and with the batch index fastest on small ones, so that the copies run at memory
speed and each product is one large GEMM; the math is the same.) With
$W_2$ = `weight.reshape(Cout, C*KH*KW)`, the convolution is one matrix product, a Linear layer
applied to every window at once:

$$
Y_2 = W_2 X_c + b \qquad (\mathrm{Cout},\ OH \cdot OW \cdot N), \qquad
Y_2[o, (i, j, n)] = y[n, o, i, j]
$$

**Backward.** $Y_2$ is linear in $W_2$, $b$ and $X_c$, and the rules of a matrix product
($\bar A = \bar Y B^\top$ and $\bar B = A^\top \bar Y$ for $Y = AB$, as on the Linear page) give,
with $\bar Y_2$ = $\bar y$ laid out like $Y_2$:

$$
\begin{aligned}
\bar W_2 &= \bar Y_2 X_c^\top && (\mathrm{Cout},\ C \cdot KH \cdot KW) \\
\bar b &= \textstyle\sum_{\text{columns}} \bar Y_2 && (\mathrm{Cout}) \\
\bar X_c &= W_2^\top \bar Y_2 && (C \cdot KH \cdot KW,\ OH \cdot OW \cdot N)
\end{aligned}
$$

and $X_c$ depends linearly on $x$, so the last step is the adjoint (transpose) of im2col:

$$
\bar x = \text{im2col}^\top(\bar X_c) = \text{col2im}(\bar X_c)
$$

`col2im` adds each column back into the window it came from; where windows overlap (stride smaller
than the kernel) an input pixel collects the sum of all of them, exactly the $\sum$ the chain
rule asks for. The padded border's gradient is dropped. The three products are the kernels below,
shared: the hand-written layer and the autograd Functions call the same array functions.
""",
    "MaxPool2d": r"""
**Forward.** $x$ (N, C, H, W) (or unbatched (C, H, W)), windows of KH × KW at stride (SH, SW), and
$x_p$ padded with $-\infty$ (so a padded cell never wins); `stride` defaults to `kernel_size`:

$$
y[n, c, i, j] = \max_{0 \le k_h < KH,\ 0 \le k_w < KW} x_p[n, c,\; i\,SH + k_h,\; j\,SW + k_w]
\qquad (N, C, OH, OW)
$$

Call $a(n, c, i, j)$ the input position that wins window $(i, j)$: the first maximum in the
window's row-major order.

**Backward.** Near a point without ties, $y[n, c, i, j] = x[n, c, a(n, c, i, j)]$ is a copy of one
input, so $\partial y_{ij} / \partial x_{hw} = \mathbb{1}[(h, w) = a_{ij}]$ and

$$
\bar x[n, c, h, w] = \sum_{(i, j)\,:\; a(n, c, i, j) = (h, w)} \bar y[n, c, i, j]
$$

Each gradient goes to the winner of its window, and a position that wins several overlapping
windows (stride < kernel) collects the sum. In the code, every (n, c) plane goes through `im2col`
as (N·C·OH·OW, KH·KW) rows, `argmax` picks each row's winner, the backward scatters $\bar y$ into a
zero array of that shape at the winners, and `col2im` adds the rows back (its `+=` is the sum
above). At a tie the function has no derivative; the first maximum gets the gradient, as on
torch's CPU kernel.
""",
    "BatchNorm1d": _BATCHNORM.format(
        where="$x$ is (N, C) with $n = N$, or (N, C, L) with $n = N \\cdot L$; $y$ has $x$'s shape"
    ),
    "BatchNorm2d": _BATCHNORM.format(where="$x$ is (N, C, H, W) and $n = N \\cdot H \\cdot W$; $y$ has $x$'s shape"),
    "Dropout": r"""
**Forward.** Inverted dropout, for $x$ of any shape and drop probability $p$:

$$
\text{training:}\quad y = x \odot \frac{k}{1 - p}, \quad k_i \sim \operatorname{Bernoulli}(1 - p)
\qquad\qquad
\text{eval (or } p = 0\text{):}\quad y = x
$$

$\mathbb{E}[y_i] = x_i (1 - p) / (1 - p) = x_i$, so nothing needs rescaling at test time. For
$p = 1$ every element is dropped, $y = 0$, with no division by zero.

**Backward.** Once the mask $k$ is drawn, $y$ is linear in $x$ with a diagonal Jacobian:

$$
\bar x = \bar y \odot \frac{k}{1 - p}
$$

with the *same* $k$ as the forward (drawing a fresh mask in the backward is a classic bug). In the
autograd version the scale is a constant Tensor of the graph, so the engine's multiplication rule
gives exactly this.
""",
    "Flatten": r"""
**Forward.** The axes `start_dim` … `end_dim` merge into one; the elements and their order in
memory do not change. With the defaults (`start_dim=1`, `end_dim=-1`):

$$
x\ (N, C, H, W) \;\longmapsto\; y\ (N,\ C \cdot H \cdot W), \qquad
y[n,\ (c\,H + h)\,W + w] = x[n, c, h, w]
$$

**Backward.** $y$ is $x$ with its elements relabelled: the Jacobian is a permutation matrix that
maps each element to itself, so the gradient is relabelled back:

$$
\bar x = \operatorname{reshape}(\bar y,\ \operatorname{shape}(x))
$$
""",
    "CrossEntropyLoss": r"""
**Forward.** Logits $z$ (N, C), the classes on axis 1 (also (N, C, d1, …), or (C,) unbatched), and
integer targets $t$ (N,) in $[0, C)$. Softmax, then the negative log-likelihood of the target
class:

$$
\begin{aligned}
p_{nc} &= \frac{e^{z_{nc}}}{\sum_{c'} e^{z_{nc'}}} \\
\ell_n &= -\log p_{n t_n} = \log \sum_{c} e^{z_{nc}} - z_{n t_n} \\
L &= \frac{1}{N} \sum_n \ell_n && \text{(reduction 'mean')}
\end{aligned}
$$

The log-sum-exp is shifted by $m_n = \max_c z_{nc}$:
$\log \sum_c e^{z_{nc}} = m_n + \log \sum_c e^{z_{nc} - m_n}$, so no exponential exceeds 1.

**Backward.** $\partial \log \sum_{c'} e^{z_{nc'}} / \partial z_{nc} = p_{nc}$ and
$\partial z_{n t_n} / \partial z_{nc} = \mathbb{1}[c = t_n]$, so

$$
\frac{\partial \ell_n}{\partial z_{nc}} = p_{nc} - \mathbb{1}[c = t_n]
\quad\Longrightarrow\quad
\bar z = \frac{\bar L}{N} \big(\operatorname{softmax}(z) - \operatorname{onehot}(t)\big)
$$

('sum' drops the $1/N$; 'none' takes $\bar\ell$ element by element). The hand-written layer
writes this formula; the autograd version composes `log_softmax` with an indexing op and the
engine derives the same thing.
""",
    "SigmoidFocalLoss": r"""
**Forward.** Logits $x$ and targets $t \in [0, 1]$ of the same shape (element-wise), with
$s = \sigma(x)$ and $\gamma \ge 0$ (Lin et al., 2017, as torchvision computes it):

$$
\begin{aligned}
\mathrm{ce} &= -\big(t \log s + (1 - t) \log(1 - s)\big) \\
q &= 1 - p_t = s\,(1 - t) + (1 - s)\, t \\
\alpha_t &= \alpha\, t + (1 - \alpha)(1 - t) \\
\ell &= \alpha_t \cdot \mathrm{ce} \cdot q^{\gamma}
\end{aligned}
$$

$\mathrm{ce}$ is the binary cross-entropy, computed with $\log s = \log\sigma(x)$ and
$\log(1 - s) = \log\sigma(-x)$; $q$ measures how wrong the prediction is; $\alpha_t$ weighs the
two classes ($\alpha_t = 1$ when $\alpha < 0$).

**Backward.** With $ds/dx = s(1 - s)$, $d \log s / dx = 1 - s$ and $d \log(1 - s) / dx = -s$:

$$
\frac{d\,\mathrm{ce}}{dx} = -\big(t (1 - s) - (1 - t)\, s\big) = s - t, \qquad
\frac{dq}{dx} = (1 - 2t)\, s (1 - s)
$$

and the product rule gives

$$
\frac{d\ell}{dx} = \alpha_t \Big( (s - t)\, q^{\gamma} + \mathrm{ce} \cdot \gamma\, q^{\gamma - 1} \frac{dq}{dx} \Big)
$$

The code computes $s - t$ as $s(1 - t) - (1 - s)t$ and $1 - s$ as $\sigma(-x)$: no subtraction of
nearly equal numbers, so nothing cancels for large $|x|$. For $\gamma = 0$ the modulator $q^0$ is
the constant 1 and its derivative is 0, even where $q = 0$.
""",
    "Sequential": r"""
**Forward.** A composition $y = f_K(\cdots f_2(f_1(x)))$; the registry tests this network:

$$
\begin{aligned}
x\ (N, C, H, W)
&\xrightarrow{\text{Conv2d } 3\times 3,\ PH = PW = 1} (N, \text{hidden}, H, W) \\
&\xrightarrow{\text{BatchNorm2d, ReLU}} (N, \text{hidden}, H, W)
\xrightarrow{\text{MaxPool2d}(2)} (N, \text{hidden}, OH, OW) \\
&\xrightarrow{\text{Flatten}} (N, \text{hidden} \cdot OH \cdot OW) \\
&\xrightarrow{\text{Linear}} (N, \text{out})
\end{aligned}
$$

**Backward.** With $x_0 = x$ and $x_k = f_k(x_{k-1})$, the chain rule multiplies the Jacobians in
reverse order; each layer's backward is a vector-Jacobian product that turns the gradient of its
output into the gradient of its input:

$$
\bar x_{k-1} = J_{f_k}(x_{k-1})^\top\, \bar x_k, \qquad k = K, K-1, \dots, 1
$$

The hand-written container calls each layer's `backward` in reverse; the autograd engine walks the
recorded graph newest-first, which is the same order. What the composition checks beyond each
layer alone: that the layers' caches and shapes line up, and that errors do not grow through the
chain.
""",
    "RNNCell": r"""
**Forward.** One time step of the Elman RNN. Here (as in `scratch.kernels.rnn`) I is the input
size and H the hidden size, not a height: $x$ (N, I), $h$ (N, H), $W_{ih}$ (H, I), $W_{hh}$ (H, H),
biases (H,):

$$
a = x W_{ih}^\top + b_{ih} + h W_{hh}^\top + b_{hh}, \qquad h' = \tanh(a) \qquad (N, H)
$$

(`nonlinearity="relu"` uses $\max(a, 0)$.)

**Backward.** From $\bar h'$, first the activation, written through the output as for Tanh:

$$
\bar a = \bar h' \odot (1 - h'^2) \qquad (\text{relu: } \bar a = \bar h' \odot \mathbb{1}[h' > 0])
$$

then $a$ is two Linear layers added, so Linear's rules apply to each:

$$
\bar x = \bar a\, W_{ih}, \qquad \bar h = \bar a\, W_{hh}, \qquad
\bar W_{ih} = \bar a^\top x, \qquad \bar W_{hh} = \bar a^\top h, \qquad
\bar b_{ih} = \bar b_{hh} = \textstyle\sum_n \bar a_{n\cdot}
$$

$\bar h$ is what backpropagation through time hands to the previous step; over a sequence the
weights are shared by every step, so their gradients are summed over time.
""",
}
