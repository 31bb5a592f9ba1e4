"""Container images: `aws.py` (an ECR repository per application, replicated to the DR region)."""
