"""`groundwork:alicloud/kubernetes:ContainerLogs`: the services' container output (stdout and
stderr of the workload namespaces) collected by ACK's log agent (logtail-ds, installed by
`AckCluster(app_log_project=...)`) into a logstore of the application log project, through one
`AliyunLogConfig` (the agent's own custom resource)."""

from __future__ import annotations

import re

import pulumi
from pulumi_kubernetes import apiextensions

from components._base import child_opts, type_token
from components.kubernetes.alicloud_logs_spec import ContainerLogsArgs, validate

CONFIG_NAMESPACE = "kube-system"
"""Where the agent reads its AliyunLogConfig resources."""


class ContainerLogs(pulumi.ComponentResource):
    def __init__(
        self, name: str, args: ContainerLogsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(
            type_token("kubernetes", "ContainerLogs", cloud="alicloud"), name, None, opts
        )
        validate(args)
        pattern = "^(" + "|".join(re.escape(n) for n in sorted(args.namespaces)) + ")$"
        apiextensions.CustomResource(
            f"{name}-config",
            api_version="log.alibabacloud.com/v1alpha1",
            kind="AliyunLogConfig",
            metadata={"name": f"{name}-stdout", "namespace": CONFIG_NAMESPACE},
            spec={
                "project": args.project,
                "logstore": args.logstore,
                "logtailConfig": {
                    "inputType": "plugin",
                    "configName": f"{name}-stdout",
                    "inputDetail": {
                        "plugin": {
                            "inputs": [
                                {
                                    "type": "service_docker_stdout",
                                    "detail": {
                                        "Stdout": True,
                                        "Stderr": True,
                                        "K8sNamespaceRegex": pattern,
                                    },
                                }
                            ]
                        }
                    },
                },
            },
            opts=child_opts(self),
        )
        self.register_outputs({})
