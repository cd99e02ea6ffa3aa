"""A graph recorded by running ops: each result remembers the Function that made it, each Function its inputs."""

import numpy as np

from scratch.autograd import Tensor


def record():
    """loss = (x w + x)**2, one op at a time; returns every Tensor by name."""
    x = Tensor(np.array(2.0), requires_grad=True)
    w = Tensor(np.array(3.0), requires_grad=True)
    y = x * w  # Mul() runs, and records its inputs (x, w); y.creator is that Mul
    z = y + x  # Add records (y, x): x is used a second time
    loss = z * z  # Mul records (z, z)
    return {"x": x, "w": w, "y": y, "z": z, "loss": loss}


def recorded_steps(root):
    """Every Function reachable from ``root`` via creator and inputs: (function, inputs, output).

    Newest first (largest generation first), the order in which backward visits them.
    """
    steps, stack, seen = [], [root], set()
    while stack:
        out = stack.pop()
        f = out.creator
        if f is None or id(f) in seen:  # a leaf, or a Function found along another path
            continue
        seen.add(id(f))
        steps.append((f, f.inputs, out))
        stack.extend(f.inputs)
    return sorted(steps, key=lambda step: -step[0].generation)


if __name__ == "__main__":
    t = record()
    name = {id(tensor): key for key, tensor in t.items()}
    for f, inputs, out in recorded_steps(t["loss"]):
        args = ", ".join(name[id(x)] for x in inputs)
        print(f"{name[id(out)]:>4} = {type(f).__name__}({args})    generation {f.generation}")
    t["loss"].backward()
    x, w, z = t["x"], t["w"], t["z"]
    print(f"x.grad = {x.grad.item()}    by hand: 2 z (w + 1) = {2 * z.item() * (w.item() + 1)}")
    print(f"w.grad = {w.grad.item()}    by hand: 2 z x       = {2 * z.item() * x.item()}")
