"""``lamina.utils``: seeds, session reset, and small helpers."""

from lamina.utils.session_utils import clear_session, set_random_seed
from lamina.utils.file_utils import get_file, validate_file
from lamina.utils.summary_utils import print_summary
from lamina.utils.py_dataset import PyDataset, Sequence
from lamina.utils.image_utils import array_to_img, img_to_array, load_img, save_img
from lamina.utils.numerical_utils import normalize, pad_sequences, to_categorical
from lamina.utils.model_visualization import model_to_dot, plot_model
from lamina.utils.dataset import Dataset
from lamina.utils.dataset_utils import split_dataset
from lamina.utils.image_dataset import image_dataset_from_directory
from lamina.utils.directory_datasets import audio_dataset_from_directory, text_dataset_from_directory
from lamina.utils.timeseries_dataset import timeseries_dataset_from_array
