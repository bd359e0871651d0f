"""rnn_lib: a vanilla recurrent neural network in numpy, for the "RNNs from Scratch" course."""

from .data import load_dataset, test_data, train_data
from .datasets import DATASETS, RECIPES, Dataset, Recipe, probe_accuracy, split_validation
from .fast import RECOMMENDED_BATCH_SIZE, FastRNN, batch_gradients
from .gradcheck import check_gradients, numerical_gradient, rel_error
from .losses import cross_entropy, softmax, softmax_cross_entropy
from .model import HIDDEN_SIZE, PARAM_NAMES, RNN, step_backward, step_forward
from .optim import CLIP, LEARN_RATE, clip_gradients, sgd_step
from .serialization import ModelFileError, load, save
from .training import EPOCHS, SEED, History, evaluate, fit, predict_proba, train
from .userdata import DataFileError, check_train_test, read_labelled_phrases
from .vocab import Vocabulary, split_words

__version__ = "0.1.0"

__all__ = [
    "CLIP", "EPOCHS", "HIDDEN_SIZE", "LEARN_RATE", "PARAM_NAMES", "RECOMMENDED_BATCH_SIZE", "RNN", "SEED",
    "FastRNN", "History", "batch_gradients",
    "ModelFileError", "Vocabulary", "check_gradients", "clip_gradients", "cross_entropy", "evaluate",
    "fit", "load", "load_dataset", "numerical_gradient", "predict_proba", "rel_error", "save",
    "sgd_step", "softmax", "softmax_cross_entropy", "split_words", "step_backward", "step_forward",
    "test_data", "train", "train_data",
    "DATASETS", "Dataset", "RECIPES", "Recipe", "probe_accuracy", "split_validation",
    "DataFileError", "check_train_test", "read_labelled_phrases",
]
