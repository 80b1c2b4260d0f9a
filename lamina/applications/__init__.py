"""``lamina.applications``: classic image models, optionally with ImageNet weights.

One submodule per family (``vgg16``, ``resnet50``, ``mobilenet_v2`` ...), each with the
model functions, ``preprocess_input`` and ``decode_predictions``.
"""

from lamina.applications import imagenet_utils, resnet, vgg  # noqa: F401
from lamina.applications.resnet import ResNet50, ResNet101, ResNet152
from lamina.applications.vgg import VGG16, VGG19
from lamina.applications import mobilenet  # noqa: F401
from lamina.applications.mobilenet import MobileNet
from lamina.applications import efficientnet  # noqa: F401
from lamina.applications.efficientnet import (EfficientNetB0, EfficientNetB1, EfficientNetB2, EfficientNetB3,
                                              EfficientNetB4, EfficientNetB5, EfficientNetB6, EfficientNetB7)
from lamina.applications import mobilenet_v2, mobilenet_v3  # noqa: F401
from lamina.applications.mobilenet_v2 import MobileNetV2
from lamina.applications.mobilenet_v3 import MobileNetV3Large, MobileNetV3Small
from lamina.applications import densenet, resnet50, resnet_v2, vgg16, vgg19, xception  # noqa: F401
from lamina.applications.densenet import DenseNet121, DenseNet169, DenseNet201
from lamina.applications.resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from lamina.applications.xception import Xception
from lamina.applications import efficientnet_v2  # noqa: F401
from lamina.applications.efficientnet_v2 import (EfficientNetV2B0, EfficientNetV2B1, EfficientNetV2B2, EfficientNetV2B3,
                                                 EfficientNetV2L, EfficientNetV2M, EfficientNetV2S)
from lamina.applications import convnext  # noqa: F401
from lamina.applications.convnext import ConvNeXtBase, ConvNeXtLarge, ConvNeXtSmall, ConvNeXtTiny, ConvNeXtXLarge
from lamina.applications import inception_resnet_v2, inception_v3, nasnet  # noqa: F401
from lamina.applications.inception_resnet_v2 import InceptionResNetV2
from lamina.applications.inception_v3 import InceptionV3
from lamina.applications.nasnet import NASNetLarge, NASNetMobile
from lamina.applications import efficientnet  # noqa: F401
from lamina.applications.efficientnet import (EfficientNetB0, EfficientNetB1, EfficientNetB2, EfficientNetB3,
                                              EfficientNetB4, EfficientNetB5, EfficientNetB6, EfficientNetB7)
