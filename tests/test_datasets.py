import numpy as np
import pytest

from nnviz import datasets


@pytest.mark.parametrize("name", datasets.NAMES_2D)
def test_generators_are_deterministic_under_a_seed(name):
    a = datasets.generate(name, 200, noise=0.2, seed=7)
    b = datasets.generate(name, 200, noise=0.2, seed=7)
    c = datasets.generate(name, 200, noise=0.2, seed=8)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)


@pytest.mark.parametrize("name", datasets.NAMES_2D)
def test_generators_give_finite_points_of_the_asked_size(name):
    ds = datasets.generate(name, 301, noise=0.5, seed=1)
    assert ds.X.shape == (301, 2) and ds.y.shape == (301,)
    assert np.all(np.isfinite(ds.X)) and np.all(np.isfinite(ds.y))
    if ds.task == "classification":
        assert set(np.unique(ds.y)) == set(range(ds.n_classes))
    else:
        assert ds.n_classes == 0


def test_noise_free_xor_is_labelled_by_quadrant():
    ds = datasets.generate("xor", 400, noise=0.0, seed=0)
    np.testing.assert_array_equal(ds.y, (ds.X[:, 0] * ds.X[:, 1] >= 0).astype(int))


def test_noise_free_circle_separates_inner_from_outer_ring():
    ds = datasets.generate("circle", 400, noise=0.0, seed=0)
    radius = np.hypot(ds.X[:, 0], ds.X[:, 1])
    assert radius[ds.y == 1].max() < radius[ds.y == 0].min()


def test_blobs_takes_the_number_of_classes():
    assert datasets.generate("blobs", 100, n_classes=5).n_classes == 5
    with pytest.raises(ValueError, match="2 to 5 classes"):
        datasets.generate("blobs", 100, n_classes=9)


@pytest.mark.parametrize("kwargs, message", [
    ({"name": "spirals"}, "unknown data set 'spirals'; choose one of: circle"),
    ({"name": "xor", "noise": 0.9}, "noise must be between 0 and 0.5"),
    ({"name": "xor", "n_samples": 1}, "at least 2 points"),
])
def test_bad_arguments_say_what_to_do(kwargs, message):
    with pytest.raises(ValueError, match=message):
        datasets.generate(**kwargs)


def test_split_is_seeded_and_keeps_every_point():
    ds = datasets.generate("spiral", 100, seed=0)
    X_train, X_test, y_train, y_test = datasets.split(ds.X, ds.y, 0.3, seed=4)
    again = datasets.split(ds.X, ds.y, 0.3, seed=4)
    assert len(X_test) == 30 and len(X_train) == 70
    np.testing.assert_array_equal(X_test, again[1])
    assert sorted(map(tuple, np.vstack([X_train, X_test]))) == sorted(map(tuple, ds.X))


@pytest.mark.parametrize("name, rows, features, task", [
    ("breast_cancer", 569, 30, "binary"),
    ("iris", 150, 4, "multiclass"),
    ("wine", 178, 13, "multiclass"),
    ("digits", 1797, 64, "multiclass"),
    ("diabetes", 442, 10, "regression"),
])
def test_bundled_tables_load_offline(name, rows, features, task):
    table = datasets.load_tabular(name)
    assert table.X.shape == (rows, features) and table.y.shape == (rows,)
    assert table.task == task and len(table.feature_names) == features
    assert (len(table.target_names) > 0) == (task != "regression")
