"""nnviz/ui/heap.py: a page's first run in a process freezes the heap, later runs leave it alone."""

import gc

from nnviz.ui import heap


def test_first_run_of_a_page_freezes_the_heap_and_later_runs_do_not():
    long_lived = [object() for _ in range(1000)]
    before = gc.get_freeze_count()
    assert heap.settle("test-page-heap")
    assert gc.get_freeze_count() >= before + len(long_lived)  # now out of the collector's sight
    frozen = gc.get_freeze_count()
    garbage = [[] for _ in range(100)]
    assert not heap.settle("test-page-heap")
    assert gc.get_freeze_count() == frozen  # the second run froze nothing
    del garbage, long_lived
