"""The coaching engine: pure functions from state and input to state and replies."""
