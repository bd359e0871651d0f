"""rnn_lib: recurrent neural networks in numpy (vanilla, LSTM, GRU), for the "RNNs from Scratch" course."""

from ._startup import quiet_ctrl_c_while_starting, restore_ctrl_c

_STARTING = quiet_ctrl_c_while_starting()  # only for ``python -m rnn_lib``: see _startup
from .cells import CELLS, GRUCell, LSTMCell, RNNCell, step_backward, step_forward
from .data import (DATASETS, TEXT_DATASETS, DataFileError, Dataset, NamesDataset, check_train_test, load_dataset,
                   load_names, read_labelled_phrases, split_validation, test_data, train_data)
from .recipes import RECIPES, Recipe
from .batching import RECOMMENDED_BATCH_SIZE
from .baselines import Bigram, Unigram
from .gradcheck import check_batch_gradients, check_gradients, check_loss_gradients, numerical_gradient, rel_error
from .losses import cross_entropy, softmax, softmax_cross_entropy
from .kernels import VanillaKernel
from .model import GRU, HIDDEN_SIZE, LSTM, MODELS, PARAM_NAMES, RNN, batch_gradients, make_model
from .lm import CharLM
from .optim import CLIP, LEARN_RATE, SGD, Adagrad, Adam, clip_global_norm, clip_gradients, sgd_step
from .serialization import ModelFileError, load, save
from .torch_bridge import to_torch
from .training import (EPOCHS, SEED, History, TrainingDiverged, evaluate, evaluate_lm, fit, predict_proba,
                       probe_accuracy, train, train_lm)
from .vocab import Vocabulary, split_words

from_torch = RNN.from_torch

__version__ = "0.1.0"

__all__ = [
    "CELLS", "CLIP", "EPOCHS", "GRU", "HIDDEN_SIZE", "LEARN_RATE", "LSTM", "MODELS", "PARAM_NAMES",
    "RECOMMENDED_BATCH_SIZE", "RNN", "SEED", "VanillaKernel", "GRUCell", "History", "LSTMCell",
    "RNNCell", "TrainingDiverged", "batch_gradients", "from_torch", "make_model", "to_torch",
    "ModelFileError", "Vocabulary", "check_batch_gradients", "check_gradients", "clip_gradients", "cross_entropy",
    "evaluate",
    "fit", "load", "load_dataset", "numerical_gradient", "predict_proba", "rel_error", "save",
    "sgd_step", "softmax", "softmax_cross_entropy", "split_words", "step_backward", "step_forward",
    "test_data", "train", "train_data",
    "DATASETS", "Dataset", "RECIPES", "Recipe", "probe_accuracy", "split_validation",
    "DataFileError", "check_train_test", "read_labelled_phrases",
    "Adagrad", "Adam", "SGD", "Bigram", "CharLM", "NamesDataset", "TEXT_DATASETS", "Unigram", "check_loss_gradients",
    "clip_global_norm", "evaluate_lm", "load_names", "train_lm",
]

if _STARTING:
    restore_ctrl_c()
