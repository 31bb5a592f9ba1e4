"""Kubernetes shared by every cloud (only the Kubernetes API): the platform baseline and Workload."""
