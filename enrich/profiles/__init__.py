"""The profile layer above the store: account roll-ups, segments, alerts, and the post-run profile update."""
