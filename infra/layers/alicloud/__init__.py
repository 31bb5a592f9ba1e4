"""The layers of an Alibaba Cloud stack: the same contract as the AWS layers beside this package
(`layer(cfg, <handles of the layers it builds on>, opts) -> <Layer>Handles`), over the
`alicloud.py` implementations in components/. A capability whose Alibaba implementation is not
built yet is refused by the config (its layer's `not_built`), never silently left out."""

NOT_BUILT = "not built on Alibaba Cloud yet (issue #16); set it to false"
"""The refusal of a capability whose Alibaba Cloud implementation is not built yet."""
