"""Kubernetes objects of a recorded program as manifests, and each Helm release's values.

Objects are written as the API server would receive them (one YAML document per file), so
Kubernetes scanners read them unchanged. A Helm release is not an object: its chart is rendered
in the cluster, which the offline plan cannot do, so its values are written beside the chart's
coordinates for `helm template` (see docs/scanning.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from planner.recorder import RecordedResource
from planner.report import masked

HELM_RELEASE = "kubernetes:helm.sh/v3:Release"


def _slug(*parts: str) -> str:
    return re.sub(r"[^a-z0-9.-]+", "-", "-".join(p for p in parts if p).lower()).strip("-")


def manifest(resource: RecordedResource) -> dict[str, Any]:
    obj = masked(resource.inputs, resource.secret_paths)
    metadata = dict(obj.get("metadata") or {})
    # Without metadata.name the provider auto-names the object after the resource name.
    metadata.setdefault("name", resource.name)
    return {"apiVersion": obj.get("apiVersion"), "kind": obj.get("kind"), "metadata": metadata,
            **{k: v for k, v in obj.items() if k not in ("apiVersion", "kind", "metadata")}}  # fmt: skip


def _unique(path: Path, taken: set[Path]) -> Path:
    candidate, n = path, 2
    while candidate in taken:
        candidate, n = path.with_name(f"{path.stem}-{n}{path.suffix}"), n + 1
    taken.add(candidate)
    return candidate


def write_manifests(
    resources: Iterable[RecordedResource], k8s_dir: Path, helm_dir: Path
) -> tuple[int, int]:
    """Write every Kubernetes object and Helm release's values; returns (objects, releases)."""
    taken: set[Path] = set()
    objects = releases = 0
    for r in sorted(resources, key=lambda r: r.urn):
        if not (r.custom and r.type.startswith("kubernetes:")):
            continue
        if r.type == HELM_RELEASE:
            inputs = masked(r.inputs, r.secret_paths)
            name = str(inputs.get("name") or r.name)
            header = [
                f"# Helm release {name} (Pulumi resource {r.name})",
                f"# chart: {inputs.get('chart')}  version: {inputs.get('version')}",
                f"# repository: {(inputs.get('repositoryOpts') or {}).get('repo', '')}",
                f"# namespace: {inputs.get('namespace', 'default')}",
            ]
            path = _unique(
                helm_dir / f"{_slug(inputs.get('namespace', ''), name)}.values.yaml", taken
            )
            path.parent.mkdir(parents=True, exist_ok=True)
            body = yaml.safe_dump(inputs.get("values") or {}, sort_keys=True)
            path.write_text("\n".join(header) + "\n" + body)
            releases += 1
            continue
        obj = manifest(r)
        meta = obj["metadata"]
        stem = _slug(str(obj["kind"]), str(meta.get("namespace", "")), str(meta["name"]))
        path = _unique(k8s_dir / f"{stem}.yaml", taken)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(obj, sort_keys=False))
        objects += 1
    return objects, releases
