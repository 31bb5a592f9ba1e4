"""Kubernetes: the EKS cluster, its platform baseline and add-ons, and the app Workload."""
