"""One-hot and multi-hot encoding and the text parsers the pages use."""

import numpy as np
import pytest

from nnviz import encoding as e


def test_one_hot_of_the_colour_example():
    enc = e.one_hot(e.parse_labels("Red, Green, Blue, Green"))
    assert enc.classes == ("Red", "Green", "Blue")
    assert enc.matrix.tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]]
    assert np.all(enc.matrix.sum(axis=1) == 1)


def test_one_hot_with_fixed_classes_rejects_unknown_labels():
    assert e.one_hot(["b"], classes=["a", "b"]).matrix.tolist() == [[0, 1]]
    with pytest.raises(ValueError, match="not among the classes"):
        e.one_hot(["c"], classes=["a", "b"])


def test_multi_hot_of_the_label_sets_example():
    enc = e.multi_hot(e.parse_label_sets("A,B; A; C,B; B"))
    assert enc.classes == ("A", "B", "C")
    assert enc.matrix.tolist() == [[1, 1, 0], [1, 0, 0], [0, 1, 1], [0, 1, 0]]


@pytest.mark.parametrize("fn,text", [(lambda t: e.one_hot(e.parse_labels(t)), " , "),
                                     (lambda t: e.multi_hot(e.parse_label_sets(t)), " ; ")])
def test_empty_class_lists_are_explained(fn, text):
    with pytest.raises(ValueError, match="class list is empty"):
        fn(text)


def test_parse_numbers():
    assert e.parse_numbers("2, 1, 0.1").tolist() == [2.0, 1.0, 0.1]
    with pytest.raises(ValueError, match="could not read"):
        e.parse_numbers("2, x")
    with pytest.raises(ValueError, match="no logits given"):
        e.parse_numbers("", "logits")
    with pytest.raises(ValueError, match="finite"):
        e.parse_numbers("inf")
