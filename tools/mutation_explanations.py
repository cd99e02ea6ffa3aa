"""Why each mutant that survives `make mutation` survives: {mutant name: (marker, reason)}.

A mutant's name is mutmut's (module, class, function, number); the numbers shift when the function
changes, so each entry also carries a marker, a piece of the mutated line: tools.mutation keeps the
reason only while the marker is in the mutant's diff, and otherwise lists the survivor as unexamined.
Every survivor here was read. Most are equivalent (no test can tell them from the original); the
others differ only where the project promises nothing (the last bits of a float32 result) or where no
test sends a device array, and their reasons say so.
"""

DISPATCH = (
    "Equivalent: NumPy's function, called on the array itself, dispatches to the array's own module "
    "(NEP 13/18, which CuPy's arrays and the tests' stand-in device implement), so np.f(x) is xp.f(x)."
)
HOST_CREATION = (
    "Equivalent on the CPU, where every array is NumPy's. On a device this would make a host array here; "
    "the device tests (tests/test_device.py) do not reach this line with device arrays: a gap in those, "
    "not in the CPU suite."
)
NEGATIVE_RESHAPE = (
    "Equivalent under NumPy 2: reshape takes any negative size as 'infer this one', so -2 acts as -1 "
    "(one inferred axis is all these reshapes ask for)."
)
COPY_FLAG = (
    "Equivalent: copy= only decides whether astype may hand back its input unchanged; nothing writes into "
    "the result, so the values are the same either way (the contract check tests that nothing is mutated)."
)
EXACT_DIVISION = (
    "Equivalent: the count divides exactly (x.size is N times C times the spatial size), so / gives the "
    "same number as //, and n only enters float arithmetic (the n / (n - 1) of the unbiased variance)."
)
FALSY_BIAS = "Equivalent: bias=None and bias=False both mean no bias (the constructor tests its truth)."
DEFAULT_STRIDE = "Equivalent: stride=1 is Conv2d's default, so dropping the argument changes nothing."
ROUNDING = (
    "Differs only in rounding: the mutant computes in float64 where the input is float32, and the engine "
    "casts every gradient back to its input's dtype (engine.backward), so float32 results move in their "
    "last bits towards the exact value, far inside the float32 tolerance; float64 runs are unchanged."
)
ROUNDING_MANUAL = (
    "Differs only in rounding: the upstream gradient stays float64 instead of being cast to a float32 "
    "layer's dtype; the results land in float32 arrays (buffers made like the float32 input, in-place "
    "products, accumulate_grad in the parameter's dtype), so they move in their last bits only, towards "
    "the exact value, inside the float32 tolerance; float64 layers are unchanged."
)
EXACT_ZEROS = (
    "Equivalent: zeros are exact in every dtype, and the array is cast to the layer's dtype (asarray with "
    "dtype=self.dtype) before anything reads it."
)
ENGINE_CAST = (
    "Equivalent: the engine casts every gradient to its input's dtype (engine.backward), so leaving the "
    "cast to it gives the same array."
)
MEMORY_ONLY = (
    "Equivalent in value: the forward's im2col columns are kept only to save time and memory; remaking them "
    "(or keeping them after use) gives the same gradient, and with the columns given, conv2d_grad_weight "
    "reads neither stride nor padding."
)
SKIPPED_GRADIENT = (
    "Equivalent: the engine ignores the gradient of an input that does not require one (engine.backward "
    "skips it before looking at it), so computing it anyway, or returning '' instead of None, changes nothing."
)
ORDER_ONLY = (
    "Equivalent: generations only order the backward queue; every node still gets a larger number than the "
    "nodes it was computed from, which is all the ordering needs."
)
ZIP_STRICT = (
    "Equivalent: strict=True only guards against a backward returning the wrong number of gradients, which "
    "none does; the zip pairs the same items either way."
)
KIND_STRING = (
    "Equivalent: dtype.kind is a single letter, and 'X' is no dtype's kind, so the XX padding around the "
    "letters changes no membership test."
)
TENSOR_PREFIX = (
    "Equivalent: array2string uses the prefix only for its length (to indent the rows after the first), "
    "and the mutant's prefix has the length of 'Tensor('."
)
DROPOUT_FORWARDING = (
    "Equivalent: F.dropout returns its input when not training whatever p is (so dropping p, or passing "
    "training=None, which is falsy, changes nothing), and training=True is F.dropout's default."
)
AT_ZERO = "Equivalent: at x = 0 both branches give 0 (x and x * negative_slope are both 0)."
SELU_CLAMP = (
    "Equivalent: the minimum only keeps exp from overflowing for large positive x, where np.where takes "
    "the other branch; min(x, 1) does that as well as min(x, 0)."
)
SPARSE_GRID = (
    "Equivalent: a dense index grid (sparse=False) selects the same elements as the sparse one; sparse "
    "only saves memory."
)
GAMMA_ZERO = (
    "Equivalent: Pow itself takes exponent 0 as the constant 1 with gradient 0 (ops.Pow's NOTE), so "
    "building ce * q**0 gives the same loss and gradient as ce."
)
CLASSES_BACK_2D = (
    "Equivalent: for a 2-D input (N, C) the moveaxis path is the identity, so reshaping to the input's "
    "shape (what the mutant does for 2-D too) gives the same array."
)
LOG_SOFTMAX_AXIS = "Equivalent: z is 2-D here (classes moved last), and log_softmax's default axis -1 is axis 1."
RESHAPE_NONE = (
    "Equivalent: reshape(None) keeps the shape in NumPy; only an unbatched cell's (H,) gradient differs "
    "from h_new's (1, H), and it broadcasts against (1, H) to the same result."
)
SAME_MODULE = "Equivalent: the cached input and hidden states are arrays of the same module (one device)."
ZEROS_BROADCAST = (
    "Equivalent: the zero hidden state of shape (H,) instead of (N, H) broadcasts against the batch in "
    "h @ W_hh + x @ W_ih to the same values."
)
RESNET_DOWNSAMPLE = (
    "Equivalent for every network built here: in_planes is never equal to planes / expansion (64 vs 16, "
    "256 vs 32, ... for Bottleneck; for BasicBlock expansion is 1), so the test gives the same answer."
)
FACTOR_UNUSED = (
    "Equivalent: the momentum factor is read only when the running statistics are updated (training with "
    "track_running_stats), and that branch sets it first."
)
IDENTITY_SHORTCUT = (
    "Equivalent: the shortcut skips an op that would be the identity (same shape); taking the op anyway "
    "gives the same values and gradients."
)
FAST_PATH = (
    "Equivalent: the mutant sends every input down the checking path; an ndarray passes those checks "
    "unchanged, so the fast path only saves time."
)
CONSTANT_MODULE = (
    "Equivalent on the CPU, where the constant and the Tensor beside it are both NumPy's; on a device the "
    "constant would be made on the host, which the device tests do not catch."
)
READONLY_IS_VIEW = (
    "Equivalent for the ops here: every read-only gradient they produce is a view (broadcast_to), which "
    "the owndata test already copies."
)
SAME_SHAPE_RESHAPE = "Equivalent: without leading axes to drop, y already has the target shape; reshaping is a no-op."
ZERO_D_AXES = (
    "Equivalent: 'ndim or 1' only matters for a 0-d tensor, whose kept-dims shape is () whatever the axes, "
    "and whose mean over an axis fails either way (IndexError, where torch returns the value: a divergence "
    "of ops.mean on 0-d tensors, not of this line)."
)
NAN_SPELLING = "Equivalent: float() reads 'NAN' as it reads 'nan'."
BROADCAST_SCALAR = (
    "Equivalent: as_tensor(None) is 0-d, so the mutant takes the shortcut only for shape (), and the only "
    "arrays that broadcast to () are 0-d ones, which the shortcut returns unchanged as the original does."
)
UNREACHABLE_NONE = (
    "Equivalent: no None is ever met here, since setting a parameter to None takes it out of _parameters "
    "(Module.__setattr__ forgets it), so continue and break never run."
)

