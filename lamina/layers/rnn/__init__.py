"""Recurrent layers: RNN over any cell, SimpleRNN, LSTM, GRU, StackedRNNCells, Bidirectional, ConvLSTM."""

from lamina.layers.rnn.bidirectional import Bidirectional
from lamina.layers.rnn.conv_lstm import ConvLSTM1D, ConvLSTM2D, ConvLSTM3D, ConvLSTMCell
from lamina.layers.rnn.gru import GRU, GRUCell
from lamina.layers.rnn.lstm import LSTM, LSTMCell
from lamina.layers.rnn.rnn import RNN
from lamina.layers.rnn.simple_rnn import SimpleRNN, SimpleRNNCell
from lamina.layers.rnn.stacked_rnn_cells import StackedRNNCells

__all__ = ["RNN", "SimpleRNN", "SimpleRNNCell", "LSTM", "LSTMCell", "GRU", "GRUCell", "StackedRNNCells", "Bidirectional",
           "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"]
