"""A local fake cloud for the real Pulumi engine: provider plugins backed by planner.fake_cloud."""