EXPLANATIONS: dict[str, tuple[str, str]] = {
    "scratch.autograd.engine.xǁTensorǁ__init____mutmut_2": ("if type(None) is not _ndarray:", FAST_PATH),
    "scratch.autograd.engine.xǁTensorǁ__init____mutmut_13": ('.dtype.kind not in "XXfcXX":', KIND_STRING),
    "scratch.autograd.engine.xǁTensorǁ__init____mutmut_21": ("self.generation = 1", ORDER_ONLY),
    "scratch.autograd.engine.xǁTensorǁ__repr____mutmut_14": ("self.data), prefix='tensor(')}{grad})\"", TENSOR_PREFIX),
    "scratch.autograd.engine.xǁTensorǁ__repr____mutmut_15": ("elf.data), prefix='TENSOR(')}{grad})\"", TENSOR_PREFIX),
    "scratch.autograd.engine.xǁTensorǁbackward__mutmut_17": ("or(get_array_module(None).ones_like(self.dat", DISPATCH),
    "scratch.autograd.engine.x_as_tensor__mutmut_3": (
        "module(like.data if (like is not None) and False else x)",
        CONSTANT_MODULE,
    ),
    "scratch.autograd.engine.x_as_tensor__mutmut_18": ('nd x.dtype.kind in "XXbiufXX":', KIND_STRING),
    "scratch.autograd.engine.xǁFunctionǁ__call____mutmut_13": ("generation = -2", ORDER_ONLY),
    "scratch.autograd.engine.xǁFunctionǁ__call____mutmut_15": ("d and x.generation >= generation:", ORDER_ONLY),
    "scratch.autograd.engine.xǁFunctionǁ__call____mutmut_23": ("True, generation + 2", ORDER_ONLY),
    "scratch.autograd.engine.x__run_backward__mutmut_35": ("inputs, gxs, strict=None):", ZIP_STRICT),
    "scratch.autograd.engine.x__run_backward__mutmut_38": ("zip(f.inputs, gxs, ):", ZIP_STRICT),
    "scratch.autograd.engine.x__run_backward__mutmut_39": ("inputs, gxs, strict=False):", ZIP_STRICT),
    "scratch.autograd.engine.x__run_backward__mutmut_64": (
        "ta.flags.owndata or data.flags.writeable",
        READONLY_IS_VIEW,
    ),
    "scratch.autograd.functional.activations.xǁTanhǁforward__mutmut_2": ("rn get_array_module(None).tanh(x)", DISPATCH),
    "scratch.autograd.functional.activations.xǁLeakyReLUǁforward__mutmut_2": ("= get_array_module(None)", DISPATCH),
    "scratch.autograd.functional.activations.xǁLeakyReLUǁforward__mutmut_17": (
        "return xp.where(x >= 0, x, x * self.nega",
        AT_ZERO,
    ),
    "scratch.autograd.functional.activations.xǁLeakyReLUǁbackward__mutmut_15": (
        "or(get_array_module(None).where(x > 0, one,",
        DISPATCH,
    ),
    "scratch.autograd.functional.activations.xǁSELUǁbackward__mutmut_4": ("= get_array_module(None)", DISPATCH),
    "scratch.autograd.functional.activations.xǁSELUǁbackward__mutmut_26": ("(x.data < 0).astype(None))", ROUNDING),
    "scratch.autograd.functional.activations.xǁSELUǁbackward__mutmut_32": (
        "sor(constant.astype(None)) + negative * (se",
        ROUNDING,
    ),
    "scratch.autograd.functional.batchnorm.x_batch_norm__mutmut_17": (
        "shape = (1, -2) + (1,) * (x.ndim -",
        NEGATIVE_RESHAPE,
    ),
    "scratch.autograd.functional.batchnorm.x_batch_norm__mutmut_39": ("n = x.size / x.shape[1]", EXACT_DIVISION),
    "scratch.autograd.functional.batchnorm.x_batch_norm__mutmut_55": (
        "mean.data.reshape(-2), var.data.reshape(",
        NEGATIVE_RESHAPE,
    ),
    "scratch.autograd.functional.batchnorm.x_batch_norm__mutmut_58": (
        ", var.data.reshape(-2), n, momentum)",
        NEGATIVE_RESHAPE,
    ),
    "scratch.autograd.functional.conv.xǁConv2dǁbackward__mutmut_5": (
        "ape)(gy, weight) if (x.requires_grad) or True else None",
        SKIPPED_GRADIENT,
    ),
    "scratch.autograd.functional.conv.xǁConv2dǁbackward__mutmut_16": ('gw = ""', SKIPPED_GRADIENT),
    "scratch.autograd.functional.conv.xǁConv2dǁbackward__mutmut_25": (", weight.shape[2:], None)(x, gy)", MEMORY_ONLY),
    "scratch.autograd.functional.conv.xǁConv2dǁbackward__mutmut_29": (", weight.shape[2:], )(x, gy)", MEMORY_ONLY),
    "scratch.autograd.functional.conv.xǁConv2dGradWeightǁforward__mutmut_7": ("ride, self.padding, None)", MEMORY_ONLY),
    "scratch.autograd.functional.conv.xǁConv2dGradWeightǁforward__mutmut_13": ("ride, self.padding, )", MEMORY_ONLY),
    "scratch.autograd.functional.linear.xǁLinearǁbackward__mutmut_10": (
        "gy2 = reshape(gy, (-2, out_features))",
        NEGATIVE_RESHAPE,
    ),
    "scratch.autograd.functional.linear.xǁLinearǁbackward__mutmut_13": (
        "eight), x.shape) if (x.requires_grad) or True else None",
        SKIPPED_GRADIENT,
    ),
    "scratch.autograd.functional.linear.xǁLinearǁbackward__mutmut_24": (
        ", in_features))) if (weight.requires_grad) or True else None",
        SKIPPED_GRADIENT,
    ),
    "scratch.autograd.functional.linear.xǁLinearǁbackward__mutmut_35": (
        "(gy2), reshape(x, (-2, in_features))) if",
        NEGATIVE_RESHAPE,
    ),
    "scratch.autograd.functional.losses.xǁSoftmaxǁforward__mutmut_2": (
        "rn get_array_module(None).exp(stable_log_sof",
        DISPATCH,
    ),
    "scratch.autograd.functional.losses.x_target_index__mutmut_5": ("ces(t.shape, sparse=None)", SPARSE_GRID),
    "scratch.autograd.functional.losses.x_target_index__mutmut_7": ("t).indices(t.shape, )", SPARSE_GRID),
    "scratch.autograd.functional.losses.x_target_index__mutmut_9": ("ces(t.shape, sparse=False)", SPARSE_GRID),
    "scratch.autograd.functional.losses.x_sigmoid_focal_loss__mutmut_29": (
        "e, get_array_module(None).shape(t_data))",
        DISPATCH,
    ),
    "scratch.autograd.functional.losses.x_sigmoid_focal_loss__mutmut_58": (
        "= ce * q**gamma if (gamma != 0) or True else ce",
        GAMMA_ZERO,
    ),
    "scratch.autograd.models.resnet.xǁBasicBlockǁ__init____mutmut_8": (
        "de, padding=1, bias=None, dtype=dtype)",
        FALSY_BIAS,
    ),
    "scratch.autograd.models.resnet.xǁBasicBlockǁ__init____mutmut_31": (
        "=1, padding=1, bias=None, dtype=dtype)",
        FALSY_BIAS,
    ),
    "scratch.autograd.models.resnet.xǁBasicBlockǁ__init____mutmut_36": (
        "(planes, planes, 3, padding=1, bias=Fals",
        DEFAULT_STRIDE,
    ),
    "scratch.autograd.models.resnet.xǁBottleneckǁ__init____mutmut_6": (
        "es, planes, 1, bias=None, dtype=dtype)",
        FALSY_BIAS,
    ),
    "scratch.autograd.models.resnet.xǁBottleneckǁ__init____mutmut_26": (
        "de, padding=1, bias=None, dtype=dtype)",
        FALSY_BIAS,
    ),
    "scratch.autograd.models.resnet.xǁBottleneckǁ__init____mutmut_47": (
        ".expansion, 1, bias=None, dtype=dtype)",
        FALSY_BIAS,
    ),
    "scratch.autograd.models.resnet.xǁResNetǁ__init____mutmut_11": (
        "=1, padding=1, bias=None, dtype=dtype)",
        FALSY_BIAS,
    ),
    "scratch.autograd.models.resnet.xǁResNetǁ__init____mutmut_16": (
        "in_channels, 64, 3, padding=1, bias=Fals",
        DEFAULT_STRIDE,
    ),
    "scratch.autograd.models.resnet.xǁResNetǁ_make_layer__mutmut_6": (
        "in_planes != planes / block.expansion:",
        RESNET_DOWNSAMPLE,
    ),
    "scratch.autograd.models.resnet.xǁResNetǁ_make_layer__mutmut_16": (
        "stride=stride, bias=None, dtype=dtype),",
        FALSY_BIAS,
    ),
    "scratch.autograd.nn.layers.xǁ_BatchNormǁforward__mutmut_38": ("factor = None", FACTOR_UNUSED),
    "scratch.autograd.nn.layers.xǁ_BatchNormǁforward__mutmut_39": ("factor = 1.0", FACTOR_UNUSED),
    "scratch.autograd.nn.layers.xǁDropoutǁforward__mutmut_7": ("x, self.p, training=None)", DROPOUT_FORWARDING),
    "scratch.autograd.nn.layers.xǁDropoutǁforward__mutmut_9": (
        "return F.dropout(x, training=False)",
        DROPOUT_FORWARDING,
    ),
    "scratch.autograd.nn.layers.xǁDropoutǁforward__mutmut_18": (
        ".dropout(x, self.p, mask=self.sample_mas",
        DROPOUT_FORWARDING,
    ),
    "scratch.autograd.nn.module.xǁModuleǁto__mutmut_2": ("break", UNREACHABLE_NONE),
    "scratch.autograd.nn.rnn.xǁRNNCellǁforward__mutmut_32": (
        "or(get_array_module(None).zeros((*x.shape[:-",
        HOST_CREATION,
    ),
    "scratch.autograd.nn.rnn.xǁRNNCellǁforward__mutmut_34": (
        ").zeros((*x.shape[:-2], self.hidden_size)",
        ZEROS_BROADCAST,
    ),
    "scratch.autograd.nn.rnn.xǁRNNǁforward__mutmut_62": ("or(get_array_module(None).zeros(shape, x.dty", HOST_CREATION),
    "scratch.autograd.ops.xǁExpǁforward__mutmut_2": ("rn get_array_module(None).exp(x)", DISPATCH),
    "scratch.autograd.ops.xǁLogǁforward__mutmut_2": ("rn get_array_module(None).log(x)", DISPATCH),
    "scratch.autograd.ops.xǁMaxǁbackward__mutmut_14": ("x.data == y).astype(None)", ROUNDING),
    "scratch.autograd.ops.xǁBroadcastToǁforward__mutmut_6": ("rn get_array_module(None).broadcast_to(x, se", DISPATCH),
    "scratch.autograd.ops.xǁSumToǁforward__mutmut_24": (
        "hape(self.shape) if (lead) or True else y",
        SAME_SHAPE_RESHAPE,
    ),
    "scratch.autograd.ops.xǁAsTypeǁbackward__mutmut_2": ("return astype(gy, None)", ENGINE_CAST),
    "scratch.autograd.ops.xǁGetItemGradǁforward__mutmut_5": ("self.x_shape, dtype=None)", ROUNDING),
    "scratch.autograd.ops.xǁGetItemGradǁforward__mutmut_7": ("zeros(self.x_shape, )", ROUNDING),
    "scratch.autograd.ops.xǁStackǁforward__mutmut_5": ("rn get_array_module(None).stack(xs, axis=sel", DISPATCH),
    "scratch.autograd.ops.x_normalize_axes__mutmut_8": ("orted({a % (ndim or 2) for a in ((axis,)", ZERO_D_AXES),
    "scratch.autograd.ops.x_reshape__mutmut_1": (
        "return x if (as_tensor(x).shape == tuple(shape)) and False else Reshap",
        IDENTITY_SHORTCUT,
    ),
    "scratch.autograd.ops.x_mean__mutmut_5": ('.dtype.kind not in "XXfcXX":', KIND_STRING),
    "scratch.autograd.ops.x_mean__mutmut_32": ('f count else float("NAN"))', NAN_SPELLING),
    "scratch.autograd.ops.x_broadcast_to__mutmut_1": (
        "return x if (as_tensor(x).shape == tuple(shape)) and False else Broadc",
        IDENTITY_SHORTCUT,
    ),
    "scratch.autograd.ops.x_broadcast_to__mutmut_3": ("turn x if as_tensor(None).shape == tuple(sha", BROADCAST_SCALAR),
    "scratch.autograd.ops.x_sum_to__mutmut_1": (
        "return x if (as_tensor(x).shape == tuple(shape)) and False else SumTo(",
        IDENTITY_SHORTCUT,
    ),
    "scratch.manual.activations.xǁTanhǁf__mutmut_2": ("rn get_array_module(None).tanh(x)", DISPATCH),
    "scratch.manual.activations.xǁReLUǁf__mutmut_5": ("rn get_array_module(None).maximum(x, 0)", DISPATCH),
    "scratch.manual.activations.xǁReLUǁdf__mutmut_7": ("rn get_array_module(None).where(x > 0, dout,", DISPATCH),
    "scratch.manual.activations.xǁLeakyReLUǁf__mutmut_7": ("rn get_array_module(None).where(x > 0, x, x", DISPATCH),
    "scratch.manual.activations.xǁLeakyReLUǁf__mutmut_8": ("_module(x).where(x >= 0, x, x * self.nega", AT_ZERO),
    "scratch.manual.activations.xǁLeakyReLUǁdf__mutmut_7": ("rn get_array_module(None).where(x > 0, dout,", DISPATCH),
    "scratch.manual.activations.xǁSELUǁdf__mutmut_2": ("= get_array_module(None)", DISPATCH),
    "scratch.manual.activations.xǁSELUǁdf__mutmut_20": ("p.exp(xp.minimum(x, 1)))", SELU_CLAMP),
    "scratch.manual.batchnorm.xǁ_BatchNormǁforward__mutmut_13": (
        "shape = (1, -2) + (1,) * (x.ndim -",
        NEGATIVE_RESHAPE,
    ),
    "scratch.manual.batchnorm.xǁ_BatchNormǁforward__mutmut_29": ("ean, var, n=x.size / x.shape[1])", EXACT_DIVISION),
    "scratch.manual.batchnorm.xǁ_BatchNormǁforward__mutmut_39": (
        "= get_array_module(None).sqrt(var + self.ep",
        DISPATCH,
    ),
    "scratch.manual.batchnorm.xǁ_BatchNormǁbackward__mutmut_32": ("n = dout.size / dout.shape[1]", EXACT_DIVISION),
    "scratch.manual.conv.xǁConv2dǁbackward__mutmut_21": (", self.kernel_size, None, self.padding, col", MEMORY_ONLY),
    "scratch.manual.conv.xǁConv2dǁbackward__mutmut_22": ("_size, self.stride, None, cols))", MEMORY_ONLY),
    "scratch.manual.conv.xǁConv2dǁbackward__mutmut_23": ("ride, self.padding, None))", MEMORY_ONLY),
    "scratch.manual.conv.xǁConv2dǁbackward__mutmut_29": ("ride, self.padding, ))", MEMORY_ONLY),
    "scratch.manual.linear.xǁLinearǁbackward__mutmut_14": (
        "dout2 = x.reshape(-2, self.in_features),",
        NEGATIVE_RESHAPE,
    ),
    "scratch.manual.linear.xǁLinearǁbackward__mutmut_20": (
        "res), dout.reshape(-2, self.out_features)",
        NEGATIVE_RESHAPE,
    ),
    "scratch.manual.losses.xǁCrossEntropyLossǁforward__mutmut_25": ("t), target.reshape(-2)", NEGATIVE_RESHAPE),
    "scratch.manual.losses.xǁCrossEntropyLossǁforward__mutmut_30": ("gp = log_softmax(z, )", LOG_SOFTMAX_AXIS),
    "scratch.manual.losses.xǁCrossEntropyLossǁbackward__mutmut_10": (
        "M, self.reduction, None, like=logp)",
        ROUNDING_MANUAL,
    ),
    "scratch.manual.losses.xǁCrossEntropyLossǁbackward__mutmut_20": ("= get_array_module(None)", HOST_CREATION),
    "scratch.manual.losses.x__classes_last__mutmut_9": ("n input.reshape(1, -2)", NEGATIVE_RESHAPE),
    "scratch.manual.losses.x__classes_last__mutmut_20": ("rn get_array_module(None).moveaxis(input, 1,", DISPATCH),
    "scratch.manual.losses.x__classes_last__mutmut_25": ("ut, 1, -1).reshape(-2, input.shape[1])", NEGATIVE_RESHAPE),
    "scratch.manual.losses.x__classes_back__mutmut_2": ("len(input_shape) <= 2:", CLASSES_BACK_2D),
    "scratch.manual.losses.x__classes_back__mutmut_14": ("rn get_array_module(None).moveaxis(dz.reshap", DISPATCH),
    "scratch.manual.losses.xǁSigmoidFocalLossǁforward__mutmut_23": ("e(input.dtype, copy=None)", COPY_FLAG),
    "scratch.manual.losses.xǁSigmoidFocalLossǁforward__mutmut_25": ("astype(input.dtype, )", COPY_FLAG),
    "scratch.manual.losses.xǁSigmoidFocalLossǁforward__mutmut_26": ("e(input.dtype, copy=True)", COPY_FLAG),
    "scratch.manual.losses.xǁSigmoidFocalLossǁbackward__mutmut_27": (
        "= get_array_module(None).zeros_like(q)  # q",
        DISPATCH,
    ),
    "scratch.manual.rnn.xǁRNNCellǁforward__mutmut_30": ("x = x.reshape(-2, self.input_size)", NEGATIVE_RESHAPE),
    "scratch.manual.rnn.xǁRNNCellǁforward__mutmut_32": ("= get_array_module(None)", HOST_CREATION),
    "scratch.manual.rnn.xǁRNNCellǁforward__mutmut_48": ("eshape(x.shape[0], -2)", NEGATIVE_RESHAPE),
    "scratch.manual.rnn.xǁRNNCellǁbackward__mutmut_3": ("self.dtype).reshape(None)", RESHAPE_NONE),
    "scratch.manual.rnn.xǁRNNǁforward__mutmut_46": ("= get_array_module(None)", HOST_CREATION),
    "scratch.manual.rnn.xǁRNNǁforward__mutmut_62": ("elf.num_layers, N, -2)", NEGATIVE_RESHAPE),
    "scratch.manual.rnn.xǁRNNǁbackward__mutmut_7": ("= get_array_module(None)", HOST_CREATION),
    "scratch.manual.rnn.xǁRNNǁbackward__mutmut_9": ("ay_module(layers[0][1])", SAME_MODULE),
    "scratch.manual.rnn.xǁRNNǁbackward__mutmut_12": ("rray(doutput, dtype=None)", ROUNDING_MANUAL),
    "scratch.manual.rnn.xǁRNNǁbackward__mutmut_14": ("xp.asarray(doutput, )", ROUNDING_MANUAL),
    "scratch.manual.rnn.xǁRNNǁbackward__mutmut_27": ("self.hidden_size), None) if dh_n is None e", EXACT_ZEROS),
    "scratch.manual.rnn.xǁRNNǁbackward__mutmut_29": ("self.hidden_size), ) if dh_n is None el", EXACT_ZEROS),
    "scratch.manual.rnn.xǁRNNǁbackward__mutmut_39": ("asarray(dh_n, dtype=None).reshape(self.num_", ROUNDING_MANUAL),
    "scratch.manual.rnn.xǁRNNǁbackward__mutmut_41": ("= xp.asarray(dh_n, ).reshape(self.num_l", ROUNDING_MANUAL),
    "scratch.manual.rnn.xǁVanillaRNNǁbackward__mutmut_3": ("zeros(self.saved(), None)", EXACT_ZEROS),
    "scratch.manual.rnn.xǁVanillaRNNǁbackward__mutmut_5": ("zeros(self.saved(), )", EXACT_ZEROS),
    "scratch.manual.rnn.xǁVanillaRNNǁbackward__mutmut_6": (
        "= get_array_module(None).zeros(self.saved()",
        HOST_CREATION,
    ),
}
