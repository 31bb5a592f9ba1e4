"""`groundwork:tracing`: the OpenTelemetry Collector every workload sends its traces to (AWS;
components/monitoring/aws_telemetry.py, docs/monitoring.md)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from components.monitoring.aws_telemetry_spec import TraceExporter, TracingArgs
from infra.sections.base import Problem, Section, component_default
from infra.sections.kubernetes import HelmChart

OTEL_COLLECTOR = HelmChart(
    chart="opentelemetry-collector",
    version="0.158.3",
    repository="https://open-telemetry.github.io/opentelemetry-helm-charts",
)


class Tracing(Section):
    enabled: bool = True
    """Run the collector (needs `cluster.enabled`) and give every service of `apps` its endpoint
    (`OTEL_EXPORTER_OTLP_ENDPOINT`) and a network path to it (OTLP/gRPC, port 4317). Staging and
    prod keep it on (policy obs-tracing-collector)."""
    sampling_ratio: float = Field(component_default(TracingArgs, "sampling_ratio"), gt=0, le=1)
    """Share of traces kept (probabilistic sampling at the collector): 0 < ratio <= 1."""
    exporter: TraceExporter = component_default(TracingArgs, "exporter")
    """`xray` (AWS X-Ray, through an IRSA role that may only write traces) or `otlp` (any OTLP/gRPC
    endpoint, such as Jaeger's collector: set `endpoint`)."""
    endpoint: str | None = Field(None, pattern=r"^https://[^\s/]+(:\d+)?(/\S*)?$")
    """`otlp` only: the HTTPS endpoint traces are exported to (`https://jaeger.example:4317`)."""
    replicas: int = Field(component_default(TracingArgs, "replicas"), ge=1, le=10)
    """Collector replicas (2+: one can be drained; a PDB keeps one up)."""
    chart: HelmChart = OTEL_COLLECTOR
    """The pinned collector chart (values merged over ours)."""

    def problems(self) -> Iterator[Problem]:
        if self.exporter == "otlp" and self.endpoint is None:
            yield Problem("endpoint", "required by exporter otlp (where the traces go)")
        if self.exporter == "xray" and self.endpoint is not None:
            yield Problem("endpoint", "only for exporter otlp (X-Ray needs no endpoint)")
