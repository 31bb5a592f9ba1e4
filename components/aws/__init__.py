"""AWS building blocks shared by the AWS implementations of our components."""
