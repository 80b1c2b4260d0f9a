"""TextVectorization speed: adapt time, encode throughput, and a small model's training rate.

    python bench/bench_text.py [--sentences 100000]

Prints the seconds to adapt on N short sentences, sentences/s encoded (host NumPy part only
and through the layer call), and sentences/s that a small Embedding model trains on the
same ids, so the host side can be compared with the step it feeds.
"""

import argparse
import time

import numpy as np

import lamina
from lamina import layers


def make_sentences(n, vocab_size=5000, seed=0):
    rng = np.random.default_rng(seed)
    words = np.array([f"w{i}" for i in range(vocab_size)])
    ranks = np.arange(1, vocab_size + 1)
    probs = (1.0 / ranks) / (1.0 / ranks).sum()  # Zipf-like word frequencies
    lengths = rng.integers(4, 16, n)
    tokens = words[rng.choice(vocab_size, size=int(lengths.sum()), p=probs)]
    cuts = np.cumsum(lengths)[:-1]
    return np.array([" ".join(s) + "." for s in np.split(tokens, cuts)])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args()
    sentences = make_sentences(args.sentences)
    print(f"backend={lamina.backend.backend()} sentences={len(sentences)}")

    layer = layers.TextVectorization(max_tokens=20_000, output_sequence_length=16)
    start = time.perf_counter()
    layer.adapt(sentences)
    adapt_s = time.perf_counter() - start
    print(f"adapt: {adapt_s:.2f} s ({len(sentences) / adapt_s:,.0f} sentences/s), vocabulary={layer.vocabulary_size()}")

    start = time.perf_counter()
    ids = np.concatenate([layer._call_numpy(sentences[i:i + 1024]) for i in range(0, len(sentences), 1024)])
    host_s = time.perf_counter() - start
    print(f"encode (host NumPy, batches of 1024): {len(sentences) / host_s:,.0f} sentences/s")
    start = time.perf_counter()
    for i in range(0, len(sentences), 1024):
        layer(sentences[i:i + 1024])
    call_s = time.perf_counter() - start
    print(f"encode (layer call -> backend tensor): {len(sentences) / call_s:,.0f} sentences/s")

    inputs = lamina.Input(shape=(16,), dtype="int32")
    x = layers.GlobalAveragePooling1D()(layers.Embedding(20_000, 32)(inputs))
    model = lamina.Model(inputs, layers.Dense(1, activation="sigmoid")(x))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    labels = (ids[:, 0] % 2).astype("float32")
    n_train = min(len(ids), 50_000)
    model.fit(ids[:2048], labels[:2048], batch_size=args.batch_size, epochs=1, verbose=0)  # compile
    start = time.perf_counter()
    model.fit(ids[:n_train], labels[:n_train], batch_size=args.batch_size, epochs=1, verbose=0)
    train_s = time.perf_counter() - start
    train_rate = n_train / train_s
    print(f"train (Embedding(32)+pool+Dense, batch {args.batch_size}): {train_rate:,.0f} sentences/s")

    raw_inputs = lamina.Input(shape=(1,), dtype="string")
    raw_model = lamina.Model(raw_inputs, model(layer(raw_inputs)))
    raw_model.compile(optimizer="adam", loss="binary_crossentropy")
    raw_model.fit(sentences[:2048, None], labels[:2048], batch_size=args.batch_size, epochs=1, verbose=0)
    start = time.perf_counter()
    raw_model.fit(sentences[:n_train, None], labels[:n_train], batch_size=args.batch_size, epochs=1, verbose=0)
    raw_s = time.perf_counter() - start
    print(f"train from raw strings (one Functional model): {n_train / raw_s:,.0f} sentences/s")
    print(f"encode/train ratio: {len(sentences) / host_s / train_rate:.1f}x")


if __name__ == "__main__":
    main()
