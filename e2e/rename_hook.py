"""Renames one resource the way a developer would: a new name plus `aliases=[Alias(name=old)]`.

The e2e copies this file into its project copy and imports it before the program, with the target
in GROUNDWORK_E2E_RENAME as {"type": ..., "name": ..., "newName": ...}. It wraps the SDK's
Resource constructor, so it works for any resource without knowing the component that creates it.
"""

from __future__ import annotations

import inspect
import json
import os
from typing import Any

import pulumi
from pulumi import resource

_TARGET = json.loads(os.environ["GROUNDWORK_E2E_RENAME"])
_original = resource.Resource.__init__
_signature = inspect.signature(_original)


def _renaming_init(self: resource.Resource, *args: Any, **kwargs: Any) -> None:
    bound = _signature.bind(self, *args, **kwargs)
    if (bound.arguments["t"], bound.arguments["name"]) == (_TARGET["type"], _TARGET["name"]):
        bound.arguments["name"] = _TARGET["newName"]
        alias = pulumi.ResourceOptions(aliases=[pulumi.Alias(name=_TARGET["name"])])
        bound.arguments["opts"] = pulumi.ResourceOptions.merge(bound.arguments.get("opts"), alias)
    _original(*bound.args, **bound.kwargs)


resource.Resource.__init__ = _renaming_init  # type: ignore[method-assign]
