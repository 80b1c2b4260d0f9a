"""Rematerialization on torch: ``torch.utils.checkpoint`` keeps only a function's inputs for
the backward pass and runs the function again there."""

import torch.utils.checkpoint


def remat(f):
    def rematerialized(*args, **kwargs):
        if not torch.is_grad_enabled():  # nothing will be differentiated: just run it
            return f(*args, **kwargs)
        return torch.utils.checkpoint.checkpoint(f, *args, use_reentrant=False, **kwargs)

    return rematerialized
