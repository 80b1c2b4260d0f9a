"""Augmentation policies built from the other layers: RandAugment and AugMix (Keras 3's)."""

from lamina import ops
from lamina import random as lamina_random
from lamina.layers.preprocessing.image_augmentation import (RandomBrightness, RandomContrast, RandomRotation,
                                                            RandomTranslation)
from lamina.layers.preprocessing.image_base import ImageAugmentation, check_range_factor, check_value_range
from lamina.layers.preprocessing.image_color import (AutoContrast, Equalization, RandomColorDegeneration,
                                                     RandomPosterization, RandomSharpness, Solarization)
from lamina.layers.preprocessing.image_geometry import RandomShear
from lamina.layers.preprocessing.image_layers import check_choice

_GEOMETRIC_AND_TONE = ("random_shear", "random_translation", "random_rotation", "random_posterization",
                       "solarization", "auto_contrast", "equalization")
_COLOUR = ("random_brightness", "random_color_degeneration", "random_contrast", "random_sharpness")


def _operations(layer, names):
    """The sub-layers of a policy, all at strength ``layer.factor``, keyed by Keras's names."""
    factor, seed, fmt, vr = layer.factor, layer.seed, layer.data_format, layer.value_range
    interp = layer.interpolation
    make = {
        "random_shear": lambda: RandomShear(x_factor=factor, y_factor=factor, interpolation=interp, seed=seed,
                                            data_format=fmt),
        "random_translation": lambda: RandomTranslation(factor, factor, interpolation=interp, seed=seed,
                                                        data_format=fmt),
        "random_rotation": lambda: RandomRotation(factor, interpolation=interp, seed=seed, data_format=fmt),
        "random_brightness": lambda: RandomBrightness(factor, value_range=vr, seed=seed, data_format=fmt),
        "random_color_degeneration": lambda: RandomColorDegeneration(factor, value_range=vr, seed=seed,
                                                                     data_format=fmt),
        "random_contrast": lambda: RandomContrast(factor, value_range=vr, seed=seed, data_format=fmt),
        "random_sharpness": lambda: RandomSharpness(factor, value_range=vr, seed=seed, data_format=fmt),
        "random_posterization": lambda: RandomPosterization(max(1, int(8 * factor[1])), value_range=vr, seed=seed,
                                                            data_format=fmt),
        "solarization": lambda: Solarization(factor, factor, value_range=vr, seed=seed, data_format=fmt),
        "auto_contrast": lambda: AutoContrast(value_range=vr, data_format=fmt),
        "equalization": lambda: Equalization(value_range=vr, data_format=fmt),
    }
    return [make[name]() for name in names]


def _apply_chosen(images, operations, choice):
    """``operations[choice](images)``, or ``images`` when ``choice`` is ``len(operations)``.

    Every operation runs and one result is kept, so the choice can stay on the device.
    """
    out = images
    for index, operation in enumerate(operations):
        out = ops.where(choice == index, operation.augment(images), out)
    return out


