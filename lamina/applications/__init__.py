"""``lamina.applications``: classic image models (VGG16/19, ResNet50/101/152), optionally with ImageNet weights."""

from lamina.applications import imagenet_utils, resnet, vgg  # noqa: F401
from lamina.applications.resnet import ResNet50, ResNet101, ResNet152
from lamina.applications.vgg import VGG16, VGG19
