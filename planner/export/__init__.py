"""Export a recorded plan for the scanners security teams already run: a Terraform JSON plan
(Checkov, Trivy, conftest, Infracost) and Kubernetes manifests (see docs/scanning.md)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from planner.export.kubernetes import write_manifests
from planner.export.mapping import TABLE, Table, load_table
from planner.export.terraform import plan_document
from planner.recorder import RecordedResource

PLAN_FILE = "tfplan.json"
K8S_DIR = "k8s"
HELM_DIR = "helm"


@dataclass(frozen=True)
class ExportSummary:
    directory: Path
    terraform_resources: int
    kubernetes_objects: int
    helm_releases: int
    unmapped: tuple[str, ...] = ()
    """Types the stack creates that tf_types.json neither maps nor declares unmappable: left out of
    the export, so no scanner sees them (`./tasks scan` fails on them)."""

    def line(self) -> str:
        text = (f"Export: {self.directory}  ({self.terraform_resources} Terraform resources in "
                f"{PLAN_FILE}, {self.kubernetes_objects} Kubernetes objects in {K8S_DIR}/, "
                f"{self.helm_releases} Helm release values in {HELM_DIR}/)")  # fmt: skip
        if self.unmapped:
            text += f"; NOT exported (no entry in {TABLE.name}): {', '.join(self.unmapped)}"
        return text


def write_export(resources: list[RecordedResource], directory: Path) -> ExportSummary:
    """Write DIR/tfplan.json, DIR/k8s/*.yaml and DIR/helm/*.values.yaml; replaces an earlier export
    there (a stale manifest would be scanned as if it were still planned)."""
    directory.mkdir(parents=True, exist_ok=True)
    for sub in (K8S_DIR, HELM_DIR):
        shutil.rmtree(directory / sub, ignore_errors=True)
    table = load_table()
    document = plan_document(resources, table)
    (directory / PLAN_FILE).write_text(json.dumps(document, indent=2) + "\n")
    objects, releases = write_manifests(resources, directory / K8S_DIR, directory / HELM_DIR)
    count = len(document["planned_values"]["root_module"]["resources"])
    return ExportSummary(
        directory,
        count,
        objects,
        releases,
        unmapped_types((r.type for r in resources if r.custom), table),
    )


def unmapped_types(custom_types: Iterable[str], table: Table) -> tuple[str, ...]:
    """The types among `custom_types` with neither a Terraform type nor a stated reason for
    having none."""
    return tuple(sorted({
        t for t in custom_types if table.lookup(t) is None and table.unmappable_reason(t) is None
    }))  # fmt: skip
