"""A small define-by-run autograd engine in NumPy (see ``engine.py``, then ``ops.py``)."""

from scratch.autograd.engine import Function, Tensor, enable_grad, is_grad_enabled, no_grad, set_grad_enabled

__all__ = ["Function", "Tensor", "enable_grad", "is_grad_enabled", "no_grad", "set_grad_enabled"]
