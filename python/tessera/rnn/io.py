"""Sentence data for bucketing (MXNet 1.9's mx.rnn.io): encode_sentences maps words to ids;
BucketSentenceIter batches sentences by length into buckets, padding with invalid_label, each
batch's label the data shifted one step left (next-word prediction)."""
import bisect
import random

import numpy as np

from .. import ndarray as nd
from ..io import DataBatch, DataDesc, DataIter

__all__ = ["encode_sentences", "BucketSentenceIter"]


def encode_sentences(sentences, vocab=None, invalid_label=-1, invalid_key="\n", start_label=0,
                     unknown_token=None):
    """Each sentence (a list of words) as a list of ids. With vocab None a vocabulary is built
    (ids from start_label, invalid_key -> invalid_label); with a given vocab an unknown word is
    an error unless unknown_token names the vocab entry to use. Returns (encoded, vocab)."""
    idx = start_label
    if vocab is None:
        vocab = {invalid_key: invalid_label}
        new_vocab = True
    else:
        new_vocab = False
    res = []
    for sent in sentences:
        coded = []
        for word in sent:
            if word not in vocab:
                if not new_vocab and unknown_token is None:
                    raise ValueError("encode_sentences: %r is not in the vocabulary; pass "
                                     "unknown_token to map unknown words" % (word,))
                if not new_vocab:
                    word = unknown_token
                else:
                    if idx == invalid_label:
                        idx += 1
                    vocab[word] = idx
                    idx += 1
            coded.append(vocab[word])
        res.append(coded)
    return res, vocab


class BucketSentenceIter(DataIter):
    """Batches of sentences of one bucket each: data (batch, bucket) padded with
    invalid_label, label the data shifted left by one. buckets default to every sentence
    length that fills at least one batch; longer sentences than the largest bucket are
    dropped (counted in `discarded`). layout 'NT' or 'TN'. The default bucket (provide_data)
    is the largest."""

    def __init__(self, sentences, batch_size, buckets=None, invalid_label=-1, data_name="data",
                 label_name="softmax_label", dtype="float32", layout="NT"):
        super(BucketSentenceIter, self).__init__(batch_size)
        if not buckets:
            lengths = np.bincount([len(s) for s in sentences])
            buckets = [i for i, j in enumerate(lengths) if j >= batch_size]
        if not buckets:
            raise ValueError("BucketSentenceIter: no sentence length fills a batch of %d; give "
                             "buckets explicitly" % batch_size)
        buckets = sorted(buckets)
        self.data = [[] for _ in buckets]
        self.discarded = 0
        for sent in sentences:
            b = bisect.bisect_left(buckets, len(sent))
            if b == len(buckets):
                self.discarded += 1
                continue
            row = np.full((buckets[b],), invalid_label, dtype=dtype)
            row[:len(sent)] = sent
            self.data[b].append(row)
        self.data = [np.asarray(rows, dtype=dtype).reshape(-1, buckets[i])
                     for i, rows in enumerate(self.data)]
        self.batch_size = batch_size
        self.buckets = buckets
        self.data_name = data_name
        self.label_name = label_name
        self.dtype = dtype
        self.invalid_label = invalid_label
        self.nddata = []
        self.ndlabel = []
        self.major_axis = layout.find("N")
        if self.major_axis not in (0, 1) or sorted(layout) != ["N", "T"]:
            raise ValueError("BucketSentenceIter: layout must be 'NT' or 'TN', got %r" % layout)
        self.layout = layout
        self.default_bucket_key = max(buckets)
        shape = ((batch_size, self.default_bucket_key) if self.major_axis == 0
                 else (self.default_bucket_key, batch_size))
        self.provide_data = [DataDesc(data_name, shape, layout=layout)]
        self.provide_label = [DataDesc(label_name, shape, layout=layout)]
        self.idx = []
        for i, buck in enumerate(self.data):
            self.idx.extend([(i, j) for j in range(0, len(buck) - batch_size + 1, batch_size)])
        self.curr_idx = 0
        self.reset()

    def reset(self):
        """Shuffles the batches and the sentences within each bucket."""
        self.curr_idx = 0
        random.shuffle(self.idx)
        for buck in self.data:
            np.random.shuffle(buck)
        self.nddata = []
        self.ndlabel = []
        for buck in self.data:
            label = np.empty_like(buck)
            label[:, :-1] = buck[:, 1:]
            label[:, -1] = self.invalid_label
            self.nddata.append(nd.array(buck, dtype=self.dtype))
            self.ndlabel.append(nd.array(label, dtype=self.dtype))

    def next(self):
        if self.curr_idx == len(self.idx):
            raise StopIteration
        i, j = self.idx[self.curr_idx]
        self.curr_idx += 1
        if self.major_axis == 1:
            data = self.nddata[i][j:j + self.batch_size].T
            label = self.ndlabel[i][j:j + self.batch_size].T
        else:
            data = self.nddata[i][j:j + self.batch_size]
            label = self.ndlabel[i][j:j + self.batch_size]
        return DataBatch([data], [label], pad=0, bucket_key=self.buckets[i],
                         provide_data=[DataDesc(self.data_name, data.shape, layout=self.layout)],
                         provide_label=[DataDesc(self.label_name, label.shape,
                                                 layout=self.layout)])

    __next__ = next
