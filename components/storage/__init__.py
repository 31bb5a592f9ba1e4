"""Object storage: `aws.py` (S3 bucket with its side resources)."""
