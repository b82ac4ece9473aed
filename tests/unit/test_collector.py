"""Full collections walk only what is newer than the last one; cycles left frozen are freed after a thaw."""
from __future__ import annotations

import gc
import weakref

import pytest

from event_server.live import collector


class Node:
    def __init__(self):
        self.me = self  # a reference cycle: only the collector can free it


@pytest.fixture
def installed():
    now = [0.0]
    before = list(gc.callbacks)
    gc.collect()
    made = collector.install(thaw_every=600, clock=lambda: now[0])
    yield made, now
    gc.callbacks[:] = before
    gc.unfreeze()


def test_a_full_collection_freezes_what_survived_it(installed):
    gc.collect()
    frozen = gc.get_freeze_count()
    assert frozen > 0
    survivors = [Node() for _ in range(1000)]
    gc.collect()
    assert gc.get_freeze_count() >= frozen + 1000  # the next one froze only what was new
    assert collector.install() is installed[0]  # one per process
    del survivors


def test_cycles_frozen_with_a_closed_connection_are_freed_after_a_thaw(installed):
    _, now = installed
    node = Node()
    gone = weakref.ref(node)
    gc.collect()  # frozen while still in use
    del node
    gc.collect()
    assert gone() is not None  # a frozen cycle waits for the thaw
    now[0] = 600.0
    gc.collect()  # the thaw: everything goes back to the oldest generation
    gc.collect()  # which this full collection walks
    assert gone() is None
    assert gc.get_freeze_count() > 0  # and frozen again afterwards
