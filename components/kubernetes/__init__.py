"""Kubernetes: the managed cluster per cloud (`aws_eks.py`; `aws_irsa.py` and the Helm add-ons
with their IAM roles in `aws_addons.py`), and `platform/`, what runs on any cluster."""
