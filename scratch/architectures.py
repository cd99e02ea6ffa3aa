"""The whole networks' shared plan: argument checks and layout constants, one copy for all three implementations.

``scratch.manual.models``, ``scratch.autograd.models`` and ``reference.models`` each build MLP, C5L3
and VGG from their own layers; what a valid configuration is, and where C5L3 pools, is decided here.
"""

ACTIVATION_NAMES = ("relu", "tanh", "sigmoid", "leaky_relu", "selu")
C5L3_POOL_AFTER = (0, 1, 4)  # C5L3's 2x2 max-pools follow conv 1, conv 2 and conv 5 (0-based)


def check_mlp_args(in_features: int, hidden, num_classes: int, activation: str) -> None:
    sizes = (in_features, *hidden, num_classes)
    if any(int(size) != size or size <= 0 for size in sizes):
        raise ValueError(f"MLP: in_features, hidden and num_classes must be positive integers, got {sizes}")
    if activation not in ACTIVATION_NAMES:
        raise ValueError(f"MLP: activation must be one of {sorted(ACTIVATION_NAMES)}, got {activation!r}")


def check_c5l3_args(image_size: int, widths, hidden, dropout) -> None:
    if image_size <= 0 or image_size % 8:
        raise ValueError(f"C5L3: image_size must be a positive multiple of 8 (three 2x2 max-pools), got {image_size}")
    if len(widths) != 5:
        raise ValueError(f"C5L3: widths must give 5 conv widths, got {tuple(widths)}")
    if len(hidden) != 2:
        raise ValueError(f"C5L3: hidden must give 2 hidden sizes, got {tuple(hidden)}")
    if dropout not in (None, "conv", "linear"):
        raise ValueError(f"C5L3: dropout must be None, 'conv' or 'linear', got {dropout!r}")


def check_vgg_args(image_size: int, widths, hidden: int) -> None:
    if len(widths) == 0:
        raise ValueError("VGG: widths must give at least one block width, got ()")
    pools = 2 ** len(widths)
    if image_size <= 0 or image_size % pools:
        raise ValueError(
            f"VGG: image_size must be a positive multiple of {pools} ({len(widths)} 2x2 max-pools), got {image_size}"
        )
    if hidden <= 0:
        raise ValueError(f"VGG: hidden must be a positive size, got {hidden}")