class RandAugment(ImageAugmentation):
    """Applies ``num_ops`` operations picked at random from 11 (Cubuk et al., 2019) while training.

    The operations are shear, translation, rotation, brightness, colour degeneration,
    contrast, sharpness, posterization, solarization, auto-contrast and equalization, each at
    strength ``factor``. One pick per step serves the whole batch.

    Args:
        value_range: the input's ``(low, high)``.
        num_ops: how many operations to apply in turn.
        factor: a number ``f`` in [0, 1] (range ``(0, f)``) or a pair: the operations' strength.
        interpolation: ``"bilinear"`` or ``"nearest"`` for the geometric operations.
        seed: integer seed.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> ops.shape(lamina.layers.RandAugment(seed=1)(np.random.rand(2, 8, 8, 3) * 255))
        (2, 8, 8, 3)
    """

    _config_keys = ("value_range", "num_ops", "factor", "interpolation", "seed")

    def __init__(self, value_range=(0, 255), num_ops=2, factor=0.5, interpolation="bilinear", seed=None,
                 data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if not isinstance(num_ops, int) or num_ops < 0:
            raise ValueError(f"RandAugment: `num_ops` must be a non-negative integer. Received: num_ops={num_ops!r}")
        check_choice("RandAugment", "interpolation", interpolation, ("bilinear", "nearest"))
        self.value_range = tuple(check_value_range("RandAugment", value_range))
        self.num_ops = num_ops
        self.factor = check_range_factor("RandAugment", "factor", factor, (0, 1))
        self.interpolation = interpolation
        self._operations = _operations(self, ("random_shear", "random_translation", "random_rotation") + _COLOUR +
                                       ("random_posterization", "solarization", "auto_contrast", "equalization"))

    def augment(self, images):
        choices = lamina_random.randint((self.num_ops,), 0, len(self._operations), seed=self.seed_generator)
        for i in range(self.num_ops):
            images = _apply_chosen(images, self._operations, choices[i])
        return images


class AugMix(ImageAugmentation):
    """Mixes the image with chains of random operations (Hendrycks et al., 2020) while training.

    Each of ``num_chains`` chains applies up to ``chain_depth`` random operations (each step
    may also do nothing); the chains are averaged with Dirichlet(``alpha``) weights and the
    result blended with the original by a Beta(``alpha``, ``alpha``) weight.

    Args:
        value_range: the input's ``(low, high)``; outputs are clipped to it.
        num_chains: number of chains.
        chain_depth: the most operations in one chain.
        factor: a number ``f`` in [0, 1] (range ``(0, f)``) or a pair: the operations' strength.
        alpha: the Dirichlet and Beta parameter.
        all_ops: also use brightness, colour degeneration, contrast and sharpness (besides
            shear, translation, rotation, posterization, solarization, auto-contrast and equalization).
        interpolation: ``"bilinear"`` or ``"nearest"`` for the geometric operations.
        seed: integer seed.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> layer = lamina.layers.AugMix(num_chains=2, chain_depth=1, all_ops=False, seed=1)
        >>> ops.shape(layer(np.random.rand(2, 8, 8, 3) * 255))
        (2, 8, 8, 3)
    """

    _config_keys = ("value_range", "num_chains", "chain_depth", "factor", "alpha", "all_ops", "interpolation",
                    "seed")

    def __init__(self, value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3, alpha=1.0, all_ops=True,
                 interpolation="bilinear", seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        for arg, value in (("num_chains", num_chains), ("chain_depth", chain_depth)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"AugMix: `{arg}` must be a positive integer. Received: {arg}={value!r}")
        if not isinstance(alpha, (int, float)) or alpha <= 0:
            raise ValueError(f"AugMix: `alpha` must be a positive number. Received: alpha={alpha!r}")
        check_choice("AugMix", "interpolation", interpolation, ("bilinear", "nearest"))
        self.value_range = tuple(check_value_range("AugMix", value_range))
        self.num_chains = num_chains
        self.chain_depth = chain_depth
        self.factor = check_range_factor("AugMix", "factor", factor, (0, 1))
        self.alpha = alpha
        self.all_ops = all_ops
        self.interpolation = interpolation
        self._operations = _operations(self, _GEOMETRIC_AND_TONE + (_COLOUR if all_ops else ()))

    def augment(self, images):
        gamma = lamina_random.gamma((self.num_chains,), self.alpha, dtype=self.compute_dtype, seed=self.seed_generator)
        chain_weights = gamma / ops.sum(gamma)
        keep = lamina_random.beta((), self.alpha, self.alpha, dtype=self.compute_dtype, seed=self.seed_generator)
        # A choice equal to len(operations) skips that step of the chain.
        choices = lamina_random.randint((self.num_chains, self.chain_depth), 0, len(self._operations) + 1,
                                        seed=self.seed_generator)
        mixed = ops.zeros_like(images)
        for chain in range(self.num_chains):
            chained = images
            for step in range(self.chain_depth):
                chained = _apply_chosen(chained, self._operations, choices[chain, step])
            mixed = mixed + chained * chain_weights[chain]
        out = keep * images + (1.0 - keep) * mixed
        return ops.clip(out, self.value_range[0], self.value_range[1])
