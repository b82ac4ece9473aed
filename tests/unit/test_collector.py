"""Full collections walk only what is new; cycles left frozen are freed after a thaw."""
from __future__ import annotations

import gc
import weakref

from event_server.live import collector


class Node:
    def __init__(self):
        self.me = self  # a reference cycle: only the collector can free it


def test_a_full_collection_freezes_what_survived_it(gc_collector):
    gc.collect()
    frozen = gc.get_freeze_count()
    assert frozen > 0
    survivors = [Node() for _ in range(1000)]
    gc.collect()
    assert gc.get_freeze_count() >= frozen + 1000  # the next one froze only what was new
    assert collector.install() is gc_collector[0]  # one per process
    del survivors


def test_what_young_collections_promote_is_frozen_without_a_full_collection(gc_collector):
    frozen = gc.get_freeze_count()
    survivors = [Node() for _ in range(1000)]
    gc.collect(1)  # promotes them to the oldest generation, which a full collection would walk
    assert gc.get_freeze_count() >= frozen + 1000
    del survivors


def test_after_a_thaw_nothing_is_frozen_until_a_full_collection_has_walked_it(gc_collector):
    node = Node()
    gone = weakref.ref(node)
    gc.collect(1)  # frozen while still in use
    del node  # a closed connection's remains
    for _ in range(3):
        collector.connection_closed()  # the third one thaws
    assert gc.get_freeze_count() == 0
    gc.collect(1)
    assert gc.get_freeze_count() == 0 and gone() is not None  # not frozen again before being walked
    gc.collect()
    assert gone() is None
    assert gc.get_freeze_count() > 0


def test_cycles_frozen_with_a_closed_connection_are_freed_after_a_thaw(gc_collector):
    _, now = gc_collector
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


def test_the_timed_thaw_comes_even_when_no_full_collection_runs(gc_collector):
    _, now = gc_collector
    gc.collect(1)
    assert gc.get_freeze_count() > 0
    now[0] = 600.0
    gc.collect(1)  # freezing keeps full collections from starting: a young one must thaw
    assert gc.get_freeze_count() == 0


def test_enough_closed_connections_thaw_at_once(gc_collector):
    node = Node()
    gone = weakref.ref(node)
    gc.collect()
    del node  # a closed connection's remains, frozen
    collector.connection_closed()
    collector.connection_closed()
    gc.collect()
    assert gone() is not None  # two closed: not yet
    collector.connection_closed()  # the third: thawed, the next full collection frees them
    gc.collect()
    assert gone() is None
