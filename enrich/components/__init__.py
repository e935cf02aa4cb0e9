"""Pipeline components: one job each, registered by versioned name (see ``registry``).

Each component has ``predict(batch)`` (reads, never writes) and ``set_annotations(batch, predictions)``
(the only writer).
"""
