"""The coordination hub: enrollment, sealed contact batches, the registry, packs."""

__all__: list[str] = []
